import { describe, expect, it } from '@jest/globals';
import type { Component, Vulnerability } from './repo-types.js';
import {
  NO_FILTER,
  compareComponents,
  filterComponents,
  filterParams,
  fullCounts,
  layerComponentCounts,
  shieldFor,
  sortVulnerabilities,
  tagScan,
  vulnerabilityLink,
} from './severity.js';

const v = (
  id: string,
  severity: Vulnerability['severity'],
  extra: Partial<Vulnerability> = {},
): Vulnerability => ({
  id,
  aliases: [],
  severity,
  score: null,
  summary: null,
  fixedVersion: null,
  link: '',
  ...extra,
});
const comp = (name: string, vulns: Vulnerability[], type = 'deb'): Component => ({
  type,
  name,
  version: '1.0',
  purl: `pkg:${type}/${name}@1.0`,
  licenses: [],
  paths: [],
  layerIndex: 0,
  vulnerabilities: vulns,
});
type Some = Partial<Record<'critical' | 'high' | 'medium' | 'low' | 'unknown', number>>;
const counts = (c: Some) => ({
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
  unknown: 0,
  ...c,
  total: Object.values(c).reduce((a, b) => a + b, 0),
});
const lc = (name: string, c: Some) => ({
  type: 'deb',
  name,
  version: '1',
  purl: '',
  counts: counts(c),
  vulnerabilityCount: counts(c).total,
});

describe('shieldFor', () => {
  it('is green with a check when a completed scan found nothing', () => {
    expect(shieldFor('completed', { total: 0 })).toMatchObject({ color: 'green', text: '✓' });
    expect(shieldFor('completed', null)).toMatchObject({ color: 'green' });
  });

  it('is red with the count when there are critical or high findings, orange otherwise', () => {
    expect(shieldFor('completed', { critical: 1, medium: 2, total: 3 })).toMatchObject({
      color: 'red',
      text: '3',
    });
    expect(shieldFor('completed', { high: 1 })).toMatchObject({ color: 'red', text: '1' });
    expect(shieldFor('completed', { medium: 2, low: 5 })).toMatchObject({ color: 'orange', text: '7' });
    expect(shieldFor('completed', { unknown: 1 }).label).toBe('1 vulnerability, worst unknown');
  });

  it('is grey while not scanned, running, failed or not licensed', () => {
    for (const s of ['not_scanned', 'queued', 'scanning', 'failed', 'not_licensed'] as const) {
      expect(shieldFor(s, { critical: 9 }).color).toBe('grey');
    }
    expect(shieldFor('not_licensed', null).text).toBe('not enabled');
    expect(shieldFor(undefined, null).status).toBe('not_scanned');
  });
});

describe('tag scan fields', () => {
  const base = {
    name: 'v1',
    digest: 'sha256:x',
    mediaType: 'm',
    totalSize: 1,
    platforms: [],
    pushedAt: '',
    pushedBy: null,
  };
  it('reads the scan fields of the tag list, and their absence', () => {
    expect(tagScan({ ...base, scanStatus: 'completed', counts: counts({ high: 1 }) })).toEqual({
      status: 'completed',
      counts: counts({ high: 1 }),
    });
    expect(tagScan({ ...base, scanStatus: 'queued', counts: null })).toEqual({
      status: 'queued',
      counts: null,
    });
    expect(tagScan(base).status).toBe('not_scanned');
  });

  it('fills counts', () => {
    expect(fullCounts({ high: 2, low: 1 })).toEqual({
      critical: 0,
      high: 2,
      medium: 0,
      low: 1,
      unknown: 0,
      total: 3,
    });
  });
});

describe('components: most vulnerable first', () => {
  const items = [
    comp('zlib', [v('CVE-1', 'medium'), v('CVE-2', 'medium'), v('CVE-3', 'low')]),
    comp('openssl', [v('CVE-4', 'critical')]),
    comp('bash', []),
    comp('curl', [v('CVE-5', 'critical'), v('CVE-6', 'low')]),
  ];

  it('orders by highest severity, then by count', () => {
    expect([...items].sort(compareComponents).map((c) => c.name)).toEqual([
      'curl',
      'openssl',
      'zlib',
      'bash',
    ]);
  });

  it('sorts vulnerabilities worst and highest score first', () => {
    const sorted = sortVulnerabilities([
      v('B', 'high', { score: 7.1 }),
      v('A', 'critical', { score: 9 }),
      v('C', 'high', { score: 8.8 }),
    ]);
    expect(sorted.map((x) => x.id)).toEqual(['A', 'C', 'B']);
  });

  it('filters by severity and keeps only matching vulnerabilities', () => {
    const r = filterComponents(items, { ...NO_FILTER, severities: ['critical'] });
    expect(r.map((c) => c.name)).toEqual(['curl', 'openssl']);
    expect(r[0].vulnerabilities.map((x) => x.id)).toEqual(['CVE-5']);
  });

  it('filters fixable only, by type and by search over names and ids', () => {
    const withFix = [
      comp('a', [v('CVE-7', 'high', { fixedVersion: '2.0' }), v('CVE-8', 'high')]),
      comp('b', [v('X', 'low')]),
    ];
    const r = filterComponents(withFix, { ...NO_FILTER, fixableOnly: true });
    expect(r.map((c) => c.name)).toEqual(['a']);
    expect(r[0].vulnerabilities).toHaveLength(1);
    expect(
      filterComponents([...items, comp('lodash', [], 'npm')], { ...NO_FILTER, type: 'npm' }).map(
        (c) => c.name,
      ),
    ).toEqual(['lodash']);
    expect(filterComponents(items, { ...NO_FILTER, search: 'cve-4' }).map((c) => c.name)).toEqual([
      'openssl',
    ]);
    expect(filterComponents(items, NO_FILTER)).toHaveLength(4);
  });

  it('turns the filter into query parameters', () => {
    expect(
      filterParams({ severities: ['critical', 'high'], fixableOnly: true, type: 'npm', search: ' x ' }),
    ).toEqual({
      severity: 'critical,high',
      fixable: 'true',
      type: 'npm',
      q: 'x',
    });
    expect(filterParams(NO_FILTER)).toEqual({
      severity: undefined,
      fixable: undefined,
      type: undefined,
      q: undefined,
    });
  });
});

describe('links and layer counts', () => {
  it('links CVEs to NVD and others to OSV unless the API gives a link', () => {
    expect(vulnerabilityLink(v('CVE-2024-1234', 'high'))).toBe(
      'https://nvd.nist.gov/vuln/detail/CVE-2024-1234',
    );
    expect(vulnerabilityLink(v('GHSA-xxxx', 'high', { aliases: ['CVE-2023-1'] }))).toBe(
      'https://nvd.nist.gov/vuln/detail/CVE-2023-1',
    );
    expect(vulnerabilityLink(v('DSA-1', 'high'))).toBe('https://osv.dev/vulnerability/DSA-1');
    expect(vulnerabilityLink(v('CVE-1', 'high', { link: 'https://x/y' }))).toBe('https://x/y');
  });

  it('reads layer component counts', () => {
    expect(layerComponentCounts(lc('a', { high: 2 })).total).toBe(2);
    expect(layerComponentCounts(lc('a', { critical: 1, low: 1 }))).toMatchObject({
      critical: 1,
      low: 1,
      total: 2,
    });
  });
});
