import type { DetectedComponent } from '../types.js';

/**
 * Go build info, as written by the linker into `.go.buildinfo` (src/debug/buildinfo/buildinfo.go):
 * a 32-byte header starting with "\xff Go buildinf:", then pointer size (byte 14) and flags
 * (byte 15). Flag bit 1 = Go 1.18+ inline format: two uvarint-length-prefixed strings (version,
 * modinfo) follow the header. Otherwise the header holds two pointers to Go string headers
 * {data pointer, length} that must be resolved through the ELF program headers.
 */
export interface GoBuildInfo {
  goVersion: string;
  path?: string;
  main?: { path: string; version: string | null };
  deps: { path: string; version: string }[];
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

function readUvarint(buf: Buffer, pos: number): [number, number] | null {
  let x = 0;
  let s = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= buf.length) return null;
    const b = buf[pos + i];
    if (b < 0x80) return [x + b * s, pos + i + 1];
    x += (b & 0x7f) * s;
    s *= 128;
  }
  return null;
}

/** Parse the inline (Go 1.18+) format given the bytes starting at the magic. */
export function parseInlineBuildInfo(buf: Buffer): GoBuildInfo | null {
  if (buf.length < 32 || !buf.subarray(0, 14).equals(MAGIC)) return null;
  if ((buf[15] & 2) === 0) return null;
  const v = readUvarint(buf, 32);
  if (!v || v[1] + v[0] > buf.length) return null;
  const version = buf.toString('utf8', v[1], v[1] + v[0]);
  const m = readUvarint(buf, v[1] + v[0]);
  let modinfo = '';
  if (m && m[1] + m[0] <= buf.length) modinfo = buf.toString('utf8', m[1], m[1] + m[0]);
  return finish(version, modinfo);
}

/** Bytes needed after the magic to parse the inline format, when it can be known from a prefix. */
export function inlineBuildInfoLength(buf: Buffer): number | null {
  const v = readUvarint(buf, 32);
  if (!v) return null;
  const m = readUvarint(buf, v[1] + v[0]);
  if (!m) return null;
  return m[1] + m[0];
}

export function isInlineFormat(headerFlags: number): boolean {
  return (headerFlags & 2) !== 0;
}

function finish(version: string, modinfo: string): GoBuildInfo | null {
  if (!version.startsWith('go') && !version.startsWith('devel')) return null;
  // modinfo is framed by 16-byte sentinels (cmd/go/internal/modload.infoStart/infoEnd).
  if (modinfo.length >= 33 && modinfo.charCodeAt(modinfo.length - 17) === 10)
    modinfo = modinfo.slice(16, -16);
  const info: GoBuildInfo = { goVersion: version, deps: [] };
  for (const line of modinfo.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'path' && f[1]) info.path = f[1];
    else if (f[0] === 'mod' && f[1])
      info.main = { path: f[1], version: f[2] && f[2] !== '(devel)' ? f[2] : null };
    else if (f[0] === 'dep' && f[1] && f[2]) info.deps.push({ path: f[1], version: f[2] });
    else if (f[0] === '=>' && f[1] && info.deps.length > 0) {
      // A replacement applies to the dependency listed just before it.
      const last = info.deps[info.deps.length - 1];
      info.deps[info.deps.length - 1] = { path: f[1], version: f[2] || last.version };
    }
  }
  return info;
}

interface Segment {
  vaddr: bigint;
  offset: bigint;
  filesz: bigint;
}

function elfSegments(buf: Buffer): { segments: Segment[]; le: boolean; is64: boolean } | null {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) return null;
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u64 = (o: number) => (le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
  const phoff = Number(is64 ? u64(32) : BigInt(u32(28)));
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (o + (is64 ? 56 : 32) > buf.length) break;
    if (u32(o) !== 1) continue; // PT_LOAD
    if (is64) segments.push({ offset: u64(o + 8), vaddr: u64(o + 16), filesz: u64(o + 32) });
    else
      segments.push({ offset: BigInt(u32(o + 4)), vaddr: BigInt(u32(o + 8)), filesz: BigInt(u32(o + 16)) });
  }
  return { segments, le, is64 };
}

/** Parse Go build info from a whole ELF file (both header formats). */
export function parseGoBuildInfo(file: Buffer): GoBuildInfo | null {
  let at = file.indexOf(MAGIC);
  while (at >= 0 && at % 16 !== 0) at = file.indexOf(MAGIC, at + 1);
  if (at < 0) return null;
  const hdr = file.subarray(at);
  if (hdr.length < 32) return null;
  if (isInlineFormat(hdr[15])) return parseInlineBuildInfo(hdr);
  const ptrSize = hdr[14];
  const bigEndian = (hdr[15] & 1) !== 0;
  const elf = elfSegments(file);
  if (!elf || (ptrSize !== 4 && ptrSize !== 8)) return null;
  const readPtr = (b: Buffer, o: number): bigint | null => {
    if (o + ptrSize > b.length) return null;
    if (ptrSize === 8) return bigEndian ? b.readBigUInt64BE(o) : b.readBigUInt64LE(o);
    return BigInt(bigEndian ? b.readUInt32BE(o) : b.readUInt32LE(o));
  };
  const toOffset = (addr: bigint): number | null => {
    for (const s of elf.segments) {
      if (addr >= s.vaddr && addr < s.vaddr + s.filesz) return Number(addr - s.vaddr + s.offset);
    }
    return null;
  };
  const readGoString = (addr: bigint | null): string | null => {
    if (addr === null) return null;
    const o = toOffset(addr);
    if (o === null) return null;
    const data = readPtr(file, o);
    const len = readPtr(file, o + ptrSize);
    if (data === null || len === null || len > 1n << 24n) return null;
    const d = toOffset(data);
    if (d === null || d + Number(len) > file.length) return null;
    return file.toString('utf8', d, d + Number(len));
  };
  const version = readGoString(readPtr(hdr, 16));
  if (version === null) return null;
  const modinfo = readGoString(readPtr(hdr, 16 + ptrSize)) ?? '';
  return finish(version, modinfo);
}

/** Go build info → components: the toolchain (stdlib), the main module and every dependency. */
export function goComponents(
  info: GoBuildInfo,
  absPath: string,
  sha256: string | undefined,
): DetectedComponent[] {
  const base = {
    type: 'golang' as const,
    licenses: [],
    paths: [absPath],
    foundBy: 'go-buildinfo',
    goVersion: info.goVersion,
  };
  const withSha = sha256 ? { sha256 } : {};
  const out: DetectedComponent[] = [
    {
      ...base,
      ...withSha,
      name: 'stdlib',
      version: info.goVersion.replace(/^go/, '').split(/[\s]/)[0] ?? null,
    },
  ];
  if (info.main) out.push({ ...base, ...withSha, name: info.main.path, version: info.main.version });
  for (const d of info.deps) out.push({ ...base, name: d.path, version: d.version });
  return out;
}
