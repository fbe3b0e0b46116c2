import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { analyzeLayer, type AnalyzeLayerOptions } from '../layer/analyze-layer.js';
import type { LayerAnalysis } from '../types.js';

export interface TestEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  pax?: Record<string, string>;
}

/** Build an uncompressed tar in memory with tar-stream's packer. */
export async function buildTar(entries: TestEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: Buffer) => chunks.push(c));
    pack.on('end', () => resolve());
    pack.on('error', (e: Error) => reject(e));
  });
  for (const e of entries) {
    const content =
      e.content === undefined ? undefined : Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content);
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: e.name,
        type: e.type ?? 'file',
        mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644),
        mtime: new Date(0),
        ...(e.linkname ? { linkname: e.linkname } : {}),
        ...(e.pax ? { pax: e.pax } : {}),
      };
      if (content) pack.entry(header, content, (err) => (err ? reject(err) : resolve()));
      else pack.entry(header, (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const gzip = (b: Buffer): Buffer => gzipSync(b);

let zstdAvailable: boolean | null = null;
export function hasZstd(): boolean {
  if (zstdAvailable === null) {
    try {
      execFileSync('zstd', ['--version'], { stdio: 'ignore' });
      zstdAvailable = true;
    } catch {
      zstdAvailable = false;
    }
  }
  return zstdAvailable;
}

export function zstd(b: Buffer): Buffer {
  return execFileSync('zstd', ['-q', '-c', '-3'], { input: b, maxBuffer: 1 << 28 });
}

export function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Feed a buffer in small chunks so chunk boundaries fall everywhere. */
export function chunked(b: Buffer, size = 4096): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
    })(),
  );
}

export async function analyzeBuffer(
  b: Buffer,
  opts: AnalyzeLayerOptions = {},
  chunk = 65536,
): Promise<LayerAnalysis> {
  return analyzeLayer(chunked(b, chunk), opts);
}

export async function analyzeEntries(
  entries: TestEntry[],
  opts: AnalyzeLayerOptions = {},
): Promise<LayerAnalysis> {
  return analyzeBuffer(gzip(await buildTar(entries)), opts);
}

/** A minimal 64-bit little-endian ELF: header, one PT_LOAD, then `payload` after the headers. */
export function fakeElf(payload: Buffer | string, opts: { textSegment?: [number, number] } = {}): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'latin1');
  const phnum = opts.textSegment ? 2 : 1;
  const header = Buffer.alloc(64 + 56 * phnum);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2; // 64-bit
  header[5] = 1; // little-endian
  header[6] = 1;
  header.writeUInt16LE(2, 16); // ET_EXEC
  header.writeUInt16LE(62, 18); // x86-64
  header.writeBigUInt64LE(64n, 32); // e_phoff
  header.writeUInt16LE(56, 54);
  header.writeUInt16LE(phnum, 56);
  const total = header.length + body.length;
  // PT_LOAD covering the whole file, readable
  header.writeUInt32LE(1, 64);
  header.writeUInt32LE(4, 68);
  header.writeBigUInt64LE(0n, 72);
  header.writeBigUInt64LE(0x400000n, 80);
  header.writeBigUInt64LE(BigInt(total), 96);
  header.writeBigUInt64LE(BigInt(total), 104);
  if (opts.textSegment) {
    const o = 64 + 56;
    header.writeUInt32LE(1, o);
    header.writeUInt32LE(5, o + 4); // R+X
    header.writeBigUInt64LE(BigInt(opts.textSegment[0]), o + 8);
    header.writeBigUInt64LE(0x800000n, o + 16);
    header.writeBigUInt64LE(BigInt(opts.textSegment[1] - opts.textSegment[0]), o + 32);
  }
  return Buffer.concat([header, body]);
}
