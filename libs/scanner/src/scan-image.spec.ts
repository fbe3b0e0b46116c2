import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buildTar, gzip } from './__tests__/layers.js';
import { ScanError } from './errors.js';
import { matchContext, toMatchComponents } from './match-input.js';
import { scanImage, type LayerAnalysisCache } from './scan-image.js';
import type { ImageSource } from './source/types.js';
import type { LayerAnalysis, ScanProgress } from './types.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function source(
  opts: { foreign?: boolean; badDiffId?: boolean } = {},
): Promise<{ src: ImageSource; opened: string[] }> {
  const tar = await buildTar([
    { name: 'app/node_modules/ms/package.json', content: JSON.stringify({ name: 'ms', version: '2.1.3' }) },
  ]);
  const blob = gzip(tar);
  const opened: string[] = [];
  const layers = [
    ...(opts.foreign
      ? [
          {
            mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
            digest: `sha256:${'f'.repeat(64)}`,
            size: 10,
            urls: ['https://example.com/x'],
          },
        ]
      : []),
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(blob), size: blob.length },
  ];
  const diffIds = [
    ...(opts.foreign ? [`sha256:${'e'.repeat(64)}`] : []),
    opts.badDiffId ? `sha256:${'0'.repeat(64)}` : sha(tar),
  ];
  const src: ImageSource = {
    reference: 'mem',
    manifest: { schemaVersion: 2, config: { mediaType: 'x', digest: 'sha256:c', size: 1 }, layers },
    manifestDigest: 'sha256:m',
    config: {
      rootfs: { diff_ids: diffIds },
      history: [...(opts.foreign ? [{ created_by: 'Apply image' }] : []), { created_by: 'COPY app' }],
    },
    configDigest: 'sha256:c',
    platform: { os: 'linux', architecture: 'amd64' },
    openBlob: async (d) => {
      opened.push(d);
      if (d !== sha(blob)) throw new ScanError('BLOB_NOT_FOUND', d, d);
      return Readable.from([blob]);
    },
  };
  return { src, opened };
}

describe('scanImage', () => {
  it('skips foreign layers ("not scanned: foreign layer") and scans the others', async () => {
    const { src, opened } = await source({ foreign: true });
    const r = await scanImage(src);
    expect(r.layers.map((l) => [l.status, l.reason])).toEqual([
      ['not-scanned', 'foreign layer'],
      ['scanned', undefined],
    ]);
    expect(opened).toHaveLength(1);
    expect(r.components[0]).toMatchObject({ name: 'ms', layerIndex: 1, createdBy: 'COPY app' });
    expect(toMatchComponents(r.components)).toEqual([
      expect.objectContaining({
        type: 'npm',
        name: 'ms',
        version: '2.1.3',
        purl: 'pkg:npm/ms@2.1.3',
        removed: false,
        lockfileOnly: false,
      }),
    ]);
    expect(matchContext(r)).toEqual({ os: null });
  });

  it('uses the cache by DiffID and analyser version, and reports progress', async () => {
    const store = new Map<string, LayerAnalysis>();
    const cache: LayerAnalysisCache = {
      get: async (k) => store.get(`${k.diffId}|${k.analyzerVersion}`),
      set: async (k, a) =>
        void store.set(`${k.diffId}|${k.analyzerVersion}`, JSON.parse(JSON.stringify(a)) as LayerAnalysis),
    };
    const first = await source();
    const progress: ScanProgress[] = [];
    const r1 = await scanImage(first.src, { cache, onProgress: (p) => progress.push(p) });
    expect(store.size).toBe(1);
    expect(progress[progress.length - 1]).toMatchObject({ layersDone: 1, layersTotal: 1 });
    const second = await source();
    const r2 = await scanImage(second.src, { cache });
    expect(second.opened).toEqual([]);
    expect(r2.components).toEqual(r1.components);
  });

  it('fails with the layer digest when the DiffID does not match', async () => {
    const { src } = await source({ badDiffId: true });
    await expect(scanImage(src)).rejects.toMatchObject({
      code: 'LAYER_DIFFID_MISMATCH',
      layerDigest: src.manifest.layers[0].digest,
    });
  });
});
