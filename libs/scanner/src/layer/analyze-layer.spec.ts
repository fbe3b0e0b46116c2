import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ScanError } from '../errors.js';
import { ANALYZER_VERSION } from '../types.js';
import {
  analyzeBuffer,
  analyzeEntries,
  buildTar,
  chunked,
  fakeElf,
  goInlineBuildInfo,
  goModinfo,
  gzip,
  hasZstd,
  sha256,
  zstd,
} from '../__tests__/layers.js';
import { analyzeLayer, expectedUncompressed, OFF_THREAD_AUTO_MIN_UNCOMPRESSED } from './analyze-layer.js';

async function expectCode(p: Promise<unknown>, code: string): Promise<ScanError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ScanError);
    expect((err as ScanError).code).toBe(code);
    return err as ScanError;
  }
  throw new Error(`expected ${code}`);
}

describe('analyzeLayer: streaming index', () => {
  it('hashes every regular file, computes the DiffID and records links without following them', async () => {
    const tar = await buildTar([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/hello.txt', content: 'hello\n' },
      { name: './usr//bin/../bin/tool', content: 'x' },
      { name: 'etc/link', type: 'symlink', linkname: '../etc/hello.txt' },
      { name: 'etc/hard', type: 'link', linkname: 'etc/hello.txt' },
    ]);
    const a = await analyzeBuffer(gzip(tar), {}, 7);
    expect(a.analyzerVersion).toBe(ANALYZER_VERSION);
    expect(a.diffId).toBe(`sha256:${sha256(tar)}`);
    expect(a.compression).toBe('gzip');
    expect(a.uncompressedSize).toBe(tar.length);
    const byPath = new Map(a.files.map((f) => [f.path, f]));
    expect(byPath.get('etc')?.type).toBe('dir');
    expect(byPath.get('etc/hello.txt')?.sha256).toBe(sha256('hello\n'));
    expect(byPath.get('usr/bin/tool')?.sha256).toBe(sha256('x'));
    expect(byPath.get('etc/link')).toMatchObject({ type: 'symlink', linkTarget: '../etc/hello.txt' });
    expect(byPath.get('etc/hard')).toMatchObject({
      type: 'hardlink',
      linkTarget: 'etc/hello.txt',
      sha256: sha256('hello\n'),
    });
    // '..' inside the name is normalised and flagged
    expect(a.flagged.map((f) => f.normalised)).toEqual(['usr/bin/tool']);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('detects the compression from magic bytes, not the media type: plain tar and zstd', async () => {
    const tar = await buildTar([{ name: 'a', content: 'a' }]);
    const plain = await analyzeBuffer(tar);
    expect(plain.compression).toBe('none');
    expect(plain.diffId).toBe(`sha256:${sha256(tar)}`);
    if (hasZstd()) {
      const z = await analyzeBuffer(zstd(tar), {}, 5);
      expect(z.compression).toBe('zstd');
      expect(z.diffId).toBe(`sha256:${sha256(tar)}`);
      expect(z.files[0]?.sha256).toBe(sha256('a'));
    }
  });

  it('records whiteouts and opaque whiteouts, not as files', async () => {
    const a = await analyzeEntries([
      { name: 'usr/share/doc/.wh..wh..opq', content: '' },
      { name: 'usr/bin/.wh.busybox', content: '' },
      { name: '.wh.top', content: '' },
      { name: 'app/.wh..wh.plnk', content: '' },
      { name: 'usr/share/doc/new', content: 'n' },
    ]);
    expect(a.opaqueDirs).toEqual(['usr/share/doc']);
    expect(a.whiteouts).toEqual(['usr/bin/busybox', 'top']);
    expect(a.files.map((f) => f.path)).toEqual(['usr/share/doc/new']);
  });

  it('reports progress', async () => {
    const seen: number[] = [];
    // Progress comes per decompressed chunk (1 MiB), so the layer spans several.
    await analyzeLayer(
      chunked(gzip(await buildTar([{ name: 'big', content: Buffer.alloc(3_300_000, 1) }]))),
      {
        progressIntervalBytes: 65536,
        onProgress: (p) => seen.push(p.uncompressedBytes),
      },
    );
    expect(seen.length).toBeGreaterThan(2);
    expect(seen[seen.length - 1]).toBeGreaterThanOrEqual(3_300_000);
  });

  it('fails with LAYER_DIFFID_MISMATCH when the config names another DiffID', async () => {
    await expectCode(
      analyzeEntries([{ name: 'a', content: 'a' }], { expectedDiffId: `sha256:${'0'.repeat(64)}` }),
      'LAYER_DIFFID_MISMATCH',
    );
  });
});

describe('analyzeLayer: hostile input', () => {
  it('normalises traversal and absolute paths (clamped at the root) and flags them', async () => {
    const a = await analyzeEntries([
      { name: '../../etc/passwd', content: 'x' },
      { name: '/etc/shadow', content: 'x' },
      { name: 'app/../../../../tmp/t.txt', content: 'x' },
      { name: './../outside-root.txt', content: 'x' },
      { name: 'app/hard', type: 'link', linkname: '../../../../../../etc/passwd' },
      { name: '..\\..\\win.txt', content: 'x' },
    ]);
    expect(a.flagged).toEqual([
      { name: '../../etc/passwd', normalised: 'etc/passwd', reason: 'path-traversal' },
      { name: '/etc/shadow', normalised: 'etc/shadow', reason: 'absolute-path' },
      { name: 'app/../../../../tmp/t.txt', normalised: 'tmp/t.txt', reason: 'path-traversal' },
      { name: './../outside-root.txt', normalised: 'outside-root.txt', reason: 'path-traversal' },
      {
        name: 'app/hard',
        normalised: 'app/hard',
        reason: 'link-traversal',
        linkTarget: '../../../../../../etc/passwd',
        normalisedTarget: 'etc/passwd',
      },
    ]);
    expect(a.files.map((f) => f.path)).toContain('..\\..\\win.txt');
  });

  it('terminates on symlink loops and never follows links', async () => {
    const a = await analyzeEntries([
      { name: 'loop-a', type: 'symlink', linkname: 'loop-b' },
      { name: 'loop-b', type: 'symlink', linkname: 'loop-a' },
      { name: 'self', type: 'symlink', linkname: 'self' },
      { name: 'escape', type: 'symlink', linkname: '../../../../tmp' },
      { name: 'escape/file.txt', content: 'x' },
    ]);
    expect(a.files.find((f) => f.path === 'escape/file.txt')?.type).toBe('file');
    expect(a.files.filter((f) => f.type === 'symlink')).toHaveLength(4);
  });

  it('LAYER_NOT_TAR for decompressed bytes that are not a tar', async () => {
    const e = await expectCode(
      analyzeBuffer(gzipSync(Buffer.from('{"not":"a tar"}\n'.repeat(100))), { layerDigest: 'sha256:abc' }),
      'LAYER_NOT_TAR',
    );
    expect(e.layerDigest).toBe('sha256:abc');
    expect(e.message).toContain('sha256:abc');
  });

  it('LAYER_NOT_TAR for bytes that are neither gzip nor tar (sniffed as uncompressed)', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2000, 7)]);
    await expectCode(analyzeBuffer(png), 'LAYER_NOT_TAR');
  });

  it('LAYER_CORRUPT for a truncated gzip stream and a truncated tar', async () => {
    const tar = await buildTar(
      Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, content: `${i}`.repeat(2000) })),
    );
    const gz = gzip(tar);
    await expectCode(analyzeBuffer(gz.subarray(0, Math.floor(gz.length * 0.6))), 'LAYER_CORRUPT');
    await expectCode(analyzeBuffer(tar.subarray(0, 5000)), 'LAYER_CORRUPT');
  });

  it('LAYER_CORRUPT for a corrupt deflate stream', async () => {
    const gz = Buffer.from(gzip(await buildTar([{ name: 'a', content: 'a'.repeat(10000) }])));
    for (let i = 20; i < 40; i++) gz[i] = 0xff;
    await expectCode(analyzeBuffer(gz), 'LAYER_CORRUPT');
  });

  it('LAYER_TOO_LARGE above the decompressed-size limit', async () => {
    const gz = gzip(await buildTar([{ name: 'zeros', content: Buffer.alloc(2_000_000) }]));
    await expectCode(analyzeBuffer(gz, { limits: { maxLayerBytes: 1_000_000 } }), 'LAYER_TOO_LARGE');
  });

  it('LAYER_TOO_LARGE above the compression-ratio limit (gzip bomb), stopping early', async () => {
    const gz = gzip(await buildTar([{ name: 'bomb', content: Buffer.alloc(8_000_000) }]));
    let maxSeen = 0;
    await expectCode(
      analyzeLayer(chunked(gz, 1024), {
        limits: { maxCompressionRatio: 100, ratioGraceBytes: 1_000_000 },
        progressIntervalBytes: 1,
        onProgress: (p) => (maxSeen = Math.max(maxSeen, p.uncompressedBytes)),
      }),
      'LAYER_TOO_LARGE',
    );
    expect(maxSeen).toBeLessThan(4_000_000);
  });

  it('counts the declared size of GNU sparse entries without expanding them (sparse bomb)', async () => {
    const tar = await buildTar([{ name: 'ok', content: 'x' }]);
    // Rewrite the first header into a GNU sparse entry ('S') declaring 4 GiB with no data.
    const sparse = Buffer.from(tar);
    const h = sparse.subarray(0, 512);
    h.fill(0, 124, 136);
    h.write('00000000000\0', 124, 'latin1'); // stored size 0
    h[156] = 'S'.charCodeAt(0);
    h.write('ustar  \0', 257, 'latin1'); // GNU magic
    h.write('40000000000\0', 483, 'latin1'); // realsize 4 GiB (octal)
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += h[i];
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    const body = Buffer.concat([h, Buffer.alloc(1024)]);
    await expectCode(analyzeBuffer(gzip(body)), 'LAYER_TOO_LARGE');
    const flaggedOnly = await analyzeBuffer(gzip(body), { limits: { maxCompressionRatio: 1e12 } });
    expect(flaggedOnly.flagged[0]).toMatchObject({ reason: 'sparse-entry', declaredSize: 4 * 1024 ** 3 });
    expect(flaggedOnly.files[0]?.sha256).toBeUndefined();
  });

  it('LAYER_TOO_MANY_ENTRIES and LAYER_PATH_TOO_LONG', async () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({ name: `d/f${i}`, content: 'x' }));
    await expectCode(analyzeEntries(entries, { limits: { maxEntries: 10 } }), 'LAYER_TOO_MANY_ENTRIES');
    await expectCode(
      analyzeEntries([{ name: 'a/'.repeat(300) + 'f', content: 'x' }], { limits: { maxPathLength: 256 } }),
      'LAYER_PATH_TOO_LONG',
    );
  });

  it('skips a metadata file above the size limit with a warning instead of buffering it', async () => {
    const a = await analyzeEntries(
      [{ name: 'var/lib/dpkg/status', content: 'Package: a\nVersion: 1\n'.repeat(1000) }],
      {
        limits: { maxMetadataFileBytes: 1000 },
      },
    );
    expect(a.warnings[0]).toMatchObject({ code: 'METADATA_TOO_LARGE', path: '/var/lib/dpkg/status' });
    expect(a.sources).toEqual([]);
  });

  it('never crashes on a source stream error', async () => {
    const src = new Readable({
      read() {
        this.destroy(new Error('disk on fire'));
      },
    });
    await expectCode(analyzeLayer(src), 'LAYER_CORRUPT');
  });
});

