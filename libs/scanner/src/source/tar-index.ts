import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { normaliseEntryPath } from '../paths.js';

export interface TarMember {
  name: string;
  offset: number;
  size: number;
  type: string;
}

function octal(buf: Buffer, off: number, len: number): number {
  if ((buf[off] & 0x80) !== 0) {
    let v = buf[off] & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + buf[off + i];
    return v;
  }
  const s = buf
    .toString('latin1', off, off + len)
    .replace(/\0.*$/s, '')
    .trim();
  return s ? parseInt(s, 8) : 0;
}

function cstr(buf: Buffer, off: number, len: number): string {
  const z = buf.indexOf(0, off);
  return buf.toString('utf8', off, z < 0 || z > off + len ? off + len : z);
}

/**
 * Index the members of an (uncompressed) archive tar by walking its headers with positioned reads:
 * the data is never read, so a 10 GB archive is indexed in milliseconds, and each blob can later be
 * opened as a byte range of the archive. Supports ustar prefixes, GNU long names and pax paths.
 */
export async function indexTarFile(file: string, maxMembers = 100_000): Promise<Map<string, TarMember>> {
  const fh: FileHandle = await open(file, 'r');
  const members = new Map<string, TarMember>();
  try {
    const { size: fileSize } = await fh.stat();
    const hdr = Buffer.alloc(512);
    let pos = 0;
    let longName: string | null = null;
    let paxPath: string | null = null;
    while (pos + 512 <= fileSize) {
      const { bytesRead } = await fh.read(hdr, 0, 512, pos);
      if (bytesRead < 512) break;
      if (hdr.every((b) => b === 0)) break;
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : hdr[i];
      if (sum !== octal(hdr, 148, 8)) throw new Error(`invalid tar header at offset ${pos}`);
      const size = octal(hdr, 124, 12);
      const flag = String.fromCharCode(hdr[156] || 48);
      const dataAt = pos + 512;
      const next = dataAt + Math.ceil(size / 512) * 512;
      if (flag === 'L' || flag === 'x') {
        if (size > 1 << 20) throw new Error('oversized tar extended header');
        const data = Buffer.alloc(size);
        await fh.read(data, 0, size, dataAt);
        if (flag === 'L') longName = cstr(data, 0, size);
        else {
          for (const rec of data.toString('utf8').split('\n')) {
            const m = /^\d+ path=(.*)$/.exec(rec);
            if (m) paxPath = m[1]!;
          }
        }
        pos = next;
        continue;
      }
      let name = cstr(hdr, 0, 100);
      if (hdr.toString('latin1', 257, 262) === 'ustar' && hdr[345]) name = cstr(hdr, 345, 155) + '/' + name;
      if (longName !== null) name = longName;
      if (paxPath !== null) name = paxPath;
      longName = null;
      paxPath = null;
      const type =
        flag === '0' || flag === '7'
          ? 'file'
          : flag === '5'
            ? 'dir'
            : flag === '2'
              ? 'symlink'
              : flag === '1'
                ? 'link'
                : flag;
      members.set(normaliseEntryPath(name).path, { name, offset: dataAt, size, type });
      if (members.size > maxMembers) throw new Error('too many archive members');
      pos = next;
    }
  } finally {
    await fh.close();
  }
  return members;
}

export function openTarMember(file: string, m: TarMember): Readable {
  if (m.size === 0) return createReadStream(file, { start: 1, end: 0 });
  return createReadStream(file, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 1024 * 1024 });
}

export async function readTarMember(file: string, m: TarMember, max = 16 * 1024 * 1024): Promise<Buffer> {
  if (m.size > max) throw new Error(`${m.name} is larger than ${max} bytes`);
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(m.size);
    await fh.read(buf, 0, m.size, m.offset);
    return buf;
  } finally {
    await fh.close();
  }
}
