import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import { classifyPath, isArchiveKind, runDetector, type DetectorKind } from '../detectors/index.js';
import { goComponents } from '../detectors/go.js';
import { ScanError } from '../errors.js';
import { resolveLimits, type ScanLimits } from '../limits.js';
import { basename, dirname, normaliseEntryPath, normaliseLinkTarget, toAbsolute } from '../paths.js';
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
}

/** What tar-stream really passes (its bundled typings omit `null` types, pax and byteOffset). */
interface TarHeader {
  name: string;
  size?: number;
  mode?: number;
  type: string | null;
  linkname?: string | null;
  byteOffset?: number;
  pax?: Record<string, string> | null;
}

interface EntryStream {
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'end', fn: () => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  resume(): unknown;
}

interface TarExtract {
  on(
    event: 'entry',
    fn: (header: TarHeader, stream: EntryStream, next: (err?: unknown) => void) => void,
  ): unknown;
  on(event: 'finish', fn: () => void): unknown;
  on(event: 'error', fn: (err: unknown) => void): unknown;
  once(event: 'drain', fn: () => void): unknown;
  write(chunk: Buffer): boolean;
  end(): unknown;
  destroy(err?: Error): unknown;
}

const RECENT_WINDOW = 4 * 1024 * 1024;

function fileType(t: string | null): FileType | null {
  if (t === null) return null;
  switch (t) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    case 'character-device':
      return 'char';
    case 'block-device':
      return 'block';
    case 'fifo':
      return 'fifo';
    default:
      return null;
  }
}

