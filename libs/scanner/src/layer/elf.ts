import {
  BINARY_SIGNATURES,
  GO_BUILDINFO_MAGIC,
  escapeRegExp,
  type BinarySignature,
} from '../detectors/binary-signatures.js';
import {
  inlineBuildInfoLength,
  isInlineFormat,
  parseGoBuildInfo,
  parseInlineBuildInfo,
  type GoBuildInfo,
} from '../detectors/go.js';

export interface SignatureHit {
  name: string;
  version: string | null;
  versionString?: string;
}

export interface ElfScanResult {
  hits: SignatureHit[];
  go: GoBuildInfo | null;
  /** A Go binary whose build info could not be resolved (pointer format in a file too large to buffer). */
  goUnresolved: boolean;
}

const HEAD_BYTES = 4096;
const BEFORE = 80;
const AFTER = 200;
const GO_WINDOW = 64 * 1024;
const SCAN_PIECE = 16 * 1024;

const ANCHORS = new Map<string, BinarySignature[]>();
for (const sig of BINARY_SIGNATURES) {
  const list = ANCHORS.get(sig.anchor) ?? [];
  list.push(sig);
  ANCHORS.set(sig.anchor, list);
}
const MAX_ANCHOR = Math.max(GO_BUILDINFO_MAGIC.length, ...[...ANCHORS.keys()].map((a) => a.length));
// One alternation of literals: V8 compiles it to a single pass over the text, several times
// faster than one Buffer.indexOf per signature.
const ANCHOR_RE = new RegExp([...ANCHORS.keys(), GO_BUILDINFO_MAGIC].map(escapeRegExp).join('|'), 'g');
const GO_NOTE_LE = Buffer.from('04000000476f0000', 'hex');
const GO_NOTE_BE = Buffer.from('00000004476f0000', 'hex');

interface Pending {
  anchor: string;
  text: string;
  need: number;
}

/**
 * Streams one ELF file's bytes (in order, once) and collects version signatures and Go build info
 * with bounded memory: only short text windows around anchor hits are kept, matches split across
 * chunks are found through a small carried tail, and the executable segment (machine code, no
 * strings) is skipped when the program headers say it is separate.
 */
export class ElfScanner {
  private offset = 0;
  private headChunks: Buffer[] | null = [];
  private headLength = 0;
  private skip: [number, number][] = [];
  private tail = '';
  private tailEnd = -1;
  private pending: Pending[] = [];
  private readonly found = new Map<string, SignatureHit>();
  private goBuffer: Buffer[] | null = null;
  private goBuffered = 0;
  private goInfo: GoBuildInfo | null = null;
  private goSeen = false;
  private goPointerFormat = false;

  constructor(
    private readonly size: number,
    private readonly maxGoBinaryBytes: number,
    /** Copy the chunks it keeps past the call (when the caller reuses their memory). */
    private readonly copyKept = false,
  ) {}

  push(chunk: Buffer): void {
    if (this.headChunks) {
      this.headLength += chunk.length;
      if (this.headLength < HEAD_BYTES && this.headLength < this.size) {
        this.headChunks.push(this.copyKept ? Buffer.from(chunk) : chunk);
        return;
      }
      this.headChunks.push(chunk);
      const chunks = this.headChunks;
      this.headChunks = null;
      this.inspectHead(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      for (const c of chunks) this.process(c);
      return;
    }
    this.process(chunk);
  }

  end(): ElfScanResult {
    if (this.headChunks) {
      const chunks = this.headChunks;
      this.headChunks = null;
      this.inspectHead(Buffer.concat(chunks));
      for (const c of chunks) this.process(c);
    }
    for (const p of this.pending) this.complete(p);
    this.pending = [];
    if (!this.goInfo && this.goBuffer && this.goSeen) {
      this.goInfo = parseGoBuildInfo(Buffer.concat(this.goBuffer, this.goBuffered));
    }
    this.goBuffer = null;
    return {
      hits: [...this.found.values()],
      go: this.goInfo,
      goUnresolved: this.goSeen && !this.goInfo && this.goPointerFormat,
    };
  }

  private inspectHead(head: Buffer): void {
    if (head.length < 52) return;
    const is64 = head[4] === 2;
    const le = head[5] === 1;
    const u16 = (o: number) => (le ? head.readUInt16LE(o) : head.readUInt16BE(o));
    const u32 = (o: number) => (le ? head.readUInt32LE(o) : head.readUInt32BE(o));
    const uw = (o: number) =>
      is64 ? Number(le ? head.readBigUInt64LE(o) : head.readBigUInt64BE(o)) : u32(o);
    if (is64 && head.length < 64) return;
    const phoff = uw(is64 ? 32 : 28);
    const phentsize = u16(is64 ? 54 : 42);
    const phnum = u16(is64 ? 56 : 44);
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      if (o + (is64 ? 56 : 32) > head.length) break;
      if (u32(o) !== 1) continue; // PT_LOAD
      const flags = u32(is64 ? o + 4 : o + 24);
      const off = uw(is64 ? o + 8 : o + 4);
      const filesz = uw(is64 ? o + 32 : o + 16);
      // Only a text segment that does not start at the file header can be skipped: with the
      // classic layout (-z noseparate-code) .rodata shares the executable segment.
      if ((flags & 1) !== 0 && off > 0 && filesz > 0) this.skip.push([off, off + filesz]);
    }
    this.skip.sort((a, b) => a[0] - b[0]);
    if (
      this.size <= this.maxGoBinaryBytes &&
      (head.subarray(0, HEAD_BYTES).indexOf(GO_NOTE_LE) >= 0 ||
        head.subarray(0, HEAD_BYTES).indexOf(GO_NOTE_BE) >= 0)
    ) {
      // Pre-1.18 build info points into other segments, possibly behind the stream position:
      // keep the (bounded) file until the header says which format it is.
      this.goBuffer = [];
    }
  }

