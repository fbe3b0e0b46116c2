import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { FsBlobStore } from './fs-blob-store.js';
import { sha256, sha256OfStream } from './hashing.js';

let root: string;
let store: FsBlobStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'drydock-blobs-'));
  store = new FsBlobStore(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('FsBlobStore', () => {
  it('composes parts into a content-addressed blob and serves ranges', async () => {
    const data = 'hello, content-addressed world';
    const digest = sha256(data);
    expect(await store.writePart('u1', 0, Readable.from([Buffer.from(data.slice(0, 10))]))).toBe(10);
    expect(await store.writePart('u1', 10, Readable.from([Buffer.from(data.slice(10))]))).toBe(
      data.length - 10,
    );
    const parts = [
      { offset: 0, size: 10 },
      { offset: 10, size: data.length - 10 },
    ];
    expect(await sha256OfStream(store.readParts('u1', parts))).toEqual({ digest, size: data.length });
    await store.commitUpload('u1', parts, digest);
    expect(await store.stat(digest)).toEqual({ size: data.length });
    expect(await text(await store.read(digest))).toBe(data);
    expect(await text(await store.read(digest, { start: 7, end: 11 }))).toBe('conte');
    const uploads = [];
    for await (const u of store.listUploads()) uploads.push(u);
    expect(uploads).toEqual([]);
    const blobs = [];
    for await (const b of store.listBlobs()) blobs.push(b);
    expect(blobs.map((b) => b.digest)).toEqual([digest]);
    expect(Number.isFinite(blobs[0].modifiedAt.getTime())).toBe(true);
  });

  it('sends a blob or a range through reused buffers only after the destination has taken each chunk', async () => {
    // 6.5 MiB of varied bytes: more chunks than the sender has buffers, so every buffer is reused.
    const data = Buffer.alloc(6.5 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >>> 20) * 101 + (i >>> 9)) & 0xff;
    const digest = sha256(data);
    await store.writePart('u3', 0, Readable.from([data]));
    await store.commitUpload('u3', [{ offset: 0, size: data.length }], digest);
    // A slow destination that copies each chunk only when it calls back: a buffer reused before
    // its callback would show up here as wrong bytes.
    const sink = () => {
      const got: Buffer[] = [];
      const dest = new Writable({
        highWaterMark: 1,
        write(chunk: Buffer, _enc, cb) {
          setTimeout(() => {
            got.push(Buffer.from(chunk));
            cb();
          }, 2);
        },
      });
      return { dest, bytes: () => Buffer.concat(got) };
    };
    const whole = sink();
    await store.send(digest, whole.dest);
    expect(sha256(whole.bytes())).toBe(digest);
    expect(whole.dest.writableEnded).toBe(false);
    const part = sink();
    await store.send(digest, part.dest, { start: 1_000_000, end: 3_500_000 });
    expect(part.bytes().equals(data.subarray(1_000_000, 3_500_001))).toBe(true);

    // A missing blob rejects before anything is written.
    const none = sink();
    await expect(store.send(sha256('absent'), none.dest)).rejects.toThrow(/ENOENT/);
    expect(none.bytes().length).toBe(0);

    // A destination that goes away mid-blob (a client hanging up) ends the send instead of hanging.
    let writes = 0;
    const gone = new Writable({
      write(_chunk, _enc, cb) {
        if (++writes === 2) gone.destroy();
        else cb();
      },
    });
    await expect(store.send(digest, gone)).rejects.toThrow();
    expect(writes).toBeLessThan(7);
  });

  it('overwrites an interrupted part when the retry starts at the same offset', async () => {
    await store.writePart('u2', 0, Readable.from([Buffer.from('garbage-that-was-cut')]));
    await store.writePart('u2', 0, Readable.from([Buffer.from('ok')]));
    expect(await text(store.readParts('u2', [{ offset: 0, size: 2 }]))).toBe('ok');
  });

  it('publishes a single part without copying and keeps an existing blob', async () => {
    const digest = sha256('abc');
    await store.writePart('u3', 0, Readable.from([Buffer.from('abc')]));
    await store.commitUpload('u3', [{ offset: 0, size: 3 }], digest);
    await store.writePart('u4', 0, Readable.from([Buffer.from('abc')]));
    await store.commitUpload('u4', [{ offset: 0, size: 3 }], digest);
    expect(await text(await store.read(digest))).toBe('abc');
    await store.delete(digest);
    expect(await store.stat(digest)).toBeNull();
    await expect(store.read(digest)).rejects.toThrow();
  });

  it('lists and drops abandoned uploads', async () => {
    await store.writePart('u5', 0, Readable.from([Buffer.from('x')]));
    const ids = [];
    for await (const u of store.listUploads()) ids.push(u.uploadId);
    expect(ids).toEqual(['u5']);
    await store.deleteUpload('u5');
    for await (const _ of store.listUploads()) throw new Error('not deleted');
  });

  it('refuses path tricks in ids and digests', async () => {
    await expect(store.writePart('../x', 0, Readable.from([]))).rejects.toThrow();
    await expect(store.stat('sha256:../../etc/passwd')).rejects.toThrow();
  });
});
