import type { Readable, Writable } from 'node:stream';

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive (HTTP Range semantics). */
  end: number;
}

export interface UploadPart {
  /** Byte offset of the part's first byte within the upload. */
  offset: number;
  size: number;
}

/**
 * Blob storage, content-addressed by digest and shared by every repository (repositories link
 * blobs in the database, never in storage).
 *
 * The contract is the one an object store offers, so that an S3-compatible driver implements it
 * directly:
 * - an object, once published, is immutable and appears atomically (S3 PUT/CompleteMultipartUpload);
 * - an upload is a set of parts, each written once at a known offset (S3 UploadPart, whose part
 *   number the driver derives from the part's index), and `commitUpload` composes them into the
 *   blob's content address (S3 CompleteMultipartUpload + server-side CopyObject/UploadPartCopy);
 * - nothing relies on listing order, rename, append or partial overwrite of a published object.
 *
 * Which parts make up an upload, and the committed offset, live in the database (upload_sessions),
 * not in storage: a part that was being written when a request died is simply overwritten by
 * the retry at the same offset, or ignored.
 */
export interface BlobStore {
  /** Size of a published blob, or null when it is not stored. */
  stat(digest: string): Promise<{ size: number } | null>;
  /** Streams a published blob, or a byte range of it. */
  read(digest: string, range?: ByteRange): Promise<Readable>;
  /**
   * Writes a published blob, or a byte range of it, to `dest` (a blob GET) and resolves once every
   * byte has been handed to it; `dest` is not ended. Rejects before writing anything when the blob
   * is missing. A driver that streams from elsewhere (S3 GetObject) pipes its read(); the
   * filesystem driver reuses a few buffers, because a fresh buffer per chunk of a gigabyte starts
   * a full collection of the API's heap every few dozen MiB.
   */
  send(digest: string, dest: Writable, range?: ByteRange): Promise<void>;
  /** Removes a published blob (garbage collection); a missing blob is not an error. */
  delete(digest: string): Promise<void>;
  /**
   * Every published blob with the time it was published (S3: LastModified), for garbage
   * collection of objects without a database row. Publishing sets that time to now.
   */
  listBlobs(): AsyncIterable<{ digest: string; modifiedAt: Date }>;

  /** Writes one part of an upload from a stream; resolves with the number of bytes stored. */
  writePart(uploadId: string, offset: number, data: Readable): Promise<number>;
  /** Streams the concatenation of the given parts (hash verification after a resume). */
  readParts(uploadId: string, parts: readonly UploadPart[]): Readable;
  /** Publishes the concatenated parts as the blob `digest` and drops the upload's objects. */
  commitUpload(uploadId: string, parts: readonly UploadPart[], digest: string): Promise<void>;
  /** Drops an upload's objects (cancel, failed verification, abandoned-upload cleaner). */
  deleteUpload(uploadId: string): Promise<void>;
  /** Upload ids present in storage with their last write time (cleaner for orphans). */
  listUploads(): AsyncIterable<{ uploadId: string; modifiedAt: Date }>;
}

export const BLOB_STORE = Symbol('BLOB_STORE');
