/**
 * Client-side rolling-window limiter: at most `maxRequests` starts in any `windowMs` interval,
 * which is how NVD counts (5 per rolling 30 s without a key, 50 with one).
 */
export interface RateLimitOptions {
  windowMs: number;
  maxRequests: number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class RollingWindowLimiter {
  private readonly starts: number[] = [];

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
    private readonly wait: Sleep = sleep,
  ) {}

  /**
   * Resolves when one more request may start, and counts it. Call the returned function when the
   * response has arrived: the request is then counted from that moment, which is never earlier
   * than the server saw it, so network delays cannot make us exceed the server's window.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      const t = this.now();
      this.starts.sort((a, b) => a - b);
      while (this.starts.length > 0 && t - this.starts[0] >= this.options.windowMs) this.starts.shift();
      if (this.starts.length < this.options.maxRequests) {
        const slot = { t };
        this.starts.push(t);
        return () => {
          const i = this.starts.indexOf(slot.t);
          if (i >= 0) this.starts[i] = Math.max(slot.t, this.now());
        };
      }
      await this.wait(this.starts[0] + this.options.windowMs - t + 1, signal);
    }
  }

  /** After a 403 the server's window is full whatever we counted: start a fresh window. */
  penalise(): void {
    const t = this.now();
    this.starts.length = 0;
    for (let i = 0; i < this.options.maxRequests; i++) this.starts.push(t);
  }
}
