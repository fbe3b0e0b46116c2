/**
 * Scanner benchmark (run by hand, not by the test suite):
 *
 *   npx tsc -p bench/scanner/tsconfig.json && node dist/bench-scanner/bench/scanner/run.js [--runs 3] [--no-generated] [--no-write]
 *
 * For each image it measures, in child processes (so peak RSS is per measurement), the floor —
 * decompressing and SHA-256-hashing every layer blob with Node's zlib + crypto in one streaming
 * pass, layer after layer — and the full scan (scanImage: DiffID, tar walk, per-file SHA-256,
 * detectors, ELF signatures, merge). Runs alternate floor/scan and the best of N is kept, because
 * this machine is shared. Results go into the scanner section of bench/RESULTS.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip, createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { openImageContainer, scanImage } from '../../libs/scanner/src/index.js';
import { createDecompressor, sniffCompression } from '../../libs/scanner/src/layer/decompress.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..', '..');
const fixturesDir = join(repoRoot, '..', 'shared', 'fixtures', 'images');
const MiB = 1024 * 1024;

interface Measurement {
  ms: number;
  /** user + system CPU time of the whole process (all threads) during the measurement. */
  cpuMs: number;
  maxRssMB: number;
  files: number;
  uncompressedBytes: number;
  components?: number;
}

// ---------------------------------------------------------------------------------------------
// Child-process side

async function childFloor(ref: string): Promise<Measurement> {
  const container = await openImageContainer(ref);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let bytes = 0;
  for (const img of container.images) {
    for (const layer of img.manifest.layers) {
      if (layer.mediaType.includes('foreign')) continue;
      // The same sniffing the scanner does, so uncompressed layers are not "gunzipped".
      const kind = sniffCompression(await readHead(await img.openBlob(layer.digest)));
      const hash = createHash('sha256');
      const sink = new Writable({
        write(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          bytes += chunk.length;
          cb();
        },
      });
      const src = await img.openBlob(layer.digest);
      if (kind === 'gzip') await pipeline(src, createGunzip(), sink);
      else if (kind === 'zstd') await pipeline(src, createDecompressor('zstd')!, sink);
      else await pipeline(src, sink);
      hash.digest('hex');
    }
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    files: 0,
    uncompressedBytes: bytes,
  };
}

async function readHead(s: NodeJS.ReadableStream): Promise<Buffer> {
  for await (const c of s as AsyncIterable<Buffer>) {
    (s as unknown as { destroy(): void }).destroy();
    return c.subarray(0, 8);
  }
  return Buffer.alloc(0);
}

async function childScan(ref: string): Promise<Measurement> {
  const container = await openImageContainer(ref);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let files = 0;
  const bytes = 0;
  let components = 0;
  for (const img of container.images) {
    const r = await scanImage(img);
    files += r.layers.reduce((n, l) => n + (l.fileCount ?? 0), 0);
    components += r.components.length;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    files,
    uncompressedBytes: bytes,
    components,
  };
}

// ---------------------------------------------------------------------------------------------
// Generated image: >= 1 GiB uncompressed, >= 100,000 files, a few layers.

function pool(size: number, seed: number): Buffer {
  // Text-like, moderately compressible bytes (about 3:1 with gzip -1), deterministic.
  const words = [
    'lorem',
    'ipsum',
    'dolor',
    'sit',
    'amet',
    'const',
    'function',
    'return',
    'import',
    'export',
    'value',
    '0x7f',
    '{',
    '}',
    '\n',
  ];
  const b = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  let i = 0;
  while (i < size) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    if ((x & 7) === 0) {
      b[i++] = x >>> 24;
      continue;
    }
    const w = words[x % words.length];
    i += b.write(w + ' ', i, 'latin1');
  }
  return b;
}

/**
 * An ELF header with the usual -z separate-code layout: a read-only segment with the headers,
 * an executable segment (machine code, skipped by the signature scan), then read-only data.
 */