describe('analyzeLayer: on and off the main thread', () => {
  // Chunks of the worker's ring are reused one chunk later, so files spanning chunk boundaries
  // (metadata files buffered for a detector, ELF heads and signatures, Go build info) are the
  // cases where a missing copy would show.
  async function mixedLayer(): Promise<Buffer> {
    const MiB = 1024 * 1024;
    // Larger than the worker's ring, so its first bytes are overwritten before the detector runs.
    const status = Array.from(
      { length: 2000 },
      (_, i) =>
        `Package: p${i}\nStatus: install ok installed\nVersion: 1.${i}\nArchitecture: amd64\nDescription: ${'d'.repeat(4000)}\n`,
    ).join('\n');
    const filler = (n: number, seed: number) => {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0x7f;
      return b;
    };
    const elfAt = (offset: number, sig: string) =>
      fakeElf(Buffer.concat([filler(offset, 3), Buffer.from(`\0${sig}\0`, 'latin1'), filler(300_000, 5)]));
    return buildTar([
      { name: 'pad', content: filler(MiB - 1536 - 700, 1) },
      { name: 'bin/busybox', content: elfAt(100, 'BusyBox v1.36.1 (2024-01-01) multi-call binary') },
      { name: 'var/lib/dpkg/status', content: status },
      { name: 'usr/lib/libssl.so.3', content: elfAt(MiB - 40, 'OpenSSL 3.0.13 30 Jan 2024') },
      {
        name: 'usr/bin/gotool',
        content: fakeElf(
          Buffer.concat([
            filler(2 * MiB - 9000, 7),
            goInlineBuildInfo(
              'go1.22.1',
              goModinfo(['path\texample.com/tool', 'mod\texample.com/tool\tv1.2.3\th1:x=']),
            ),
            filler(5000, 9),
          ]),
        ),
      },
      { name: 'app/node_modules/a/package.json', content: JSON.stringify({ name: 'a', version: '1.0.0' }) },
      { name: 'tiny', content: 'x' },
      { name: 'empty', content: '' },
    ]);
  }

  it('gives the same analysis for gzip and plain tar layers', async () => {
    const tar = await mixedLayer();
    for (const blob of [gzip(tar), tar]) {
      const on = await analyzeLayer(chunked(blob, 300_000), { offThread: true });
      const off = await analyzeLayer(chunked(blob, 300_000), { offThread: false });
      // Compared by digest: a mismatch in thousands of entries would make a slow diff.
      expect(sha256(JSON.stringify(on))).toBe(sha256(JSON.stringify(off)));
      expect(on.files.length).toBe(8);
      expect(on.diffId).toBe(`sha256:${sha256(tar)}`);
      const names = on.sources.flatMap((x) =>
        'components' in x ? x.components.map((c) => `${c.name}@${c.version}`) : [],
      );
      expect(names).toEqual(
        expect.arrayContaining(['busybox@1.36.1', 'openssl@3.0.13', 'example.com/tool@v1.2.3']),
      );
      expect(on.sources.find((x) => x.kind === 'dpkg-status')).toBeDefined();
    }
  });

  it("offThread 'auto' estimates the inflated size from a probe and gives the same analysis", async () => {
    // 3,000 tiny files: a tar of headers that gzip shrinks about 100:1.
    const tar = await buildTar(
      Array.from({ length: 3000 }, (_, i) => ({ name: `d${i % 30}/f${i}`, content: `${i}` })),
    );
    const gz = gzip(tar);
    const ratio = tar.length / gz.length;
    expect(ratio).toBeGreaterThan(20);
    // The probe's ratio, scaled to the size the manifest declares.
    const estimate = expectedUncompressed(gz, 1_000_000);
    expect(estimate).toBeGreaterThan(1_000_000 * (ratio / 4));
    expect(expectedUncompressed(gz, 1_000_000 * 10)).toBeGreaterThanOrEqual(OFF_THREAD_AUTO_MIN_UNCOMPRESSED);
    // Incompressible bytes estimate about their own size; a corrupt stream estimates nothing.
    const noise = gzipSync(Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251)), {
      level: 0,
    });
    expect(expectedUncompressed(noise, noise.length)).toBeLessThan(noise.length * 1.1);
    expect(expectedUncompressed(Buffer.concat([gz.subarray(0, 10), Buffer.alloc(5000, 0xff)]), 1e9)).toBe(0);

    const auto = await analyzeLayer(chunked(gz, 4096), { offThread: 'auto', compressedSize: gz.length * 20 });
    const main = await analyzeLayer(chunked(gz, 4096), { offThread: false });
    expect(sha256(JSON.stringify(auto))).toBe(sha256(JSON.stringify(main)));
    expect(auto.files).toHaveLength(3000);
    expect(auto.diffId).toBe(`sha256:${sha256(tar)}`);
    // A truncated blob fails the same way whichever path the probe picks.
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    await expectCode(
      analyzeBuffer(cut, { offThread: 'auto', compressedSize: gz.length * 20 }),
      'LAYER_CORRUPT',
    );
    await expectCode(analyzeBuffer(cut, { offThread: 'auto', compressedSize: 10 }), 'LAYER_CORRUPT');
  });

  it('gives the same error codes on the main thread', async () => {
    const tar = await buildTar(
      Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, content: `${i}`.repeat(2000) })),
    );
    const gz = gzip(tar);
    const opts = { offThread: false };
    await expectCode(analyzeBuffer(gz.subarray(0, Math.floor(gz.length * 0.6)), opts), 'LAYER_CORRUPT');
    await expectCode(
      analyzeBuffer(gzipSync(Buffer.from('{"not":"a tar"}\n'.repeat(100))), opts),
      'LAYER_NOT_TAR',
    );
    const bomb = gzip(await buildTar([{ name: 'bomb', content: Buffer.alloc(8_000_000) }]));
    await expectCode(
      analyzeBuffer(bomb, { ...opts, limits: { maxCompressionRatio: 100, ratioGraceBytes: 1_000_000 } }),
      'LAYER_TOO_LARGE',
    );
  });
});
