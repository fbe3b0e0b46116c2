import { describe, expect, it } from '@jest/globals';
import { cleanCommand, defaultLayer, layerRows } from './layers.js';
import { layerComponentCounts } from './severity.js';

describe('layers', () => {
  it('orders layers and reads the component lists', () => {
    const rows = layerRows({
      layers: [
        {
          index: 1,
          createdBy: '/bin/sh -c apt-get install -y openssl',
          components: [{ name: 'openssl', counts: { high: 2 } }],
        },
        { index: 0, createdBy: '/bin/sh -c #(nop) ADD file:abc in / ', size: 100 },
        { index: 2, createdBy: 'RUN rm -rf /usr/lib/x # buildkit', removed: [{ name: 'x' }] },
      ],
    });
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(rows[0].createdBy).toBe('ADD file:abc in /');
    expect(rows[1].createdBy).toBe('RUN apt-get install -y openssl');
    expect(rows[1].added[0].name).toBe('openssl');
    expect(rows[2].createdBy).toBe('RUN rm -rf /usr/lib/x');
    expect(rows[2].removed).toHaveLength(1);
  });

  it('accepts a bare array and fills indexes', () => {
    expect(layerRows([{ createdBy: 'a' }, { createdBy: 'b' }]).map((r) => r.index)).toEqual([0, 1]);
    expect(layerRows(null)).toEqual([]);
  });

  it('selects the layer that introduced the most vulnerabilities', () => {
    const rows = layerRows([
      { components: [{ name: 'a', counts: { low: 1 } }] },
      { components: [{ name: 'b', counts: { high: 3 } }] },
      { components: [] },
    ]);
    expect(defaultLayer(rows, (c) => layerComponentCounts(c).total)).toBe(1);
    expect(defaultLayer(layerRows([{ components: [{ name: 'z' }] }]), () => 0)).toBe(0);
    expect(cleanCommand(undefined)).toBe('');
  });
});