function parseOctalOrBinary(buf: Buffer, off: number, len: number): number {
  if ((buf[off] & 0x80) !== 0) {
    // GNU base-256: big-endian, top bit of the first byte set.
    let v = buf[off] & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + buf[off + i];
    return v;
  }
  const s = buf
    .toString('latin1', off, off + len)
    .replace(/[\0 ]+.*$/s, '')
    .trim();
  return s ? parseInt(s, 8) || 0 : 0;
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
  const recent: { start: number; buf: Buffer }[] = [];
  let recentBytes = 0;

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

  // Sniff the compression from the first bytes.
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const headChunks: Buffer[] = [];
  let headLen = 0;
  let done = false;
  try {
    while (headLen < 4) {
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
  const compression = sniffCompression(Buffer.concat(headChunks));
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
  const extract = tarStream.extract({ allowUnknownFormat: true } as object) as unknown as TarExtract;
  let headerSeen = false;

  const rawHeaderAt = (offset: number): Buffer | null => {
    const out = Buffer.alloc(512);
    let filled = 0;
    for (const r of recent) {
      const s = Math.max(offset + filled, r.start);
      const e = Math.min(offset + 512, r.start + r.buf.length);
      if (s >= e || s !== offset + filled) continue;
      r.buf.copy(out, filled, s - r.start, e - r.start);
      filled += e - s;
    }
    return filled === 512 ? out : null;
  };

  const handleEntry = (header: TarHeader, stream: EntryStream, next: (err?: unknown) => void) => {
    headerSeen = true;
    // Entry streams are destroyed with the extractor's error when the layer fails; that error is
    // reported once, through the pipeline.
    stream.on('error', () => undefined);
    entries++;
    if (entries > limits.maxEntries) {
      next(new ScanError('LAYER_TOO_MANY_ENTRIES', `more than ${limits.maxEntries} tar entries`, digest));
      return;
    }
    const name = header.name;
    if (name.length > limits.maxPathLength || (header.linkname?.length ?? 0) > limits.maxPathLength) {
      next(new ScanError('LAYER_PATH_TOO_LONG', `entry path longer than ${limits.maxPathLength}`, digest));
      return;
    }
    const norm = normaliseEntryPath(name);
    const path = norm.path;
    if (norm.flagged) {
      flagged.push({
        name,
        normalised: path,
        reason: name.startsWith('/') && !name.includes('..') ? 'absolute-path' : 'path-traversal',
      });
    }
    const drain = () => {
      stream.on('end', () => next());
      stream.resume();
    };
    let type = fileType(header.type);
    const pax = header.pax ?? null;
    const paxSparse =
      pax && ('GNU.sparse.realsize' in pax || 'GNU.sparse.size' in pax || 'GNU.sparse.major' in pax);
    if (type === null || paxSparse) {
      const raw = header.byteOffset !== undefined ? rawHeaderAt(header.byteOffset - 512) : null;
      const typeflag = raw ? String.fromCharCode(raw[156]) : '?';
      if (typeflag === 'S' || paxSparse) {
        // GNU sparse: never expanded, but its declared size counts against the limits, so a
        // few-KB "sparse bomb" is treated like the gzip bomb it describes.
        const declared = paxSparse
          ? Number(pax['GNU.sparse.realsize'] ?? pax['GNU.sparse.size'] ?? 0)
          : raw
            ? parseOctalOrBinary(raw, 483, 12)
            : 0;
        sparseExtra += Math.max(0, declared - (header.size ?? 0));
        flagged.push({ name, normalised: path, reason: 'sparse-entry', declaredSize: declared });
        const err = checkSize();
        if (err) {
          next(err);
          return;
        }
        files.push({ path, type: 'file', size: declared, mode: header.mode ?? 0 });
      } else {
        flagged.push({ name, normalised: path, reason: 'unsupported-entry-type' });
      }
      drain();
      return;
    }
    if (path === '') {
      drain();
      return;
    }
    const base = basename(path);
    if (base.startsWith('.wh.')) {
      if (base === '.wh..wh..opq') opaqueDirs.push(dirname(path));
      else if (!base.startsWith('.wh..wh.')) {
        const dir = dirname(path);
        const hidden = base.slice(4);
        whiteouts.push(dir ? `${dir}/${hidden}` : hidden);
      }
      drain();
      return;
    }
    if (type === 'symlink' || type === 'hardlink') {
      const entry: FileEntry = { path, type, size: 0, mode: header.mode ?? 0 };
      const target = header.linkname ?? '';
      if (type === 'hardlink') {
        const t = normaliseLinkTarget(target);
        entry.linkTarget = t.path;
        if (t.flagged) {
          flagged.push({
            name,
            normalised: path,
            reason: 'link-traversal',
            linkTarget: target,
            normalisedTarget: t.path,
          });
        }
        // Give a hard link the content hash of its target, when the target came earlier.
        type = 'hardlink';
      } else {
        entry.linkTarget = target;
      }
      files.push(entry);
      drain();
      return;
    }
    if (type !== 'file') {
      files.push({ path, type, size: 0, mode: header.mode ?? 0 });
      drain();
      return;
    }

    const size = header.size ?? 0;
    let kind: DetectorKind | null = classifyPath(path);
    if (kind) {
      const cap = isArchiveKind(kind) ? limits.maxArchiveBytes : limits.maxMetadataFileBytes;
      if (size > cap) {
        warn({
          code: kind === 'java' ? 'ARCHIVE_TOO_LARGE' : 'METADATA_TOO_LARGE',
          path: toAbsolute(path),
          message: `${size} bytes exceeds the ${cap}-byte limit; not inspected`,
        });
        kind = null;
      }
    }
    const hash = createHash('sha256');
    const buffered: Buffer[] | null = kind ? [] : null;
    let elf: ElfScanner | null = null;
    let head: Buffer | null = null; // only while fewer than 4 bytes have been seen
    let seen = 0;
    stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      if (buffered) buffered.push(chunk);
      if (seen < 4) {
        head = head ? Buffer.concat([head, chunk]) : chunk;
        seen += chunk.length;
        if (seen >= 4 || seen >= size) {
          if (isElfHead(head)) {
            elf = new ElfScanner(size, limits.maxGoBinaryBytes);
            elf.push(head);
          }
          head = null;
        }
        return;
      }
      if (elf) elf.push(chunk);
    });
    stream.on('end', () => {
      const sha256 = hash.digest('hex');
      const entry: FileEntry = { path, type: 'file', size, mode: header.mode ?? 0, sha256 };
      files.push(entry);
      const abs = toAbsolute(path);
      const finishElf = () => {
        if (!elf) return;
        entry.elf = true;
        const r = elf.end();
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
      finishElf();
      if (!buffered || !kind) {
        next();
        return;
      }
      const data = buffered.length === 1 ? buffered[0] : Buffer.concat(buffered);
      runDetector(kind, path, data, sha256, { maxArchiveBytes: limits.maxArchiveBytes, warn }).then(
        (found) => {
          for (const s of found) sources.push(s);
          next();
        },
        (err: unknown) => next(err),
      );
    });
  };

  extract.on('entry', handleEntry);

  const finished = new Promise<void>((resolve, reject) => {
    extract.on('finish', () => resolve());
    extract.on('error', (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))));
  });
  // Avoid an unhandled rejection when the pipeline fails first; the error is reported below.
  finished.catch(() => undefined);

  // The sink only queues: zlib's output callback returns at once and starts inflating the next
  // block on the thread pool while this thread hashes and parses the queued bytes, so
  // decompression and analysis overlap instead of taking turns.
  const queue: Buffer[] = [];
  let queuedBytes = 0;
  let blockedWrite: ((err?: Error | null) => void) | null = null;
  let draining = false;
  let scheduled = false;
  let flushWaiter: (() => void) | null = null;
  const QUEUE_LIMIT = 4 * 1024 * 1024;

  const consume = (chunk: Buffer): boolean => {
    diffHash.update(chunk);
    recent.push({ start: uncompressed, buf: chunk });
    recentBytes += chunk.length;
    while (recent.length > 2 && recentBytes - recent[0].buf.length > RECENT_WINDOW)
      recentBytes -= recent.shift()!.buf.length;
    uncompressed += chunk.length;
    const err = checkSize();
    if (err) {
      failure = err;
      return true;
    }
    if (uncompressed >= nextProgress) {
      nextProgress = uncompressed + progressEvery;
      report();
    }
    return extract.write(chunk);
  };

  const pump = () => {
    scheduled = false;
    if (draining) return;
    while (queue.length > 0 && !failure) {
      const chunk = queue.shift()!;
      queuedBytes -= chunk.length;
      if (!consume(chunk)) {
        draining = true;
        extract.once('drain', () => {
          draining = false;
          pump();
        });
        break;
      }
    }
    if (failure) {
      queue.length = 0;
      queuedBytes = 0;
    }
    if (blockedWrite && (queuedBytes < QUEUE_LIMIT || failure)) {
      const cb = blockedWrite;
      blockedWrite = null;
      cb(failure);
    }
    if (queue.length === 0 && !draining && flushWaiter) {
      const w = flushWaiter;
      flushWaiter = null;
      w();
    }
  };

  const sink = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _enc, cb) {
      if (failure) {
        cb(failure);
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
        if (failure) {
          cb(failure);
          return;
        }
        extract.end();
        finished.then(
          () => cb(),
          (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
        );
      };
      if (queue.length === 0 && !draining) end();
      else {
        flushWaiter = end;
        if (!scheduled) {
          scheduled = true;
          setImmediate(pump);
        }
      }
    },
  });
  extract.on('error', (err: unknown) => {
    if (!sink.destroyed) sink.destroy(err instanceof Error ? err : new Error(String(err)));
  });

  const decompressor = createDecompressor(compression);
  if (decompressor && 'bytesWritten' in decompressor) {
    const z = decompressor as unknown as { bytesWritten: number };
    consumed = () => z.bytesWritten;
  }
  try {
    if (decompressor) await pipeline(Readable.from(replay(), { objectMode: false }), decompressor, sink);
    else await pipeline(Readable.from(replay(), { objectMode: false }), sink);
  } catch (err) {
    extract.destroy();
    throw classifyError(err, failure, headerSeen, digest, decompressor !== null, compression);
  } finally {
    source.destroy();
  }
  report();

  const diffId = `sha256:${diffHash.digest('hex')}`;
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
  failure: ScanError | null,
  headerSeen: boolean,
  digest: string,
  compressed: boolean,
  compression: string,
): ScanError {
  if (failure) return failure;
  if (err instanceof ScanError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  if (e instanceof ScanError) return e;
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
  if (/tar header|Invalid header|unknown format|Header exceeds/i.test(e.message)) {
    return headerSeen
      ? new ScanError('LAYER_CORRUPT', `invalid tar header after the first entry: ${e.message}`, digest, {
          cause: e,
        })
      : new ScanError(
          'LAYER_NOT_TAR',
          `the ${compressed ? 'decompressed ' : ''}content is not a tar archive: ${e.message}`,
          digest,
          { cause: e },
        );
  }
  if (/Unexpected end of data/i.test(e.message)) {
    return headerSeen
      ? new ScanError(
          'LAYER_CORRUPT',
          'tar stream ends in the middle of an entry (truncated layer)',
          digest,
          { cause: e },
        )
      : new ScanError('LAYER_NOT_TAR', 'the content is too short to be a tar archive', digest, { cause: e });
  }
  return new ScanError('LAYER_CORRUPT', e.message, digest, { cause: e });
}