function elfHeader(textStart: number, textEnd: number, total: number): Buffer {
  const h = Buffer.alloc(64 + 56 * 3);
  h.write('\x7fELF', 0, 'latin1');
  h[4] = 2;
  h[5] = 1;
  h[6] = 1;
  h.writeUInt16LE(3, 16);
  h.writeUInt16LE(62, 18);
  h.writeBigUInt64LE(64n, 32);
  h.writeUInt16LE(56, 54);
  h.writeUInt16LE(3, 56);
  const seg = (i: number, flags: number, off: number, size: number) => {
    const o = 64 + 56 * i;
    h.writeUInt32LE(1, o);
    h.writeUInt32LE(flags, o + 4);
    h.writeBigUInt64LE(BigInt(off), o + 8);
    h.writeBigUInt64LE(BigInt(0x400000 + off), o + 16);
    h.writeBigUInt64LE(BigInt(size), o + 32);
    h.writeBigUInt64LE(BigInt(size), o + 40);
  };
  seg(0, 4, 0, textStart);
  seg(1, 5, textStart, textEnd - textStart);
  seg(2, 4, textEnd, total - textEnd);
  return h;
}

async function writeLayer(
  path: string,
  build: (add: (name: string, data: Buffer) => Promise<void>) => Promise<void>,
): Promise<{ digest: string; diffId: string; size: number }> {
  const pack = tarStream.pack();
  const diff = createHash('sha256');
  const comp = createHash('sha256');
  let size = 0;
  const out = createWriteStream(path);
  const gz = createGzip({ level: 1 });
  gz.on('data', (c: Buffer) => {
    comp.update(c);
    size += c.length;
  });
  pack.on('data', (c: unknown) => {
    diff.update(c as Buffer);
  });
  const done = pipeline(pack as unknown as NodeJS.ReadableStream, gz, out);
  await build(
    (name, data) =>
      new Promise<void>((res, rej) => {
        pack.entry({ name, size: data.length, mode: 0o755, mtime: new Date(1735689600000) }, data, (err) =>
          err ? rej(err) : res(),
        );
      }),
  );
  pack.finalize();
  await done;
  return { digest: `sha256:${comp.digest('hex')}`, diffId: `sha256:${diff.digest('hex')}`, size };
}

