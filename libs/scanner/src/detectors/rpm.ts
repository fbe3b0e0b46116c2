import initSqlJs from 'sql.js';
import type { DetectedComponent } from '../types.js';

/**
 * The rpm database in SQLite form (rpm >= 4.16: usr/lib/sysimage/rpm/rpmdb.sqlite): table
 * Packages(hnum, blob), each blob an rpm header without its 8-byte magic
 * (https://rpm-software-management.github.io/rpm/manual/format_header.html): int32 index count,
 * int32 data size, index entries {tag, type, offset, count} (big-endian), then the data store.
 */
const TAG_NAME = 1000;
const TAG_VERSION = 1001;
const TAG_RELEASE = 1002;
const TAG_EPOCH = 1003;
const TAG_LICENSE = 1014;
const TAG_VENDOR = 1011;
const TAG_ARCH = 1022;
const TAG_SOURCERPM = 1044;
const TAG_DIRINDEXES = 1116;
const TAG_BASENAMES = 1117;
const TAG_DIRNAMES = 1118;

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

export type RpmHeader = Map<number, string | string[] | number[]>;

export function parseRpmHeader(blob: Uint8Array): RpmHeader | null {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < 8) return null;
  const il = buf.readUInt32BE(0);
  const dl = buf.readUInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il > 100_000 || dataStart + dl > buf.length) return null;
  const out: RpmHeader = new Map();
  for (let i = 0; i < il; i++) {
    const e = 8 + i * 16;
    const tag = buf.readUInt32BE(e);
    const type = buf.readUInt32BE(e + 4);
    const off = buf.readInt32BE(e + 8);
    const count = buf.readUInt32BE(e + 12);
    if (off < 0 || off >= dl) continue;
    const at = dataStart + off;
    const end = dataStart + dl;
    if (type === TYPE_STRING || type === TYPE_I18NSTRING || type === TYPE_STRING_ARRAY) {
      const strings: string[] = [];
      let p = at;
      const n = type === TYPE_STRING ? 1 : count;
      for (let k = 0; k < n && p < end; k++) {
        const z = buf.indexOf(0, p);
        const stop = z < 0 || z > end ? end : z;
        strings.push(buf.toString('utf8', p, stop));
        p = stop + 1;
      }
      out.set(tag, type === TYPE_STRING_ARRAY ? strings : (strings[0] ?? ''));
    } else if (type === TYPE_INT32) {
      const nums: number[] = [];
      for (let k = 0; k < count && at + k * 4 + 4 <= end; k++) nums.push(buf.readInt32BE(at + k * 4));
      out.set(tag, nums);
    }
  }
  return out;
}

function str(h: RpmHeader, tag: number): string | undefined {
  const v = h.get(tag);
  return typeof v === 'string' ? v : undefined;
}

function strs(h: RpmHeader, tag: number): string[] {
  const v = h.get(tag);
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : [];
}

function nums(h: RpmHeader, tag: number): number[] {
  const v = h.get(tag);
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? v : [];
}

export function rpmComponentFromHeader(
  h: RpmHeader,
  absPath: string,
): { component: DetectedComponent; files: string[] } | null {
  const name = str(h, TAG_NAME);
  const version = str(h, TAG_VERSION);
  if (!name || !version) return null;
  const release = str(h, TAG_RELEASE);
  const epoch = nums(h, TAG_EPOCH)[0];
  const full = `${epoch ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
  const c: DetectedComponent = {
    type: 'rpm',
    name,
    version: full,
    licenses: str(h, TAG_LICENSE) ? [str(h, TAG_LICENSE)!] : [],
    paths: [absPath],
    foundBy: 'rpm',
  };
  if (release) c.release = release;
  if (epoch !== undefined) c.epoch = epoch;
  const arch = str(h, TAG_ARCH);
  if (arch) c.arch = arch;
  const srpm = str(h, TAG_SOURCERPM);
  if (srpm) {
    c.origin = srpm;
    const m = /^(.+)-([^-]+)-([^-]+)\.src\.rpm$/.exec(srpm);
    if (m) {
      c.sourceName = m[1]!;
      c.sourceVersion = `${m[2]}-${m[3]}`;
    }
  }
  const vendor = str(h, TAG_VENDOR);
  if (vendor) c.maintainer = vendor;
  const base = strs(h, TAG_BASENAMES);
  const dirs = strs(h, TAG_DIRNAMES);
  const idx = nums(h, TAG_DIRINDEXES);
  const files = base.map((b, i) => `${dirs[idx[i] ?? 0] ?? '/'}${b}`.replace(/^\/+/, ''));
  return { component: c, files };
}

let sqlPromise: ReturnType<typeof initSqlJs> | null = null;

export async function parseRpmSqlite(
  bytes: Uint8Array,
  absPath: string,
): Promise<{ components: DetectedComponent[]; owned: Record<string, string[]> }> {
  sqlPromise ??= initSqlJs();
  const SQL = await sqlPromise;
  const db = new SQL.Database(bytes);
  const components: DetectedComponent[] = [];
  const owned: Record<string, string[]> = {};
  try {
    const stmt = db.prepare('SELECT blob FROM Packages');
    try {
      while (stmt.step()) {
        const row = stmt.get();
        const blob = row[0];
        if (!(blob instanceof Uint8Array)) continue;
        const h = parseRpmHeader(blob);
        const r = h ? rpmComponentFromHeader(h, absPath) : null;
        if (!r) continue;
        components.push(r.component);
        owned[`${r.component.name}-${r.component.version}`] = r.files;
      }
    } finally {
      stmt.free();
    }
  } finally {
    db.close();
  }
  return { components, owned };
}
