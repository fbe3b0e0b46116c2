import { Worker } from 'node:worker_threads';

/**
 * Decompression and the DiffID hash on a worker thread. The worker inflates (gzip) or passes
 * through (plain tar) the compressed bytes the main thread posts to it, hashes the uncompressed
 * stream, and writes it into a SharedArrayBuffer ring; the main thread reads each chunk as a
 * zero-copy view of the ring and gives its space back one chunk late (the tar reader may still
 * hold a slice of the previous chunk: a file's first bytes are hashed when its second chunk
 * arrives). So the main thread does neither inflate bookkeeping nor the DiffID hash, and it
 * allocates no ArrayBuffer per decompressed chunk: a gigabyte of 1 MiB zlib output buffers would
 * otherwise start a full (mark-compact) collection every few dozen MiB, each marking every file
 * entry the layer has produced so far.
 *
 * The worker is plain JavaScript evaluated from a string, so it runs the same under the compiled
 * build and under the test runner, and needs only Node's own modules.
 */

/** Ring size: bounded memory per layer being analysed. */
const RING_BYTES = 6 * 1024 * 1024;
/** Output chunk size (zlib chunkSize, and the split size for plain tars). */
const CHUNK_BYTES = 1024 * 1024;
/** Input ring: compressed bytes handed to the worker and not yet consumed by it. */
const IN_RING_BYTES = 2 * 1024 * 1024;
const IN_PIECE_BYTES = 1024 * 1024;

