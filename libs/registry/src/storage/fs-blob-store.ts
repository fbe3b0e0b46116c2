import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, opendir, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tryParseDigest } from '../oci/names.js';
import type { BlobStore, ByteRange, UploadPart } from './blob-store.js';

const UPLOAD_ID = /^[A-Za-z0-9-]{1,64}$/;
/** Large reads and writes: fewer syscalls and stream hops per GiB than the 64 KiB/16 KiB defaults. */
const IO_CHUNK = 1024 * 1024;
/** Buffers a blob GET cycles through: one being read while the others are on their way out. */
const SEND_BUFFERS = 4;

function partName(offset: number): string {
  // Zero-padded so the name carries the offset: a retry at the same offset overwrites its
  // interrupted predecessor instead of leaving a second object behind.
  return `part-${offset.toString().padStart(16, '0')}`;
}

/**
 * Filesystem driver: `<root>/blobs/sha256/<2 hex>/<hex>` and `<root>/uploads/<id>/part-<offset>`.
 *
 * Publishing an object goes through a unique temporary file and a rename on the same file system.
 * That rename only emulates what an object store gives for free (an object appears whole or not
 * at all); no protocol step depends on it. The S3 driver would publish with PUT or
 * CompleteMultipartUpload instead.
 */
export class FsBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private blobPath(digest: string): string {
    const d = tryParseDigest(digest);
    if (!d) throw new Error(`invalid digest ${digest}`);
    return join(this.root, 'blobs', d.algorithm, d.hex.slice(0, 2), d.hex);
  }

  private uploadDir(uploadId: string): string {
    if (!UPLOAD_ID.test(uploadId)) throw new Error('invalid upload id');
    return join(this.root, 'uploads', uploadId);
  }

  async stat(digest: string): Promise<{ size: number } | null> {
    try {
      const s = await stat(this.blobPath(digest));
      return { size: s.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async read(digest: string, range?: ByteRange): Promise<Readable> {
    const path = this.blobPath(digest);
    // Open eagerly so a missing blob rejects here rather than as a stream error mid-response.
    await stat(path);
    return createReadStream(path, {
      highWaterMark: IO_CHUNK,
      ...(range ? { start: range.start, end: range.end } : {}),
    });
  }

  async send(digest: string, dest: Writable, range?: ByteRange): Promise<void> {
    const file = await open(this.blobPath(digest), 'r');
    // Each buffer is read into again only after `dest` has called back for its previous bytes
    // (the socket has taken them), so the whole blob goes through the same few MiB. A response
    // whose socket has gone may never call back: its 'close' settles whatever is in flight.
    const buffers: Buffer[] = [];
    const inFlight: (Promise<void> | null)[] = new Array<Promise<void> | null>(SEND_BUFFERS).fill(null);
    const waiting = new Set<() => void>();
    // In an object: the callbacks set it, which flow analysis of a plain `let` would not see.
    const state: { failure: Error | null } = { failure: null };
    const onClose = () => {
      state.failure ??= new Error('destination closed');
      for (const settle of waiting) settle();
      waiting.clear();
    };
    dest.once('close', onClose);
    try {
      let pos = range ? range.start : 0;
      const end = range ? range.end + 1 : (await file.stat()).size;
      for (let i = 0; pos < end; i = (i + 1) % SEND_BUFFERS) {
        await inFlight[i];
        if (state.failure) throw state.failure;
        if (dest.destroyed) throw new Error('destination closed');
        const buffer = (buffers[i] ??= Buffer.allocUnsafeSlow(Math.min(IO_CHUNK, end - pos)));
        const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, end - pos), pos);
        if (bytesRead === 0) throw new Error(`blob ${digest} ends at ${pos}, before ${end}`);
        pos += bytesRead;
        inFlight[i] = new Promise<void>((resolve) => {
          const settle = () => {
            waiting.delete(settle);
            resolve();
          };
          waiting.add(settle);
          dest.write(buffer.subarray(0, bytesRead), (err) => {
            state.failure ??= err ?? null;
            settle();
          });
        });
      }
      await Promise.all(inFlight.filter((p) => p !== null));
      if (state.failure) throw state.failure;
    } finally {
      dest.off('close', onClose);
      await file.close();
    }
  }

  async delete(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  async *listBlobs(): AsyncIterable<{ digest: string; modifiedAt: Date }> {
    const base = join(this.root, 'blobs', 'sha256');
    let prefixes: string[];
    try {
      prefixes = await readdir(base);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const prefix of prefixes) {
      for (const name of await readdir(join(base, prefix))) {
        // Names that are not digests (a `.tmp-` file of an interrupted publish) are not blobs.
        if (!tryParseDigest(`sha256:${name}`)) continue;
        try {
          const s = await stat(join(base, prefix, name));
          yield { digest: `sha256:${name}`, modifiedAt: s.mtime };
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
      }
    }
  }

  async writePart(uploadId: string, offset: number, data: Readable): Promise<number> {
    const dir = this.uploadDir(uploadId);
    await mkdir(dir, { recursive: true });
    const out = createWriteStream(join(dir, partName(offset)), { highWaterMark: IO_CHUNK });
    await pipeline(data, out);
    return out.bytesWritten;
  }

  readParts(uploadId: string, parts: readonly UploadPart[]): Readable {
    const dir = this.uploadDir(uploadId);
    const out = new PassThrough();
    const run = async () => {
      for (const p of parts) {
        if (p.size === 0) continue;
        await pipeline(createReadStream(join(dir, partName(p.offset)), { start: 0, end: p.size - 1 }), out, {
          end: false,
        });
      }
      out.end();
    };
    run().catch((e: unknown) => out.destroy(e as Error));
    return out;
  }

  async commitUpload(uploadId: string, parts: readonly UploadPart[], digest: string): Promise<void> {
    const dir = this.uploadDir(uploadId);
    const target = this.blobPath(digest);
    await mkdir(join(target, '..'), { recursive: true });
    const nonEmpty = parts.filter((p) => p.size > 0);
    const existing = await this.stat(digest);
    if (!existing) {
      const single = nonEmpty.length === 1 ? nonEmpty[0] : undefined;
      const singleSize = single ? (await stat(join(dir, partName(single.offset)))).size : -1;
      if (single && singleSize === single.size) {
        // One part holding exactly the blob (a streamed or monolithic push): publish it as is,
        // dated now like any newly published object (the part may have been written long ago).
        await rename(join(dir, partName(single.offset)), target);
        const now = new Date();
        await utimes(target, now, now);
      } else {
        const tmp = `${target}.tmp-${randomUUID()}`;
        try {
          await pipeline(this.readParts(uploadId, nonEmpty), createWriteStream(tmp));
          await rename(tmp, target);
        } catch (e) {
          await unlink(tmp).catch(() => undefined);
          throw e;
        }
      }
    }
    await this.deleteUpload(uploadId);
  }

  async deleteUpload(uploadId: string): Promise<void> {
    await rm(this.uploadDir(uploadId), { recursive: true, force: true });
  }

  async *listUploads(): AsyncIterable<{ uploadId: string; modifiedAt: Date }> {
    let dir;
    try {
      dir = await opendir(join(this.root, 'uploads'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for await (const entry of dir) {
      if (!entry.isDirectory() || !UPLOAD_ID.test(entry.name)) continue;
      const s = await stat(join(this.root, 'uploads', entry.name));
      yield { uploadId: entry.name, modifiedAt: s.mtime };
    }
  }
}
