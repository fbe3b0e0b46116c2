import { createHash, hash as oneShotHash, type Hash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { classifyPath, isArchiveKind, runDetector, type DetectorKind } from '../detectors/index.js';
import { goComponents } from '../detectors/go.js';
import { ScanError } from '../errors.js';
import { resolveLimits, type ScanLimits } from '../limits.js';
import { cleanEntryPath, normaliseEntryPath, normaliseLinkTarget, toAbsolute } from '../paths.js';
import {
  ANALYZER_VERSION,
  type DetectedComponent,
  type FileEntry,
  type FileType,
  type FlaggedEntry,
  type LayerAnalysis,
  type LayerSource,
  type LayerWarning,
} from '../types.js';
import { createDecompressor, sniffCompression } from './decompress.js';
import { ElfScanner, isElfHead } from './elf.js';
import { decompressOffThread } from './offthread.js';
import { TarFormatError, TarParser, type TarEntryHeader, type TarEntrySink } from './tar.js';

export interface LayerProgress {
  compressedBytesRead: number;
  uncompressedBytes: number;
  entries: number;
}

export interface AnalyzeLayerOptions {
  /** Digest used in error messages (the blob digest); defaults to 'unknown'. */
  layerDigest?: string;
  limits?: Partial<ScanLimits>;
  /** When given, a different computed DiffID is an error (LAYER_DIFFID_MISMATCH). */
  expectedDiffId?: string;
  onProgress?: (p: LayerProgress) => void;
  /** Minimum bytes between two progress callbacks (default 8 MiB). */
  progressIntervalBytes?: number;
  /**
   * Decompress and compute the DiffID on a worker thread (gzip and plain tar layers; default
   * true). The result is the same either way; off the main thread a large layer costs the main
   * thread about a third less and overlaps with the analysis. 'auto' decides from the layer's
   * expected uncompressed size: `compressedSize` times the ratio of a small gzip probe of its
   * first bytes, so a small blob that inflates to a lot (100,000 tiny files compress 100:1)
   * still gets the worker and a small blob that stays small does not pay for one.
   */
  offThread?: boolean | 'auto';
  /** The blob's size from the manifest, for offThread: 'auto'. */
  compressedSize?: number;
}

/** Compressed bytes the 'auto' probe inflates (on this thread, at most PROBE_OUTPUT_BYTES out). */
const PROBE_INPUT_BYTES = 32 * 1024;
const PROBE_OUTPUT_BYTES = 2 * 1024 * 1024;
/** Expected uncompressed size from which offThread: 'auto' starts the worker. */
export const OFF_THREAD_AUTO_MIN_UNCOMPRESSED = 24 * 1024 * 1024;

/**
 * Expected uncompressed size of a gzip layer: its compressed size times the ratio of inflating
 * its first bytes. A probe that is cut off by the output cap counts as that cap; one that fails
 * (corrupt data) gives 0, and the normal path then reports the error.
 */
export function expectedUncompressed(head: Buffer, compressedSize: number): number {
  const probe = head.subarray(0, PROBE_INPUT_BYTES);
  let out: number;
  try {
    out = gunzipSync(probe, {
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
      maxOutputLength: PROBE_OUTPUT_BYTES,
    }).length;
  } catch (e) {
    // By code, not instanceof: the RangeError comes from Node's own realm.
    if ((e as { code?: unknown }).code !== 'ERR_BUFFER_TOO_LARGE') return 0;
    out = PROBE_OUTPUT_BYTES;
  }
  return (out / probe.length) * compressedSize;
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function fileType(flag: string): FileType | null {
  switch (flag) {
    case '0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
      return 'dir';
    case '6':
      return 'fifo';
    default:
      return null;
  }
}

/**
 * Analyse one layer blob in a single streaming pass: decompress (sniffed), compute the DiffID,
 * walk the tar, hash every regular file, buffer only what detectors ask for (bounded), scan ELF
 * files for version signatures, and record whiteouts. The result depends only on the layer
 * content and ANALYZER_VERSION.
 */
export async function analyzeLayer(
  input: Readable | AsyncIterable<Buffer>,
  options: AnalyzeLayerOptions = {},
): Promise<LayerAnalysis> {
  const limits = resolveLimits(options.limits);
  const digest = options.layerDigest ?? 'unknown';
  const progressEvery = options.progressIntervalBytes ?? 8 * 1024 * 1024;
  const source = input instanceof Readable ? input : Readable.from(input, { objectMode: false });

  const files: FileEntry[] = [];
  const whiteouts: string[] = [];
  const opaqueDirs: string[] = [];
  const flagged: FlaggedEntry[] = [];
  const sources: LayerSource[] = [];
  const warnings: LayerWarning[] = [];
  const warn = (w: LayerWarning) => {
    if (warnings.length < 1000) warnings.push(w);
  };

  let compressed = 0;
  let uncompressed = 0;
  let sparseExtra = 0;
  let entries = 0;
  let nextProgress = progressEvery;
  let failure: ScanError | null = null;
  const diffHash = createHash('sha256');

  const report = () =>
    options.onProgress?.({ compressedBytesRead: compressed, uncompressedBytes: uncompressed, entries });

  // Compressed bytes the decompressor has consumed so far (zlib counts them exactly; counting the
  // chunks handed to it would run ahead by its input buffer and let a bomb expand further).
  let consumed = () => compressed;
  const checkSize = (): ScanError | null => {
    const logical = uncompressed + sparseExtra;
    if (logical > limits.maxLayerBytes) {
      return new ScanError('LAYER_TOO_LARGE', `more than ${limits.maxLayerBytes} bytes decompressed`, digest);
    }
    if (logical > limits.ratioGraceBytes && logical / Math.max(consumed(), 1) > limits.maxCompressionRatio) {
      return new ScanError(
        'LAYER_TOO_LARGE',
        `compression ratio above ${limits.maxCompressionRatio}:1 (${logical} bytes from ${consumed()}): decompression bomb`,
        digest,
      );
    }
    return null;
  };

  // Sniff the compression from the first bytes (the chunks read are replayed below).
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const headChunks: Buffer[] = [];
  let headLen = 0;
  let done = false;
  /** Reads chunks until at least `min` bytes are held or the blob ends. */
  const readHead = async (min: number): Promise<void> => {
    try {
      while (!done && headLen < min) {
        const r = await iterator.next();
        if (r.done) {
          done = true;
          break;
        }
        const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
        headChunks.push(c);
        headLen += c.length;
      }
    } catch (err) {
      throw new ScanError('LAYER_CORRUPT', `cannot read blob: ${(err as Error).message}`, digest, {
        cause: err,
      });
    }
  };
  await readHead(4);
  const compression = sniffCompression(Buffer.concat(headChunks));
  let offThread = (options.offThread ?? true) !== false && compression !== 'zstd';
  if (offThread && options.offThread === 'auto') {
    offThread = false;
    if (compression === 'gzip' && options.compressedSize !== undefined) {
      await readHead(PROBE_INPUT_BYTES);
      const head = headChunks.length === 1 ? headChunks[0] : Buffer.concat(headChunks);
      offThread = expectedUncompressed(head, options.compressedSize) >= OFF_THREAD_AUTO_MIN_UNCOMPRESSED;
    }
  }
  // Off-thread chunks are views of a ring that is reused one chunk later: whatever outlives
  // the next chunk (buffered metadata files, ELF heads, Go binaries) keeps a copy.
  const keep = offThread ? (b: Buffer) => Buffer.from(b) : (b: Buffer) => b;
  async function* replay(): AsyncGenerator<Buffer> {
    for (const c of headChunks) {
      compressed += c.length;
      yield c;
    }
    if (done) return;
    for (;;) {
      const r = await iterator.next();
      if (r.done) return;
      const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
      compressed += c.length;
      yield c;
    }
  }

  // allowUnknownFormat: accept v7 tars (no ustar magic); the header checksum still guards them.
  let tarError: TarFormatError | null = null;
  let limitError: ScanError | null = null;

  // A regular file being read: hashed while streaming, buffered for a detector only when its
  // path asks for it, and scanned for version signatures when it is an ELF file.
  class FileSink implements TarEntrySink {
    // Most files arrive in one chunk: hash those with the one-shot crypto.hash(), which costs a
    // fraction of a Hash object per file; switch to a streaming Hash at the second chunk.
    private first: Buffer | null = null;
    private hash: Hash | null = null;
    private readonly buffered: Buffer[] | null;
    private elf: ElfScanner | null = null;
    private head: Buffer | null = null;
    private seen = 0;
    private bytes = 0;

    constructor(
      private readonly path: string,
      private readonly size: number,
      private readonly mode: number,
      private readonly kind: DetectorKind | null,
    ) {
      this.buffered = kind ? [] : null;
    }

    data(chunk: Buffer): void {
      if (this.hash) this.hash.update(chunk);
      else if (this.first === null) this.first = chunk;
      else {
        this.hash = createHash('sha256').update(this.first).update(chunk);
        this.first = null;
      }
      this.bytes += chunk.length;
      if (this.buffered) this.buffered.push(keep(chunk));
      if (this.seen < 4) {
        this.head = this.head ? Buffer.concat([this.head, chunk]) : chunk;
        this.seen += chunk.length;
        if (this.seen >= 4 || this.seen >= this.size) {
          if (isElfHead(this.head)) {
            this.elf = new ElfScanner(this.size, limits.maxGoBinaryBytes, offThread);
            this.elf.push(this.head);
          }
          this.head = null;
        }
        return;
      }
      if (this.elf) this.elf.push(chunk);
    }

    end(): void | Promise<void> {
      const sha256 = this.hash
        ? this.hash.digest('hex')
        : this.first
          ? oneShotHash('sha256', this.first, 'hex')
          : EMPTY_SHA256;
      const entry: FileEntry = { path: this.path, type: 'file', size: this.size, mode: this.mode, sha256 };
      files.push(entry);
      if (this.elf) {
        entry.elf = true;
        addElfSources(this.path, this.elf.end(), sha256);
      }
      if (!this.buffered || !this.kind) return;
      const data = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered, this.bytes);
      return runDetector(this.kind, this.path, data, sha256, {
        maxArchiveBytes: limits.maxArchiveBytes,
        warn,
      }).then((found) => {
        for (const s of found) sources.push(s);
      });
    }
  }

  const addElfSources = (path: string, r: ReturnType<ElfScanner['end']>, sha256: string) => {
    const abs = toAbsolute(path);
    if (r.hits.length > 0) {
      const components: DetectedComponent[] = r.hits.map((h) => {
        const c: DetectedComponent = {
          type: 'binary',
          name: h.name,
          version: h.version,
          licenses: [],
          paths: [abs],
          sha256,
          foundBy: 'elf-signature',
        };
        if (h.versionString) c.versionString = h.versionString;
        return c;
      });
      sources.push({ kind: 'binary', path, components });
    }
    if (r.go) sources.push({ kind: 'go', path, components: goComponents(r.go, abs, sha256) });
    else if (r.goUnresolved) {
      sources.push({
        kind: 'go',
        path,
        components: [
          {
            type: 'golang',
            name: 'stdlib',
            version: null,
            licenses: [],
            paths: [abs],
            sha256,
            foundBy: 'go-buildinfo',
          },
        ],
      });
    }
  };

  const fail = (err: ScanError): null => {
    limitError ??= err;
    return null;
  };

  const onEntry = (header: TarEntryHeader): TarEntrySink | null => {
    entries++;
    if (entries > limits.maxEntries)
      return fail(
        new ScanError('LAYER_TOO_MANY_ENTRIES', `more than ${limits.maxEntries} tar entries`, digest),
      );
    const name = header.name;
    if (name.length > limits.maxPathLength || header.linkname.length > limits.maxPathLength) {
      return fail(
        new ScanError('LAYER_PATH_TOO_LONG', `entry path longer than ${limits.maxPathLength}`, digest),
      );
    }
    let path = cleanEntryPath(name);
    let norm: { path: string; flagged: boolean } | null = null;
    if (path === null) {
      norm = normaliseEntryPath(name);
      path = norm.path;
    }
    if (norm?.flagged) {
      flagged.push({
        name,
        normalised: path,
        reason: name.startsWith('/') && !name.includes('..') ? 'absolute-path' : 'path-traversal',
      });
    }
    const pax = header.pax;
    const paxSparse =
      pax !== null && ('GNU.sparse.realsize' in pax || 'GNU.sparse.size' in pax || 'GNU.sparse.major' in pax);
    if (header.typeflag === 'S' || paxSparse) {
      // GNU sparse: never expanded, but its declared size counts against the limits, so a
      // few-KB "sparse bomb" is treated like the gzip bomb it describes.
      const declared = paxSparse
        ? Number(pax['GNU.sparse.realsize'] ?? pax['GNU.sparse.size'] ?? 0) || 0
        : (header.sparseRealSize ?? 0);
      sparseExtra += Math.max(0, declared - header.size);
      flagged.push({ name, normalised: path, reason: 'sparse-entry', declaredSize: declared });
      const err = checkSize();
      if (err) return fail(err);
      files.push({ path, type: 'file', size: declared, mode: header.mode });
      return null;
    }
    let type = fileType(header.typeflag);
    if (type === null) {
      flagged.push({ name, normalised: path, reason: 'unsupported-entry-type' });
      return null;
    }
    if (type === 'file' && name.endsWith('/')) type = 'dir'; // pre-POSIX directories
    if (path === '') return null;
    const slash = path.lastIndexOf('/');
    const base = slash < 0 ? path : path.slice(slash + 1);
    if (base.startsWith('.wh.')) {
      const dir = slash < 0 ? '' : path.slice(0, slash);
      if (base === '.wh..wh..opq') opaqueDirs.push(dir);
      else if (!base.startsWith('.wh..wh.')) whiteouts.push(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
      return null;
    }
    if (type === 'hardlink') {
      const t = normaliseLinkTarget(header.linkname);
      if (t.flagged) {
        flagged.push({
          name,
          normalised: path,
          reason: 'link-traversal',
          linkTarget: header.linkname,
          normalisedTarget: t.path,
        });
      }
      files.push({ path, type, size: 0, mode: header.mode, linkTarget: t.path });
      return null;
    }
    if (type === 'symlink') {
      files.push({ path, type, size: 0, mode: header.mode, linkTarget: header.linkname });
      return null;
    }
    if (type !== 'file') {
      files.push({ path, type, size: 0, mode: header.mode });
      return null;
    }
    let kind: DetectorKind | null = classifyPath(path, base);
    if (kind) {
      const cap = isArchiveKind(kind) ? limits.maxArchiveBytes : limits.maxMetadataFileBytes;
      if (header.size > cap) {
        warn({
          code: kind === 'java' ? 'ARCHIVE_TOO_LARGE' : 'METADATA_TOO_LARGE',
          path: toAbsolute(path),
          message: `${header.size} bytes exceeds the ${cap}-byte limit; not inspected`,
        });
        kind = null;
      }
    }
    return new FileSink(path, header.size, header.mode, kind);
  };

  const parser = new TarParser(onEntry);

  // The sink only queues: zlib's output callback returns at once and starts inflating the next
  // block on the thread pool while this thread hashes and parses the queued bytes, so
  // decompression and analysis overlap instead of taking turns.
  const queue: Buffer[] = [];
  let queuedBytes = 0;
  let blockedWrite: ((err?: Error | null) => void) | null = null;
  let waiting = false;
  let scheduled = false;
  let flushWaiter: (() => void) | null = null;
  const QUEUE_LIMIT = 8 * 1024 * 1024;

  const currentError = (): Error | null => failure ?? limitError ?? tarError;

  const consume = (chunk: Buffer): Promise<void> | undefined => {
    if (!offThread) diffHash.update(chunk);
    uncompressed += chunk.length;
    const err = checkSize();
    if (err) {
      failure = err;
      return undefined;
    }
    if (uncompressed >= nextProgress) {
      nextProgress = uncompressed + progressEvery;
      report();
    }
    try {
      return parser.write(chunk);
    } catch (e) {
      if (e instanceof TarFormatError) tarError = e;
      else throw e;
      return undefined;
    }
  };

  const pump = () => {
    scheduled = false;
    if (waiting) return;
    while (queue.length > 0 && !currentError()) {
      const chunk = queue.shift()!;
      queuedBytes -= chunk.length;
      const p = consume(chunk);
      if (p) {
        waiting = true;
        p.then(
          () => {
            waiting = false;
            pump();
          },
          (e: unknown) => {
            waiting = false;
            if (e instanceof TarFormatError) tarError = e;
            else
              failure = new ScanError('LAYER_CORRUPT', e instanceof Error ? e.message : String(e), digest, {
                cause: e,
              });
            pump();
          },
        );
        break;
      }
    }
    if (currentError()) {
      queue.length = 0;
      queuedBytes = 0;
    }
    if (blockedWrite && (queuedBytes < QUEUE_LIMIT || currentError())) {
      const cb = blockedWrite;
      blockedWrite = null;
      cb(currentError());
    }
    if (queue.length === 0 && !waiting && flushWaiter) {
      const w = flushWaiter;
      flushWaiter = null;
      w();
    }
  };

  const sink = new Writable({
    // Above the 1 MiB decompressor chunks, so a single chunk does not pause the pipe.
    highWaterMark: 4 * 1024 * 1024,
    write(chunk: Buffer, _enc, cb) {
      const err = currentError();
      if (err) {
        cb(err);
        return;
      }
      queue.push(chunk);
      queuedBytes += chunk.length;
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
      if (queuedBytes < QUEUE_LIMIT) cb();
      else blockedWrite = cb;
    },
    final(cb) {
      const end = () => {
        const err = currentError();
        if (err) {
          cb(err);
          return;
        }
        try {
          parser.end();
          cb();
        } catch (e) {
          cb(e instanceof Error ? e : new Error(String(e)));
        }
      };
      if (queue.length === 0 && !waiting) end();
      else {
        flushWaiter = end;
        if (!scheduled) {
          scheduled = true;
          setImmediate(pump);
        }
      }
    },
  });

  // The worker inflates and hashes; this thread walks the tar over views of its ring, one chunk
  // at a time (an async detector holds the next chunk back until it has finished).
  async function runOffThread(): Promise<string> {
    let consumedBytes = 0;
    consumed = () => consumedBytes;
    const chunks = decompressOffThread(replay(), compression === 'gzip' ? 'gzip' : 'none', (n) => {
      consumedBytes = n;
    });
    try {
      for (;;) {
        const r = await chunks.next();
        if (r.done) {
          const err = currentError();
          if (err) throw err;
          parser.end();
          return r.value.diffId;
        }
        const p = consume(r.value);
        if (p) {
          try {
            await p;
          } catch (e) {
            if (e instanceof TarFormatError) tarError = e;
            else
              failure = new ScanError('LAYER_CORRUPT', e instanceof Error ? e.message : String(e), digest, {
                cause: e,
              });
          }
        }
        const err = currentError();
        if (err) throw err;
      }
    } catch (err) {
      throw classifyError(err, currentError(), digest, compression === 'gzip', compression);
    } finally {
      await chunks.return(undefined as never);
      source.destroy();
    }
  }

  let diffIdHex: string;
  if (offThread) {
    diffIdHex = await runOffThread();
  } else {
    const decompressor = createDecompressor(compression);
    if (decompressor && 'bytesWritten' in decompressor) {
      const z = decompressor as unknown as { bytesWritten: number };
      consumed = () => z.bytesWritten;
    }
    try {
      if (decompressor) await pipeline(Readable.from(replay(), { objectMode: false }), decompressor, sink);
      else await pipeline(Readable.from(replay(), { objectMode: false }), sink);
    } catch (err) {
      throw classifyError(err, currentError(), digest, decompressor !== null, compression);
    } finally {
      source.destroy();
    }
    diffIdHex = diffHash.digest('hex');
  }
  report();

  const diffId = `sha256:${diffIdHex}`;
  if (options.expectedDiffId && options.expectedDiffId !== diffId) {
    throw new ScanError(
      'LAYER_DIFFID_MISMATCH',
      `uncompressed digest ${diffId} differs from the config's ${options.expectedDiffId}`,
      digest,
    );
  }
  resolveHardlinks(files);
  return {
    analyzerVersion: ANALYZER_VERSION,
    diffId,
    compression,
    uncompressedSize: uncompressed,
    entryCount: entries,
    files,
    whiteouts,
    opaqueDirs,
    flagged,
    sources,
    warnings,
  };
}

function resolveHardlinks(files: FileEntry[]): void {
  let byPath: Map<string, FileEntry> | null = null;
  for (const f of files) {
    if (f.type !== 'hardlink' || !f.linkTarget) continue;
    byPath ??= new Map(files.map((x) => [x.path, x]));
    const t = byPath.get(f.linkTarget);
    if (t?.sha256) {
      f.sha256 = t.sha256;
      f.size = t.size;
    }
  }
}

function classifyError(
  err: unknown,
  known: Error | null,
  digest: string,
  compressed: boolean,
  compression: string,
): ScanError {
  const e = known ?? (err instanceof Error ? err : new Error(String(err)));
  if (e instanceof ScanError) return e;
  if (e instanceof TarFormatError) {
    if (e.beforeFirstEntry) {
      return new ScanError(
        'LAYER_NOT_TAR',
        `the ${compressed ? 'decompressed ' : ''}content is not a tar archive: ${e.message}`,
        digest,
        {
          cause: e,
        },
      );
    }
    return new ScanError(
      'LAYER_CORRUPT',
      /Unexpected end/.test(e.message)
        ? 'tar stream ends in the middle of an entry (truncated layer)'
        : `corrupt tar: ${e.message}`,
      digest,
      { cause: e },
    );
  }
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (
    code.startsWith('Z_') ||
    code === 'ERR_ZLIB' ||
    /zstd|invalid (block|zstd|frame)|unexpected end of file/i.test(e.message)
  ) {
    return new ScanError(
      'LAYER_CORRUPT',
      `${compression} stream is corrupt or truncated: ${e.message}`,
      digest,
      { cause: e },
    );
  }
  return new ScanError('LAYER_CORRUPT', e.message, digest, { cause: e });
}