const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const { createHash } = require('node:crypto');
const { Writable } = require('node:stream');
const { sab, inSab, ctrlSab, compression, chunkBytes } = workerData;
const input = new Uint8Array(inSab);
// ctrl[0]: bytes of the output ring in use (the main thread subtracts what it has read);
// ctrl[1]: 1 while this thread waits for space (the main thread then posts a wake-up).
const ctrl = new Int32Array(ctrlSab);
const ring = new Uint8Array(sab);
const RING = ring.length;
let writePos = 0;
let waiting = null;
let uncompressed = 0;
const hash = createHash('sha256');
const z = compression === 'gzip' ? zlib.createGunzip({ chunkSize: chunkBytes }) : null;
const consumed = () => (z ? z.bytesWritten : uncompressed);
function place(chunk, cb) {
  let pos = writePos;
  let waste = 0;
  if (pos + chunk.length > RING) {
    waste = RING - pos;
    pos = 0;
  }
  const need = waste + chunk.length;
  if (Atomics.load(ctrl, 0) + need > RING) {
    Atomics.store(ctrl, 1, 1);
    if (Atomics.load(ctrl, 0) + need > RING) {
      waiting = () => place(chunk, cb);
      return;
    }
    Atomics.store(ctrl, 1, 0);
  }
  ring.set(chunk, pos);
  Atomics.add(ctrl, 0, need);
  writePos = pos + chunk.length;
  parentPort.postMessage({ t: 'chunk', off: pos, len: chunk.length, waste, consumed: consumed() });
  cb();
}
function out(chunk, cb) {
  hash.update(chunk);
  uncompressed += chunk.length;
  if (chunk.length <= chunkBytes) {
    place(chunk, cb);
    return;
  }
  let i = 0;
  const next = () => {
    if (i >= chunk.length) return cb();
    const piece = chunk.subarray(i, i + chunkBytes);
    i += piece.length;
    place(piece, next);
  };
  next();
}
const fail = (e) => {
  parentPort.postMessage({ t: 'error', message: String((e && e.message) || e), code: e && e.code });
};
const sink = new Writable({
  highWaterMark: chunkBytes,
  write(chunk, _enc, cb) {
    out(chunk, cb);
  },
  final(cb) {
    parentPort.postMessage({ t: 'done', diffId: hash.digest('hex'), uncompressed, consumed: consumed() });
    cb();
  },
});
if (z) {
  z.on('error', fail);
  z.pipe(sink);
}
sink.on('error', fail);
const target = z || sink;
parentPort.on('message', (m) => {
  if (m.t === 'in') {
    // A view of the input ring: the main thread reuses the bytes once they are acknowledged.
    const b = Buffer.from(input.buffer, m.off, m.len);
    const n = m.len + m.waste;
    target.write(b, () => parentPort.postMessage({ t: 'ack', n }));
  } else if (m.t === 'end') {
    target.end();
  } else if (m.t === 'wake') {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w();
    }
  }
});
`;

type WorkerMessage =
  | { t: 'chunk'; off: number; len: number; waste: number; consumed: number }
  | { t: 'ack'; n: number }
  | { t: 'done'; diffId: string; uncompressed: number; consumed: number }
  | { t: 'error'; message: string; code?: string };

export class OffThreadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface OffThreadResult {
  /** Hex SHA-256 of the uncompressed stream. */
  diffId: string;
}

/**
 * Decompress `input` ('gzip' or 'none') on a worker thread; yields the uncompressed stream as
 * views of a shared ring that stay valid until the consumer has asked for the chunk after next.
 * `onConsumed` receives the compressed bytes the decompressor has consumed (for the bomb check).
 */
export async function* decompressOffThread(
  input: AsyncIterable<Buffer>,
  compression: 'gzip' | 'none',
  onConsumed: (compressedBytes: number) => void,
): AsyncGenerator<Buffer, OffThreadResult, undefined> {
  // Both directions go through shared rings, not transferred buffers: a transferred
  // ArrayBuffer stays accounted to (and kept alive by) the sending isolate until its next full
  // collection, which a thread that allocates little may not run for hundreds of MiB.
  const sab = new SharedArrayBuffer(RING_BYTES);
  const inSab = new SharedArrayBuffer(IN_RING_BYTES);
  const inRing = new Uint8Array(inSab);
  const ctrlSab = new SharedArrayBuffer(8);
  const ctrl = new Int32Array(ctrlSab);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { sab, inSab, ctrlSab, compression, chunkBytes: CHUNK_BYTES },
  });

  const inbox: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let fatal: Error | null = null;
  let inUsed = 0;
  let inPos = 0;
  let inputWake: (() => void) | null = null;
  let stopped = false;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const notifyInput = () => {
    const w = inputWake;
    inputWake = null;
    w?.();
  };
  worker.on('message', (m: WorkerMessage) => {
    if (m.t === 'ack') {
      inUsed -= m.n;
      notifyInput();
      return;
    }
    inbox.push(m);
    notify();
  });
  worker.on('error', (e: Error) => {
    fatal ??= e;
    notify();
    notifyInput();
  });
  worker.on('exit', (code) => {
    if (!stopped) fatal ??= new Error(`decompression worker exited with code ${code}`);
    notify();
    notifyInput();
  });

  // Copy the compressed bytes into the input ring, at most IN_RING_BYTES ahead of the worker.
  const feeding = (async () => {
    try {
      for await (const c of input) {
        for (let i = 0; i < c.length; i += IN_PIECE_BYTES) {
          const piece = c.subarray(i, i + IN_PIECE_BYTES);
          let pos = inPos;
          let waste = 0;
          if (pos + piece.length > IN_RING_BYTES) {
            waste = IN_RING_BYTES - pos;
            pos = 0;
          }
          while (inUsed + waste + piece.length > IN_RING_BYTES && !stopped && !fatal) {
            await new Promise<void>((r) => (inputWake = r));
          }
          if (stopped || fatal) return;
          inRing.set(piece, pos);
          inUsed += waste + piece.length;
          inPos = pos + piece.length;
          worker.postMessage({ t: 'in', off: pos, len: piece.length, waste });
        }
      }
      if (!stopped && !fatal) worker.postMessage({ t: 'end' });
    } catch (e) {
      fatal ??= e instanceof Error ? e : new Error(String(e));
      notify();
    }
  })();

  const held: number[] = [];
  try {
    for (;;) {
      while (inbox.length === 0 && !fatal) await new Promise<void>((r) => (wake = r));
      const m = inbox.shift();
      if (!m) throw fatal!;
      if (m.t === 'error') throw new OffThreadError(m.message, m.code);
      if (m.t === 'done') {
        onConsumed(m.consumed);
        return { diffId: m.diffId };
      }
      if (m.t !== 'chunk') continue;
      onConsumed(m.consumed);
      held.push(m.len + m.waste);
      yield Buffer.from(sab, m.off, m.len);
      // The consumer is done with this chunk's predecessor.
      // Space goes back through a shared counter; a message only when the worker is waiting.
      while (held.length > 1) Atomics.sub(ctrl, 0, held.shift()!);
      if (Atomics.exchange(ctrl, 1, 0) === 1) worker.postMessage({ t: 'wake' });
    }
  } finally {
    stopped = true;
    notifyInput();
    await worker.terminate();
    // The feeder ends at its next chunk (the caller destroys the source); it never rejects.
    void feeding;
  }
}
