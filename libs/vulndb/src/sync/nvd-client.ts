import { parseNvdPage, type NvdPage } from '../sources/nvd.js';
import type { NvdCve } from '../model/types.js';
import { RollingWindowLimiter, sleep, type Sleep } from './rate-limiter.js';

/**
 * NVD CVE API 2.0 client and sync (https://nvd.nist.gov/developers/vulnerabilities and the
 * "API workflows" page): a full initial sync paged by `startIndex`, then incremental syncs by
 * `lastModStartDate`/`lastModEndDate` in windows of at most 120 days, starting from the
 * `timestamp` of the first page of the previous sync. Each page is saved together with the next
 * cursor, so a sync interrupted anywhere resumes at the page it stopped at; records are upserted
 * by id and revision, so a page fetched twice never duplicates anything.
 */
export const NVD_DEFAULT_URL = 'https://services.nvd.nist.gov/rest/json/cves/2.0';
export const NVD_MAX_RESULTS_PER_PAGE = 2000;
export const NVD_MAX_RANGE_DAYS = 120;
const DAY_MS = 86_400_000;

export interface NvdClientOptions {
  baseUrl?: string;
  apiKey?: string | null;
  /** At most 2,000 (the API's maximum). */
  resultsPerPage?: number;
  /** Default: NVD's published limits, 5 (no key) or 50 (key) per rolling 30 s. */
  rateLimit?: { windowMs: number; maxRequests: number };
  /** Attempts after the first on 403/429/5xx/network errors. */
  maxRetries?: number;
  /** First backoff delay; doubles per attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
  sleep?: Sleep;
  fetch?: typeof fetch;
  userAgent?: string;
}

export class NvdApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'NvdApiError';
  }
}

export interface NvdPageQuery {
  startIndex: number;
  lastModStartDate?: string;
  lastModEndDate?: string;
}

/** ISO-8601 with an explicit UTC offset; NVD rejects zone-less dates in date-range parameters. */
export function nvdDateParam(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

/** NVD `timestamp`/`lastModified` values have no zone: they are UTC. */
export function parseNvdTime(t: string): number {
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
  if (Number.isNaN(ms)) throw new Error(`Invalid NVD timestamp: ${t}`);
  return ms;
}

export class NvdClient {
  readonly baseUrl: string;
  readonly resultsPerPage: number;
  private readonly limiter: RollingWindowLimiter;
  private readonly opts: Required<
    Pick<NvdClientOptions, 'maxRetries' | 'backoffMs' | 'maxBackoffMs' | 'timeoutMs'>
  >;
  private readonly sleep: Sleep;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: NvdClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? NVD_DEFAULT_URL).replace(/\/+$/, '');
    this.resultsPerPage = Math.min(
      Math.max(1, options.resultsPerPage ?? NVD_MAX_RESULTS_PER_PAGE),
      NVD_MAX_RESULTS_PER_PAGE,
    );
    this.sleep = options.sleep ?? sleep;
    this.fetchImpl = options.fetch ?? fetch;
    const rate = options.rateLimit ?? { windowMs: 30_000, maxRequests: options.apiKey ? 50 : 5 };
    this.limiter = new RollingWindowLimiter(rate, Date.now, this.sleep);
    this.opts = {
      maxRetries: options.maxRetries ?? 6,
      backoffMs: options.backoffMs ?? 2_000,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
      timeoutMs: options.timeoutMs ?? 120_000,
    };
  }

  /** Builds the query by hand: `encodeURIComponent` sends `+` as `%2B` (a raw `+` would be a space). */
  pageUrl(q: NvdPageQuery): string {
    const parts = [`resultsPerPage=${this.resultsPerPage}`, `startIndex=${q.startIndex}`];
    if (q.lastModStartDate !== undefined && q.lastModEndDate !== undefined) {
      parts.push(
        `lastModStartDate=${encodeURIComponent(q.lastModStartDate)}`,
        `lastModEndDate=${encodeURIComponent(q.lastModEndDate)}`,
      );
    }
    return `${this.baseUrl}?${parts.join('&')}`;
  }