async function generateImage(dir: string): Promise<{ ref: string; files: number; bytes: number }> {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const data = pool(8 * MiB, 42);
  let files = 0;
  let bytes = 0;
  const layers: { digest: string; diffId: string; size: number }[] = [];
  const sigs = [
    'BusyBox v1.36.1 (generated)',
    'OpenSSL 3.0.13 30 Jan 2024',
    'libcurl/8.5.0',
    ' deflate 1.3 Copyright 1995-2023 Jean-loup Gailly and Mark Adler ',
  ];
  let off = 0;
  const slice = (n: number) => {
    if (off + n > data.length) off = (off * 7919) % (data.length - n);
    const s = data.subarray(off, off + n);
    off += n + 4099;
    return s;
  };
  // Layer 0: 110,000 small files (~2-8 KiB) in 1,100 directories + a dpkg status; layer 1: 180
  // ELF-like binaries of 1-5 MiB; layer 2: node_modules with package.json files.
  const specs: ((add: (n: string, d: Buffer) => Promise<void>) => Promise<void>)[] = [
    async (add) => {
      for (let i = 0; i < 110_000; i++) {
        const d = slice(2048 + ((i * 2654435761) % 6144));
        await add(`usr/share/gen/d${i % 1100}/f${i}.txt`, d);
        files++;
        bytes += d.length;
      }
      const status = Array.from(
        { length: 200 },
        (_, i) =>
          `Package: pkg${i}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.${i}-1\nMaintainer: Gen <g@example.com>\n`,
      ).join('\n');
      await add('var/lib/dpkg/status', Buffer.from(status));
      files++;
    },
    async (add) => {
      for (let i = 0; i < 180; i++) {
        const n = MiB + ((i * 7919) % 4) * MiB;
        // About 70 % machine code (binary-looking bytes) and 30 % strings, as in real binaries.
        const code = Buffer.from(slice((n * 7) / 10));
        for (let k = 0; k < code.length; k += 3) code[k] = (code[k] * 31 + k) & 0xff;
        const sig = Buffer.from('\0' + sigs[i % sigs.length] + '\0', 'latin1');
        const rodata = Buffer.concat([slice((n * 3) / 20), sig, slice((n * 3) / 20)]);
        const textStart = 4096;
        const textEnd = textStart + code.length;
        const hdr = elfHeader(textStart, textEnd, textEnd + rodata.length);
        const body = Buffer.concat([hdr, Buffer.alloc(textStart - hdr.length), code, rodata]);
        await add(`opt/bin/tool${i}`, body);
        files++;
        bytes += body.length;
      }
    },
    async (add) => {
      for (let i = 0; i < 2000; i++) {
        const pj = Buffer.from(JSON.stringify({ name: `pkg-${i}`, version: `1.0.${i}`, license: 'MIT' }));
        await add(`app/node_modules/pkg-${i}/package.json`, pj);
        const idx = slice(8192);
        await add(`app/node_modules/pkg-${i}/index.js`, idx);
        files += 2;
        bytes += pj.length + idx.length;
      }
    },
  ];
  for (const [i, spec] of specs.entries()) {
    const tmp = join(dir, `layer${i}.tmp`);
    const l = await writeLayer(tmp, spec);
    execFileSync('mv', [tmp, join(dir, 'blobs', 'sha256', l.digest.slice(7))]);
    layers.push(l);
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created_by: `generated layer ${i}` })),
    }),
  );
  const put = (b: Buffer) => {
    const d = createHash('sha256').update(b).digest('hex');
    writeFileSync(join(dir, 'blobs', 'sha256', d), b);
    return { digest: `sha256:${d}`, size: b.length };
  };
  const cfg = put(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
      layers: layers.map((l) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: l.digest,
        size: l.size,
      })),
    }),
  );
  const m = put(manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m }],
    }),
  );
  return { ref: `oci:${dir}`, files, bytes };
}

// ---------------------------------------------------------------------------------------------
// Parent side

function runChild(mode: 'floor' | 'scan', ref: string): Measurement {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, ref], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${mode} ${ref} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measurement;
}

interface Row {
  image: string;
  uncompressedMB: number;
  files: number;
  floorMs: number;
  scanMs: number;
  ratio: number;
  floorCpuMs: number;
  scanCpuMs: number;
  filesPerSec: number;
  floorRssMB: number;
  scanRssMB: number;
}

function measure(image: string, ref: string, runs: number): Row {
  let floor: Measurement | null = null;
  let scan: Measurement | null = null;
  for (let i = 0; i < runs; i++) {
    const f = runChild('floor', ref);
    const s = runChild('scan', ref);
    if (!floor || f.ms < floor.ms) floor = f;
    if (!scan || s.ms < scan.ms) scan = s;
    process.stderr.write(
      `  ${image} run ${i + 1}: floor ${f.ms.toFixed(0)} ms, scan ${s.ms.toFixed(0)} ms (rss ${s.maxRssMB.toFixed(0)} MB)\n`,
    );
  }
  return {
    image,
    uncompressedMB: floor!.uncompressedBytes / MiB,
    files: scan!.files,
    floorMs: floor!.ms,
    scanMs: scan!.ms,
    ratio: scan!.ms / floor!.ms,
    floorCpuMs: floor!.cpuMs,
    scanCpuMs: scan!.cpuMs,
    filesPerSec: scan!.files / (scan!.ms / 1000),
    floorRssMB: floor!.maxRssMB,
    scanRssMB: scan!.maxRssMB,
  };
}

