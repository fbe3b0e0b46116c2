import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RegistryStore, type UploadRow } from '../db/registry-store.js';
import { OciError } from '../oci/errors.js';
import { BLOB_STORE, type BlobStore } from '../storage/blob-store.js';
import { HashingStream, sha256OfStream } from '../storage/hashing.js';

/**
 * Hash state kept in this process while an upload streams through it. Node cannot serialise a
 * crypto Hash, so it cannot live in the database; instead it is an optimisation: it is used only
 * when its offset equals the committed offset in the database (i.e. this process saw every byte so
 * far). After a restart, or when another replica took a chunk, the final PUT re-hashes the stored
 * parts instead. Correctness never depends on this map.
 */
interface HashState {
  offset: number;
  hash: Hash;
  touched: number;
}

export interface ContentRange {
  start: number;
  end: number;
}

/** `Content-Range: <start>-<end>` (distribution-spec, "Pushing a blob in chunks"); tolerates `bytes ` and `/total`. */
export function parseContentRange(header: string | undefined): ContentRange | null | 'invalid' {
  if (header === undefined) return null;
  const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!m) return 'invalid';
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) return 'invalid';
  return { start, end };
}

const MAX_HASH_STATES = 10_000;

@Injectable()
export class UploadsService {
  private readonly hashes = new Map<string, HashState>();

  constructor(
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  async start(orgId: string, repositoryId: string): Promise<string> {
    const id = randomUUID();
    await this.store.createUpload(orgId, repositoryId, id);
    return id;
  }

  async get(orgId: string, repositoryId: string, id: string): Promise<UploadRow> {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new OciError('BLOB_UPLOAD_UNKNOWN', undefined, { uuid: id });
    const row = await this.store.findUpload(orgId, repositoryId, id);
    if (!row) throw new OciError('BLOB_UPLOAD_UNKNOWN', undefined, { uuid: id });
    return row;
  }

  /**
   * Appends a chunk (PATCH, or the optional body of the final PUT). With a Content-Range the chunk
   * must start at the current offset (else 416 RANGE_INVALID) and have the announced length; without
   * one it is a streamed upload that simply continues at the offset (as `docker push` sends it).
   */
  async append(
    upload: UploadRow,
    body: Readable,
    range: ContentRange | null,
    contentLength: number | null,
  ): Promise<UploadRow> {
    const offset = upload.uploadedBytes;
    if (range && range.start !== offset) {
      throw new OciError('RANGE_INVALID', `chunk must start at offset ${offset}`, { offset }, 416);
    }
    const expected = range ? range.end - range.start + 1 : contentLength;
    if (range && contentLength !== null && contentLength !== expected) {
      throw new OciError('SIZE_INVALID', 'Content-Length does not match Content-Range', {
        contentLength,
        range,
      });
    }
    const state = this.hashes.get(upload.id);
    let hashing: HashingStream | null = null;
    if (offset === 0) hashing = new HashingStream(createHash('sha256'));
    else if (state && state.offset === offset) hashing = new HashingStream(state.hash);
    this.hashes.delete(upload.id);

    let written: number;
    if (hashing) {
      const h = hashing;
      const [size] = await Promise.all([this.blobs.writePart(upload.id, offset, h), pipeline(body, h)]);
      written = size;
    } else {
      written = await this.blobs.writePart(upload.id, offset, body);
    }
    if (expected !== null && written !== expected) {
      throw new OciError('SIZE_INVALID', `received ${written} bytes, expected ${expected}`, {
        received: written,
        expected,
      });
    }
    if (written > 0 && !(await this.store.appendPart(upload.organizationId, upload.id, offset, written))) {
      throw new OciError('RANGE_INVALID', 'upload offset moved during the request', { offset }, 416);
    }
    if (hashing)
      this.remember(upload.id, { offset: offset + written, hash: hashing.hash, touched: Date.now() });
    return {
      ...upload,
      uploadedBytes: offset + written,
      parts: written > 0 ? [...upload.parts, { offset, size: written }] : upload.parts,
    };
  }

  private remember(id: string, state: HashState): void {
    if (this.hashes.size >= MAX_HASH_STATES) {
      // Bounded memory: evict the oldest; that upload will just be re-hashed at the end.
      const oldest = [...this.hashes.entries()].sort((a, b) => a[1].touched - b[1].touched)[0];
      if (oldest) this.hashes.delete(oldest[0]);
    }
    this.hashes.set(id, state);
  }

  /**
   * Completes an upload (final PUT ?digest=): verifies the digest over every byte received and
   * publishes the blob; a mismatch drops the upload and stores nothing (DIGEST_INVALID).
   */
  async finish(upload: UploadRow, digest: string): Promise<{ size: number }> {
    const state = this.hashes.get(upload.id);
    this.hashes.delete(upload.id);
    let actual: string;
    if (state && state.offset === upload.uploadedBytes) {
      actual = `sha256:${state.hash.digest('hex')}`;
    } else if (upload.uploadedBytes === 0) {
      actual = `sha256:${createHash('sha256').digest('hex')}`;
    } else {
      actual = (await sha256OfStream(this.blobs.readParts(upload.id, upload.parts))).digest;
    }
    if (actual !== digest) {
      await this.cancel(upload);
      throw new OciError('DIGEST_INVALID', 'provided digest did not match uploaded content', {
        expected: digest,
        actual,
      });
    }
    // Content-addressed: bytes already published under this digest are these bytes, so publish
    // only when storage lacks them. The row is settled in the transaction below.
    const alreadyStored = (await this.blobs.stat(digest)) !== null;
    if (!alreadyStored) await this.blobs.commitUpload(upload.id, upload.parts, digest);
    // One transaction: record the blob (if new), link it to the repository, close the session.
    await this.store.completeUpload(
      upload.organizationId,
      upload.repositoryId,
      upload.id,
      { digest, size: upload.uploadedBytes, revive: alreadyStored },
      async () => {
        // The row was missing although the bytes were there a moment ago: either they were an
        // orphan (stored, row lost) or the garbage collector removed both meanwhile (it deletes
        // the object, then the row, under its lock, which our insert waited for). This upload's
        // parts are still here: publish them again if the object is gone now.
        if (alreadyStored && (await this.blobs.stat(digest)) === null)
          await this.blobs.commitUpload(upload.id, upload.parts, digest);
      },
    );
    if (alreadyStored) await this.blobs.deleteUpload(upload.id);
    return { size: upload.uploadedBytes };
  }

  async cancel(upload: UploadRow): Promise<void> {
    this.hashes.delete(upload.id);
    await this.blobs.deleteUpload(upload.id);
    await this.store.deleteUpload(upload.organizationId, upload.id);
  }

  /** Forgets in-memory state of uploads the cleaner removed. */
  forget(id: string): void {
    this.hashes.delete(id);
  }
}
