/**
 * A local stand-in for the NVD CVE API 2.0 (https://nvd.nist.gov/developers/vulnerabilities) and
 * for OSV file downloads, for tests of the sync client and for e2e suites that need a feed.
 *
 * Wire format and semantics follow the real service:
 * - `GET /rest/json/cves/2.0` answers the API envelope `{resultsPerPage, startIndex, totalResults,
 *   format: "NVD_CVE", version: "2.0", timestamp, vulnerabilities: [{cve}]}`; `timestamp` has no zone.
 * - `resultsPerPage` is at most 2,000 (default 2,000); `startIndex` is the 0-based offset; records are
 *   ordered by `published` so paging is stable.
 * - `lastModStartDate` and `lastModEndDate` must be given together, as extended ISO-8601 with a UTC
 *   offset (a raw `+` in a query string is a space, so clients must send `%2B`), at most 120
 *   consecutive days apart. Invalid parameters get what NVD sends: 404, an empty body and the reason in
 *   a `message` header.
 * - The `apiKey` request header raises the rate limit; an unknown key is a 404 "Invalid apiKey".
 * - Rate limiting over a rolling window (NVD: 5 requests per 30 s without a key, 50 with one):
 *   requests beyond it are refused with 403 and an empty body, as NVD's firewall does.
 * - `GET /osv/<path>` serves OSV files (a record or an ecosystem's `all.zip`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

/** A raw NVD `cve` object (as in `vulnerabilities[].cve`). */
export type NvdCveJson = Record<string, unknown> & { id: string; published: string; lastModified: string };

export interface RateLimit {
  /** Rolling window length (NVD: 30,000 ms). */
  windowMs: number;
  /** Requests per window without an API key (NVD: 5). */
  anonymous: number;
  /** Requests per window with a valid API key (NVD: 50). */
  withKey: number;
}

export const NVD_RATE_LIMIT: RateLimit = { windowMs: 30_000, anonymous: 5, withKey: 50 };

export interface NvdServerOptions {
  records?: NvdCveJson[];
  /** null disables rate limiting. Default: NVD's published limits. */
  rateLimit?: RateLimit | null;
  /** Valid API keys; any other `apiKey` header value is refused. Default: any key is valid. */
  apiKeys?: string[];
  /** The envelope's `timestamp`. Default: the current time. */
  now?: () => Date;
  /** OSV files by path under `/osv/` (e.g. `npm/all.zip`). */
  osvFiles?: Record<string, Buffer | string>;
  /** Maximum date range in days (NVD: 120). */
  maxRangeDays?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The raw query string, to check encodings such as `%2B`. */
  rawQuery: string;
  apiKey: string | null;
  status: number;
  at: number;
}

export interface NvdServer {
  url: string;
  /** The CVE API base URL, `${url}/rest/json/cves/2.0`. */
  apiUrl: string;
  /** The OSV file base URL, `${url}/osv`. */
  osvUrl: string;
  requests: RecordedRequest[];
  /** Replaces or adds records (same id = new revision). */
  upsert(records: NvdCveJson[]): void;
  setRecords(records: NvdCveJson[]): void;
  setOsvFile(path: string, content: Buffer | string): void;
  /** The next `count` CVE API requests answer `status` (e.g. 503) before the normal handling. */
  failNext(status: number, count?: number): void;
  close(): Promise<void>;
}

const MAX_RESULTS_PER_PAGE = 2000;
const DAY_MS = 86_400_000;
// Extended ISO-8601 with a mandatory offset, as the API requires it since 2025-07.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** NVD's zone-less UTC timestamp with milliseconds, e.g. `2026-09-01T00:00:00.000`. */
export function nvdTimestamp(d: Date): string {
  return d.toISOString().replace(/Z$/, '');
}

function nvdTimeMs(t: string): number {
  return Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(t) ? t : `${t}Z`);
}