function table(rows: Row[]): string {
  const lines = [
    '| image | uncompressed | files | floor (zlib+sha256) | scan | ratio (wall) | CPU floor / scan (ratio) | files/s | peak RSS scan (floor) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.image} | ${r.uncompressedMB.toFixed(0)} MB | ${r.files.toLocaleString('en-US')} | ${r.floorMs.toFixed(0)} ms | ${r.scanMs.toFixed(0)} ms | ${r.ratio.toFixed(2)}× | ${r.floorCpuMs.toFixed(0)} / ${r.scanCpuMs.toFixed(0)} ms (${(r.scanCpuMs / r.floorCpuMs).toFixed(2)}×) | ${Math.round(r.filesPerSec).toLocaleString('en-US')} | ${r.scanRssMB.toFixed(0)} MB (${r.floorRssMB.toFixed(0)} MB) |`,
    );
  }
  return lines.join('\n');
}

function writeResults(rows: Row[], runs: number, load: number[]): void {
  const file = join(repoRoot, 'bench', 'RESULTS.md');
  const begin = '<!-- scanner:begin -->';
  const end = '<!-- scanner:end -->';
  const section = [
    begin,
    '## Scanner (libs/scanner)',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, load average ${load.map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the start; best of ${runs} alternating runs, each in its own process (\`node dist/bench-scanner/bench/scanner/run.js\`).`,
    'Floor = decompress + SHA-256 every layer blob with Node zlib + crypto in one streaming pass, layer after layer. Scan = `scanImage` (DiffID, tar walk, SHA-256 of every file, detectors, ELF signatures, merge; layers in parallel, layers of 8 MiB and more, and smaller gzip layers that a probe of their first 32 KiB says inflate to 24 MiB or more, inflated and DiffID-hashed on a worker thread). Targets: ratio ≤ 1.5×, peak RSS < 300 MB.',
    '',
    table(rows),
    '',
    'The generated image (3 gzip layers: 110,000 small text files, 180 ELF-like binaries of 1–4 MiB with version strings, 2,000 npm packages) is written to a temp directory by the benchmark and deleted afterwards.',
    end,
  ].join('\n');
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) text = text.slice(0, a) + section + text.slice(b + end.length);
  else text = text.trimEnd() + '\n\n' + section + '\n';
  writeFileSync(file, text);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const m = args[1] === 'floor' ? await childFloor(args[2]) : await childScan(args[2]);
    process.stdout.write(JSON.stringify(m) + '\n');
    return;
  }
  if (args[0] === '--generate-only' && args[1]) {
    // For profiling: keep the generated image in the given directory.
    mkdirSync(args[1], { recursive: true });
    const g = await generateImage(args[1]);
    process.stdout.write(`${g.ref}: ${g.files} files, ${(g.bytes / MiB).toFixed(0)} MiB\n`);
    return;
  }
  const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
  const rows: Row[] = [];
  const load = loadavg();
  if (existsSync(join(fixturesDir, 'fixtures.json'))) {
    for (const [name, ref] of [
      ['bookworm-app', `oci-archive:${join(fixturesDir, 'bookworm-app.tar')}`],
      ['scratch-static', `oci-archive:${join(fixturesDir, 'scratch-static.tar')}`],
      ['many-files (100,000 files)', `oci-archive:${join(fixturesDir, 'malicious', 'many-files.tar')}`],
    ] as const) {
      rows.push(measure(name, ref, runs));
    }
  }
  if (!args.includes('--no-generated')) {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-bench-'));
    try {
      process.stderr.write(`generating the large image in ${dir}...\n`);
      const g = await generateImage(dir);
      process.stderr.write(`  ${g.files} files, ${(g.bytes / MiB).toFixed(0)} MiB of file data\n`);
      rows.push(measure(`generated (${(g.bytes / 1024 ** 3).toFixed(2)} GiB of file data)`, g.ref, runs));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(table(rows) + '\n');
  if (!args.includes('--no-write')) writeResults(rows, runs, load);
}

await main();