  private process(chunk: Buffer): void {
    const start = this.offset;
    const end = start + chunk.length;
    this.offset = end;
    if (this.goBuffer) {
      this.goBuffer.push(this.copyKept ? Buffer.from(chunk) : chunk);
      this.goBuffered += chunk.length;
    }
    let a = start;
    for (const [s, e] of this.skip) {
      if (e <= a) continue;
      if (s >= end) break;
      if (s > a) this.scan(chunk, a - start, s - start, a);
      a = Math.max(a, e);
      if (a >= end) return;
    }
    if (a < end) this.scan(chunk, a - start, chunk.length, a);
  }

  private scan(chunk: Buffer, from: number, to: number, fileOffset: number): void {
    // Small pieces keep the temporary strings in V8's young generation, where dropping them is
    // nearly free; 128 KiB strings would land in large-object space and cost full collections.
    for (let a = from; a < to; a += SCAN_PIECE) {
      const b = Math.min(to, a + SCAN_PIECE);
      this.scanPiece(chunk.toString('latin1', a, b), fileOffset + (a - from));
    }
  }

  private scanPiece(s: string, fileOffset: number): void {
    if (this.pending.length > 0) this.feedPending(s);
    const contiguous = this.tailEnd === fileOffset && this.tail.length > 0;
    if (contiguous) {
      const boundary = this.tail + s.slice(0, MAX_ANCHOR - 1);
      ANCHOR_RE.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = ANCHOR_RE.exec(boundary)) !== null) {
        if (m.index < this.tail.length && m.index + m[0].length > this.tail.length) {
          this.hit(m[0], this.tail + s, m.index);
        }
      }
    }
    ANCHOR_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = ANCHOR_RE.exec(s)) !== null) {
      const before = m.index >= BEFORE ? '' : contiguous ? this.tail : '';
      this.hit(m[0], before + s, m.index + before.length);
    }
    this.tail = s.length >= BEFORE ? s.slice(-BEFORE) : (contiguous ? this.tail + s : s).slice(-BEFORE);
    this.tailEnd = fileOffset + s.length;
  }

  private hit(anchor: string, text: string, index: number): void {
    if (anchor === GO_BUILDINFO_MAGIC) {
      if (this.goInfo) return;
      this.goSeen = true;
      const have = text.length - index;
      const p: Pending = {
        anchor,
        text: text.slice(index, index + GO_WINDOW),
        need: Math.max(0, GO_WINDOW - have),
      };
      if (p.need === 0 || this.goComplete(p, false)) return;
      this.pending.push(p);
      return;
    }
    const sigs = ANCHORS.get(anchor);
    if (!sigs) return;
    // One versioned hit per name is enough; stop spending time on repeats.
    if (sigs.every((sig) => this.found.get(sig.name)?.version)) return;
    const startAt = Math.max(0, index - BEFORE);
    const have = text.length - index;
    const p: Pending = { anchor, text: text.slice(startAt, index + AFTER), need: Math.max(0, AFTER - have) };
    if (p.need === 0) this.complete(p);
    else this.pending.push(p);
  }

  private feedPending(s: string): void {
    const still: Pending[] = [];
    for (const p of this.pending) {
      const add = s.slice(0, p.need);
      p.text += add;
      p.need -= add.length;
      if (p.anchor === GO_BUILDINFO_MAGIC) {
        if (p.need > 0 && !this.goComplete(p, false)) still.push(p);
        else if (p.need === 0) this.goComplete(p, true);
        continue;
      }
      if (p.need > 0) still.push(p);
      else this.complete(p);
    }
    this.pending = still;
  }

  /** Returns true once the Go header is decided (inline parsed, or pointer format noted). */
  private goComplete(p: Pending, final: boolean): boolean {
    const bytes = Buffer.from(p.text, 'latin1');
    if (bytes.length < 32) {
      return final;
    }
    if (!isInlineFormat(bytes[15])) {
      this.goPointerFormat = true;
      return true;
    }
    const need = inlineBuildInfoLength(bytes);
    if (need === null || need > bytes.length) {
      if (!final) return false;
    }
    const info = parseInlineBuildInfo(bytes);
    if (info) {
      this.goInfo = info;
      this.goBuffer = null;
    }
    return true;
  }

  private complete(p: Pending): void {
    if (p.anchor === GO_BUILDINFO_MAGIC) {
      this.goComplete(p, true);
      return;
    }
    for (const sig of ANCHORS.get(p.anchor) ?? []) {
      const prev = this.found.get(sig.name);
      if (prev?.version) continue;
      const m = sig.pattern ? sig.pattern.exec(p.text) : null;
      if (m && m[1]) {
        this.found.set(sig.name, { name: sig.name, version: m[1], versionString: m[0].trim() });
      } else if (sig.nameOnly && !prev) {
        this.found.set(sig.name, { name: sig.name, version: null });
      }
    }
  }
}

export function isElfHead(b: Buffer): boolean {
  return b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
}
