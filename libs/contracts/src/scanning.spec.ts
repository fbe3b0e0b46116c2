import { describe, expect, it } from '@jest/globals';
import { worstTagScan, type SeverityCountsView, type TagScanView } from './scanning.js';

const counts = (c: Partial<SeverityCountsView>): SeverityCountsView => {
  const full = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0, ...c };
  return { ...full, total: full.critical + full.high + full.medium + full.low + full.unknown };
};
const tag = (name: string, scanStatus: TagScanView['scanStatus'], c: Partial<SeverityCountsView> | null) => ({
  tag: name,
  scanStatus,
  counts: c ? counts(c) : null,
});

describe('worstTagScan (the repository list shield)', () => {
  it('is null for a repository without tags', () => {
    expect(worstTagScan([])).toBeNull();
  });

  it('prefers red over orange over green over grey, whatever the order', () => {
    const tags = [
      tag('clean', 'completed', {}),
      tag('queued', 'queued', null),
      tag('low', 'completed', { low: 9 }),
      tag('high', 'completed', { high: 1 }),
    ];
    expect(worstTagScan(tags)?.tag).toBe('high');
    expect(worstTagScan([...tags].reverse())?.tag).toBe('high');
    expect(worstTagScan(tags.slice(0, 3))).toEqual({
      tag: 'low',
      status: 'completed',
      counts: counts({ low: 9 }),
    });
    expect(worstTagScan(tags.slice(0, 2))?.tag).toBe('clean');
  });

  it('within a colour, critical findings count first, then high, then the total', () => {
    expect(
      worstTagScan([tag('a', 'completed', { high: 5 }), tag('b', 'completed', { critical: 1 })])?.tag,
    ).toBe('b');
    expect(
      worstTagScan([tag('a', 'completed', { high: 1, low: 9 }), tag('b', 'completed', { high: 2 })])?.tag,
    ).toBe('b');
    expect(
      worstTagScan([tag('a', 'completed', { low: 1 }), tag('b', 'completed', { medium: 1, low: 2 })])?.tag,
    ).toBe('b');
  });

  it('among tags without results, a running scan is the most telling', () => {
    const grey = [tag('n', 'not_scanned', null), tag('s', 'scanning', null), tag('f', 'failed', null)];
    expect(worstTagScan(grey)).toEqual({ tag: 's', status: 'scanning', counts: null });
    expect(worstTagScan([tag('x', 'not_licensed', null), tag('n', 'not_scanned', null)])?.status).toBe(
      'not_scanned',
    );
  });
});
