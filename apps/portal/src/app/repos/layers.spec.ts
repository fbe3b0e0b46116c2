import { describe, expect, it } from '@jest/globals';
import type { Layer } from './repo-types.js';
import { cleanCommand, defaultLayer, layerRows } from './layers.js';
import { layerComponentCounts } from './severity.js';

const comp = (name: string, high = 0) => ({
  type: 'deb',
  name,
  version: '1',
  purl: '',
  counts: { critical: 0, high, medium: 0, low: 0, unknown: 0, total: high },
  vulnerabilityCount: high,
});
const layer = (index: number, createdBy: string | null, over: Partial<Layer> = {}): Layer => ({
  index,
  digest: `sha256:${index}`,
  diffId: null,
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  size: 100,
  createdBy,
  status: 'scanned',
  components: [],
  removed: [],
  ...over,
});

describe('layers', () => {
  it('orders layers and cleans the Dockerfile commands', () => {
    const rows = layerRows({
      digest: 'sha256:img',
      layers: [
        layer(1, '/bin/sh -c apt-get install -y openssl', { components: [comp('openssl', 2)] }),
        layer(0, '/bin/sh -c #(nop) ADD file:abc in / '),
        layer(2, 'RUN rm -rf /usr/lib/x # buildkit', { removed: [comp('x')] }),
      ],
    });
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(rows[0].createdBy).toBe('ADD file:abc in /');
    expect(rows[1].createdBy).toBe('RUN apt-get install -y openssl');
    expect(rows[1].added[0].name).toBe('openssl');
    expect(rows[2].createdBy).toBe('RUN rm -rf /usr/lib/x');
    expect(rows[2].removed).toHaveLength(1);
  });

  it('keeps unscanned layers with their reason, and accepts a bare list', () => {
    const rows = layerRows([layer(0, null, { status: 'not-scanned', reason: 'foreign layer' })]);
    expect(rows[0]).toMatchObject({ scanned: false, reason: 'foreign layer', createdBy: '' });
    expect(layerRows(null)).toEqual([]);
  });

  it('selects the layer that introduced the most vulnerabilities', () => {
    const rows = layerRows([
      layer(0, 'a', { components: [comp('a', 1)] }),
      layer(1, 'b', { components: [comp('b', 3)] }),
    ]);
    expect(defaultLayer(rows, (c) => layerComponentCounts(c).total)).toBe(1);
    expect(defaultLayer(layerRows([layer(0, 'z', { components: [comp('z')] })]), () => 0)).toBe(0);
    expect(cleanCommand(undefined)).toBe('');
  });
});