  async fetchPage(q: NvdPageQuery, signal?: AbortSignal): Promise<NvdPage> {
    const url = this.pageUrl(q);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent ?? 'drydock-vulndb',
    };
    if (this.options.apiKey) headers.apiKey = this.options.apiKey;
    let attempt = 0;
    for (;;) {
      const done = await this.limiter.acquire(signal);
      let retryAfterMs: number | null = null;
      let error: NvdApiError;
      try {
        const timeout = AbortSignal.timeout(this.opts.timeoutMs);
        const res = await this.fetchImpl(url, {
          headers,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        done();
        if (res.ok) return parseNvdPage(await res.json());
        await res.body?.cancel();
        const message = res.headers.get('message') ?? `HTTP ${res.status}`;
        const retryable = res.status === 403 || res.status === 429 || res.status >= 500;
        error = new NvdApiError(`NVD API: ${message}`, res.status, retryable);
        if (res.status === 403) this.limiter.penalise();
        const ra = res.headers.get('retry-after');
        if (ra && /^\d+$/.test(ra)) retryAfterMs = Number(ra) * 1000;
      } catch (e) {
        done();
        if (signal?.aborted) throw e;
        if (e instanceof NvdApiError) throw e;
        error = new NvdApiError(`NVD API: ${(e as Error).message}`, 0, true);
      }
      if (!error.retryable || attempt >= this.opts.maxRetries) throw error;
      const backoff = Math.min(this.opts.backoffMs * 2 ** attempt, this.opts.maxBackoffMs);
      await this.sleep(Math.max(backoff, retryAfterMs ?? 0), signal);
      attempt++;
    }
  }
}

/** The persisted cursor of the NVD sync. */
export interface NvdSyncCursor {
  /** Full initial sync still running, or incremental updates. */
  phase: 'initial' | 'incremental';
  /** Next `startIndex` within the current run or window. */
  startIndex: number;
  /** The window being fetched (incremental), as epoch ms. */
  window: { start: number; end: number } | null;
  /** Server timestamp of the first page of the initial sync (where incremental syncs start from). */
  initialTimestamp: number | null;
  /** Everything modified up to this time (epoch ms) is stored. */
  syncedUntil: number | null;
}

export const INITIAL_CURSOR: NvdSyncCursor = {
  phase: 'initial',
  startIndex: 0,
  window: null,
  initialTimestamp: null,
  syncedUntil: null,
};

/** Where the sync keeps records and its cursor; `savePage` must store both atomically. */
export interface NvdSyncTarget {
  loadCursor(): Promise<NvdSyncCursor | null>;
  savePage(records: NvdCve[], next: NvdSyncCursor): Promise<void>;
}

export interface NvdSyncProgress {
  phase: NvdSyncCursor['phase'];
  fetched: number;
  totalResults: number;
  window: { start: string; end: string } | null;
}

export interface NvdSyncResult {
  pages: number;
  records: number;
  cursor: NvdSyncCursor;
}

export interface NvdSyncOptions {
  signal?: AbortSignal;
  onProgress?: (p: NvdSyncProgress) => void;
  /** Stop after this many pages (tests, budgets); the cursor stays resumable. */
  maxPages?: number;
}

/** Runs (or resumes) a sync: finishes the initial sync, then catches up window by window to now. */
export async function syncNvd(
  client: NvdClient,
  target: NvdSyncTarget,
  now: () => Date = () => new Date(),
  options: NvdSyncOptions = {},
  windowDays = NVD_MAX_RANGE_DAYS,
): Promise<NvdSyncResult> {
  let cursor: NvdSyncCursor = { ...((await target.loadCursor()) ?? INITIAL_CURSOR) };
  const result = { pages: 0, records: 0 };
  const span = Math.min(windowDays, NVD_MAX_RANGE_DAYS) * DAY_MS;
  const until = now().getTime();
  const budgetLeft = (): boolean => options.maxPages === undefined || result.pages < options.maxPages;

  while (cursor.phase === 'initial' && budgetLeft()) {
    const page = await client.fetchPage({ startIndex: cursor.startIndex }, options.signal);
    const initialTimestamp =
      cursor.startIndex === 0 || cursor.initialTimestamp === null
        ? timestampOf(page, until)
        : cursor.initialTimestamp;
    const next = cursor.startIndex + page.vulnerabilities.length;
    const done = page.vulnerabilities.length === 0 || next >= page.totalResults;
    cursor = done
      ? { phase: 'incremental', startIndex: 0, window: null, initialTimestamp, syncedUntil: initialTimestamp }
      : { ...cursor, startIndex: next, initialTimestamp };
    await target.savePage(page.vulnerabilities, cursor);
    result.pages++;
    result.records += page.vulnerabilities.length;
    options.onProgress?.({ phase: 'initial', fetched: next, totalResults: page.totalResults, window: null });
  }

  while (cursor.phase === 'incremental' && budgetLeft()) {
    if (!cursor.window) {
      const from = cursor.syncedUntil ?? until;
      if (from >= until) break;
      cursor = { ...cursor, startIndex: 0, window: { start: from, end: Math.min(from + span, until) } };
    }
    const w = cursor.window!;
    const page = await client.fetchPage(
      {
        startIndex: cursor.startIndex,
        lastModStartDate: nvdDateParam(w.start),
        lastModEndDate: nvdDateParam(w.end),
      },
      options.signal,
    );
    const next = cursor.startIndex + page.vulnerabilities.length;
    const done = page.vulnerabilities.length === 0 || next >= page.totalResults;
    cursor = done
      ? { ...cursor, startIndex: 0, window: null, syncedUntil: w.end }
      : { ...cursor, startIndex: next };
    await target.savePage(page.vulnerabilities, cursor);
    result.pages++;
    result.records += page.vulnerabilities.length;
    options.onProgress?.({
      phase: 'incremental',
      fetched: next,
      totalResults: page.totalResults,
      window: { start: nvdDateParam(w.start), end: nvdDateParam(w.end) },
    });
    if (done && w.end >= until) break;
  }
  return { ...result, cursor };
}

function timestampOf(page: NvdPage, fallback: number): number {
  try {
    return page.timestamp ? parseNvdTime(page.timestamp) : fallback;
  } catch {
    return fallback;
  }
}