export async function startNvdServer(options: NvdServerOptions = {}): Promise<NvdServer> {
  const records = new Map<string, NvdCveJson>();
  for (const r of options.records ?? []) records.set(r.id, r);
  const osvFiles = new Map(Object.entries(options.osvFiles ?? {}));
  const rateLimit = options.rateLimit === undefined ? NVD_RATE_LIMIT : options.rateLimit;
  const maxRangeDays = options.maxRangeDays ?? 120;
  const now = options.now ?? (() => new Date());
  const requests: RecordedRequest[] = [];
  const hits = new Map<string, number[]>();
  let failures: { status: number; count: number } | null = null;

  const sorted = (): NvdCveJson[] =>
    [...records.values()].sort(
      (a, b) => nvdTimeMs(a.published) - nvdTimeMs(b.published) || a.id.localeCompare(b.id),
    );

  function refuse(res: ServerResponse, status: number, message?: string): number {
    const headers: Record<string, string> = { 'content-length': '0' };
    if (message) headers.message = message;
    res.writeHead(status, headers);
    res.end();
    return status;
  }

  /** Rolling window per client identity (the key, else anonymous). */
  function allowed(apiKey: string | null): boolean {
    if (!rateLimit) return true;
    const id = apiKey ? `key:${apiKey}` : 'anonymous';
    const limit = apiKey ? rateLimit.withKey : rateLimit.anonymous;
    const t = Date.now();
    const list = (hits.get(id) ?? []).filter((x) => t - x < rateLimit.windowMs);
    if (list.length >= limit) {
      hits.set(id, list);
      return false;
    }
    list.push(t);
    hits.set(id, list);
    return true;
  }

  function handleCves(query: URLSearchParams, apiKey: string | null, res: ServerResponse): number {
    if (apiKey !== null && options.apiKeys && !options.apiKeys.includes(apiKey))
      return refuse(res, 404, 'Invalid apiKey');
    if (!allowed(apiKey)) return refuse(res, 403);
    if (failures && failures.count > 0) {
      failures.count--;
      return refuse(res, failures.status);
    }
    const rpp = query.get('resultsPerPage');
    const si = query.get('startIndex');
    const resultsPerPage = rpp === null ? MAX_RESULTS_PER_PAGE : Number(rpp);
    const startIndex = si === null ? 0 : Number(si);
    if (!Number.isInteger(resultsPerPage) || resultsPerPage < 1 || resultsPerPage > MAX_RESULTS_PER_PAGE) {
      return refuse(res, 404, `resultsPerPage must be an integer between 1 and ${MAX_RESULTS_PER_PAGE}`);
    }
    if (!Number.isInteger(startIndex) || startIndex < 0)
      return refuse(res, 404, 'startIndex must be a non-negative integer');
    const start = query.get('lastModStartDate');
    const end = query.get('lastModEndDate');
    let list = sorted();
    if (start !== null || end !== null) {
      if (start === null || end === null) {
        return refuse(
          res,
          404,
          'Both lastModStartDate and lastModEndDate are required when either is present',
        );
      }
      if (!ISO_WITH_OFFSET.test(start) || !ISO_WITH_OFFSET.test(end)) {
        return refuse(res, 404, 'Invalid ISO 8601 date/time format, see documentation.');
      }
      const s = Date.parse(start);
      const e = Date.parse(end);
      if (Number.isNaN(s) || Number.isNaN(e))
        return refuse(res, 404, 'Invalid ISO 8601 date/time format, see documentation.');
      if (e < s) return refuse(res, 404, 'lastModEndDate must not be before lastModStartDate');
      if (e - s > maxRangeDays * DAY_MS)
        return refuse(res, 404, `The date range cannot exceed ${maxRangeDays} days`);
      list = list.filter((r) => {
        const m = nvdTimeMs(r.lastModified);
        return m >= s && m <= e;
      });
    }
    const cveId = query.get('cveId');
    if (cveId !== null) list = list.filter((r) => r.id === cveId);
    const page = list.slice(startIndex, startIndex + resultsPerPage);
    const body = JSON.stringify({
      resultsPerPage: page.length,
      startIndex,
      totalResults: list.length,
      format: 'NVD_CVE',
      version: '2.0',
      timestamp: nvdTimestamp(now()),
      vulnerabilities: page.map((cve) => ({ cve })),
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return 200;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const header = req.headers.apikey;
    const apiKey = typeof header === 'string' && header !== '' ? header : null;
    let status: number;
    if (req.method !== 'GET' && req.method !== 'HEAD') status = refuse(res, 405);
    else if (url.pathname === '/rest/json/cves/2.0' || url.pathname === '/rest/json/cves/2.0/') {
      status = handleCves(url.searchParams, apiKey, res);
    } else if (url.pathname.startsWith('/osv/')) {
      const file = osvFiles.get(decodeURIComponent(url.pathname.slice('/osv/'.length)));
      if (file === undefined) status = refuse(res, 404);
      else {
        const body = typeof file === 'string' ? Buffer.from(file) : file;
        const type = url.pathname.endsWith('.zip') ? 'application/zip' : 'application/json';
        res.writeHead(200, { 'content-type': type, 'content-length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
        status = 200;
      }
    } else status = refuse(res, 404);
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      rawQuery: url.search.replace(/^\?/, ''),
      apiKey,
      status,
      at: Date.now(),
    });
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/rest/json/cves/2.0`,
    osvUrl: `${url}/osv`,
    requests,
    upsert(list) {
      for (const r of list) records.set(r.id, r);
    },
    setRecords(list) {
      records.clear();
      for (const r of list) records.set(r.id, r);
    },
    setOsvFile(path, content) {
      osvFiles.set(path, content);
    },
    failNext(status, count = 1) {
      failures = { status, count };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A zip archive with stored (uncompressed) entries, the shape of osv.dev's `<ecosystem>/all.zip`. */
export function storedZip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    const fname = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fname.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fname, data);
    centrals.push(central, fname);
    offset += 30 + fname.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
