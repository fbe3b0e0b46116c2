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
    pack.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
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

/** A zip with stored (uncompressed) entries, enough for jar tests. */
export function buildZip(files: { name: string; data: Buffer | string }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const data = Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data);
    const name = Buffer.from(f.name);
    const crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(data.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(data.length, 20);
    ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, data);
    centrals.push(ch, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

export function goModinfo(lines: string[]): Buffer {
  return Buffer.concat([SENTINEL_START, Buffer.from(lines.join('\n') + '\n'), SENTINEL_END]);
}

/** Go 1.18+ inline build info blob (magic + 32-byte header + varint strings). */
export function goInlineBuildInfo(version: string, modinfo: Buffer): Buffer {
  const hdr = Buffer.alloc(32);
  hdr.write('\xff Go buildinf:', 0, 'latin1');
  hdr[14] = 8;
  hdr[15] = 2;
  const v = Buffer.from(version);
  return Buffer.concat([hdr, uvarint(v.length), v, uvarint(modinfo.length), modinfo]);
}

/** Pre-1.18 pointer format inside a fakeElf-like file; returns the whole ELF. */
export function goPointerElf(version: string, modinfo: Buffer): Buffer {
  const base = 64 + 56; // fakeElf payload offset (one program header)
  const vaddr = (fileOff: number) => BigInt(0x400000 + fileOff);
  // Layout inside the payload: [pad to 16][header 32][strhdr v 16][strhdr m 16][version][modinfo]
  const pad = (16 - (base % 16)) % 16;
  const hdrOff = base + pad;
  const svOff = hdrOff + 32;
  const smOff = svOff + 16;
  const vOff = smOff + 16;
  const mOff = vOff + Buffer.byteLength(version);
  const payload = Buffer.alloc(mOff + modinfo.length - base);
  const at = (o: number) => o - base;
  payload.write('\xff Go buildinf:', at(hdrOff), 'latin1');
  payload[at(hdrOff) + 14] = 8;
  payload[at(hdrOff) + 15] = 0;
  payload.writeBigUInt64LE(vaddr(svOff), at(hdrOff) + 16);
  payload.writeBigUInt64LE(vaddr(smOff), at(hdrOff) + 24);
  payload.writeBigUInt64LE(vaddr(vOff), at(svOff));
  payload.writeBigUInt64LE(BigInt(Buffer.byteLength(version)), at(svOff) + 8);
  payload.writeBigUInt64LE(vaddr(mOff), at(smOff));
  payload.writeBigUInt64LE(BigInt(modinfo.length), at(smOff) + 8);
  payload.write(version, at(vOff));
  modinfo.copy(payload, at(mOff));
  return fakeElf(payload);
}
