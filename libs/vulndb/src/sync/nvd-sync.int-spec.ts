import { describe, it, expect, afterEach } from '@jest/globals';
import {
  startNvdServer,
  storedZip,
  type NvdCveJson,
  type NvdServer,
} from '../../../../e2e/support/nvd-server.js';
import {
  NvdApiError,
  NvdClient,
  syncNvd,
  nvdDateParam,
  type NvdSyncCursor,
  type NvdSyncTarget,
} from './nvd-client.js';
import { MemoryNvdSyncTarget } from './memory-target.js';
import { fetchOsvSource } from './osv-fetch.js';
import { MemoryVulnIndex } from '../store/memory.js';
import { rawNvdCve, rawOsv } from '../testing/records.js';
import type { NvdCve, OsvRecord } from '../model/types.js';

/** The sync client against the stand-in NVD server over real HTTP (small rate-limit windows). */
const DAY = 86_400_000;
const T0 = Date.parse('2026-09-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '');

function records(n: number, from = 0, modified = T0 - DAY): NvdCveJson[] {
  return Array.from(
    { length: n },
    (_, i) =>
      rawNvdCve(`CVE-2025-${String(10000 + from + i)}`, {
        published: iso(T0 - (n - i) * DAY * 3),
        lastModified: iso(modified),
      }) as NvdCveJson,
  );
}

const noWait = { backoffMs: 5, maxBackoffMs: 20 };
let server: NvdServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('stand-in NVD server semantics', () => {
  it('answers the API envelope and documented errors', async () => {
    server = await startNvdServer({ records: records(3), rateLimit: null, now: () => new Date(T0) });
    const ok = (await (await fetch(`${server.apiUrl}?resultsPerPage=2&startIndex=0`)).json()) as Record<
      string,
      unknown
    >;
    expect(ok).toMatchObject({
      resultsPerPage: 2,
      startIndex: 0,
      totalResults: 3,
      format: 'NVD_CVE',
      version: '2.0',
      timestamp: '2026-09-01T00:00:00.000',
    });
    const bad = async (q: string) => {
      const r = await fetch(`${server!.apiUrl}?${q}`);
      return [r.status, r.headers.get('message')];
    };
    expect(await bad('resultsPerPage=2001')).toEqual([
      404,
      'resultsPerPage must be an integer between 1 and 2000',
    ]);
    expect(await bad(`lastModStartDate=${encodeURIComponent(nvdDateParam(T0))}`)).toEqual([
      404,
      'Both lastModStartDate and lastModEndDate are required when either is present',
    ]);
    expect(
      await bad(
        `lastModStartDate=${encodeURIComponent(nvdDateParam(T0))}&lastModEndDate=${encodeURIComponent(nvdDateParam(T0 + 121 * DAY))}`,
      ),
    ).toEqual([404, 'The date range cannot exceed 120 days']);
    // An unencoded '+' arrives as a space.
    expect(
      await bad(
        `lastModStartDate=2026-09-01T00:00:00.000+00:00&lastModEndDate=2026-09-02T00:00:00.000+00:00`,
      ),
    ).toEqual([404, 'Invalid ISO 8601 date/time format, see documentation.']);
  });

  it('refuses requests beyond the rolling window with 403', async () => {
    server = await startNvdServer({
      records: records(1),
      rateLimit: { windowMs: 60_000, anonymous: 2, withKey: 4 },
      apiKeys: ['k1'],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(server.apiUrl)).status);
    for (let i = 0; i < 5; i++)
      statuses.push((await fetch(server.apiUrl, { headers: { apiKey: 'k1' } })).status);
    const wrong = await fetch(server.apiUrl, { headers: { apiKey: 'nope' } });
    expect(statuses).toEqual([200, 200, 403, 200, 200, 200, 200, 403]);
    expect([wrong.status, wrong.headers.get('message')]).toEqual([404, 'Invalid apiKey']);
  });
});

describe('NVD sync', () => {
  it('full initial sync pages by startIndex, then an incremental window with both lastMod params', async () => {
    server = await startNvdServer({ records: records(45), rateLimit: null, now: () => new Date(T0) });
    const index = new MemoryVulnIndex();
    const target = new MemoryNvdSyncTarget(index);
    const client = new NvdClient({
      baseUrl: server.apiUrl,
      resultsPerPage: 10,
      rateLimit: { windowMs: 1, maxRequests: 100 },
      ...noWait,
    });
    const first = await syncNvd(client, target, () => new Date(T0));
    expect(first).toMatchObject({ pages: 5, records: 45 });
    expect(server.requests.map((r) => r.query.startIndex)).toEqual(['0', '10', '20', '30', '40']);
    expect(index.size).toBe(45);
    expect(target.cursor).toMatchObject({ phase: 'incremental', syncedUntil: T0, window: null });

    // Ten days later: two changed records and one new one.
    const changed = records(2, 0, T0 + 2 * DAY).map((r) => ({ ...r, vulnStatus: 'Modified' }));
    server.upsert([...changed, ...records(1, 100, T0 + 3 * DAY)]);
    server.requests.length = 0;
    const second = await syncNvd(client, target, () => new Date(T0 + 10 * DAY));
    expect(second).toMatchObject({ pages: 1, records: 3 });
    const q = server.requests[0];
    expect(q.query).toMatchObject({
      lastModStartDate: '2026-09-01T00:00:00.000+00:00',
      lastModEndDate: '2026-09-11T00:00:00.000+00:00',
    });
    expect(q.rawQuery).toContain('lastModStartDate=2026-09-01T00%3A00%3A00.000%2B00%3A00');
    expect(index.size).toBe(46);
    expect((index.get('nvd', 'CVE-2025-10000') as { nvd: NvdCve }).nvd.vulnStatus).toBe('Modified');
    expect(target.cursor).toMatchObject({ syncedUntil: T0 + 10 * DAY });
  });

  it('catches up a long gap in windows of at most 120 days', async () => {
    server = await startNvdServer({ records: records(2), rateLimit: null });
    const target = new MemoryNvdSyncTarget(new MemoryVulnIndex());
    target.cursor = {
      phase: 'incremental',
      startIndex: 0,
      window: null,
      initialTimestamp: T0,
      syncedUntil: T0,
    };
    const client = new NvdClient({
      baseUrl: server.apiUrl,
      rateLimit: { windowMs: 1, maxRequests: 100 },
      ...noWait,
    });
    await syncNvd(client, target, () => new Date(T0 + 300 * DAY));
    const windows = server.requests.map((r) => [
      Date.parse(r.query.lastModStartDate),
      Date.parse(r.query.lastModEndDate),
    ]);
    expect(server.requests.every((r) => r.status === 200)).toBe(true);
    expect(windows).toEqual([
      [T0, T0 + 120 * DAY],
      [T0 + 120 * DAY, T0 + 240 * DAY],
      [T0 + 240 * DAY, T0 + 300 * DAY],
    ]);
  });

  it('stays within the rate limit, and recovers from 403 and 5xx with backoff', async () => {
    server = await startNvdServer({
      records: records(12),
      rateLimit: { windowMs: 400, anonymous: 2, withKey: 6 },
      apiKeys: ['secret', 'other'],
    });
    const target = new MemoryNvdSyncTarget(new MemoryVulnIndex());
    const polite = new NvdClient({
      baseUrl: server.apiUrl,
      resultsPerPage: 2,
      rateLimit: { windowMs: 400, maxRequests: 2 },
      ...noWait,
    });
    await syncNvd(polite, target, () => new Date(T0));
    expect(server.requests.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(target.index.size).toBe(12);

    // A client that ignores the limit gets 403s, backs off and still finishes.
    server.requests.length = 0;
    const greedy = new NvdClient({
      baseUrl: server.apiUrl,
      apiKey: 'secret',
      resultsPerPage: 1,
      rateLimit: { windowMs: 1, maxRequests: 1000 },
      backoffMs: 100,
      maxBackoffMs: 400,
      maxRetries: 10,
    });
    const fresh = new MemoryNvdSyncTarget(new MemoryVulnIndex());
    await syncNvd(greedy, fresh, () => new Date(T0));
    expect(server.requests.some((r) => r.status === 403)).toBe(true);
    expect(server.requests.every((r) => r.apiKey === 'secret')).toBe(true);
    expect(fresh.index.size).toBe(12);

    server.requests.length = 0;
    server.failNext(503, 2);
    const again = new MemoryNvdSyncTarget(new MemoryVulnIndex());
    // (another key: the greedy client has used up this window for its own)
    await syncNvd(
      new NvdClient({
        baseUrl: server.apiUrl,
        apiKey: 'other',
        resultsPerPage: 6,
        rateLimit: { windowMs: 400, maxRequests: 6 },
        ...noWait,
      }),
      again,
      () => new Date(T0),
    );
    expect(server.requests.map((r) => r.status)).toEqual([503, 503, 200, 200]);
    expect(again.index.size).toBe(12);
  }, 20_000);

  it('does not retry a refused parameter or key', async () => {
    server = await startNvdServer({ records: records(1), rateLimit: null, apiKeys: ['good'] });
    const client = new NvdClient({ baseUrl: server.apiUrl, apiKey: 'bad', ...noWait });
    await expect(client.fetchPage({ startIndex: 0 })).rejects.toEqual(
      new NvdApiError('NVD API: Invalid apiKey', 404, false),
    );
    expect(server.requests).toHaveLength(1);
  });

  it('an interrupted sync resumes where it stopped, without losing or duplicating records', async () => {
    server = await startNvdServer({ records: records(30), rateLimit: null, now: () => new Date(T0) });
    const client = new NvdClient({
      baseUrl: server.apiUrl,
      resultsPerPage: 7,
      rateLimit: { windowMs: 1, maxRequests: 100 },
      ...noWait,
    });
    const saved = new Map<string, number>();
    let cursor: NvdSyncCursor | null = null;
    let crashAfter = 2;
    // A target that "crashes" (throws before committing) on its third page.
    const target: NvdSyncTarget = {
      loadCursor: async () => cursor,
      savePage: async (recs, next) => {
        if (crashAfter-- === 0) throw new Error('worker killed');
        for (const r of recs) saved.set(r.id, (saved.get(r.id) ?? 0) + 1);
        cursor = next;
      },
    };
    await expect(syncNvd(client, target, () => new Date(T0))).rejects.toThrow('worker killed');
    expect(cursor).toMatchObject({ phase: 'initial', startIndex: 14 });
    // Budgeted run: stops after one page, resumable.
    crashAfter = -1;
    await syncNvd(client, target, () => new Date(T0), { maxPages: 1 });
    expect(cursor).toMatchObject({ phase: 'initial', startIndex: 21 });
    await syncNvd(client, target, () => new Date(T0));
    expect(cursor).toMatchObject({ phase: 'incremental', syncedUntil: T0 });
    expect(server.requests.map((r) => r.query.startIndex)).toEqual(['0', '7', '14', '14', '21', '28']);
    expect(saved.size).toBe(30);
    expect([...saved.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('OSV downloads', () => {
  it('reads an all.zip export and a single record from the stand-in server', async () => {
    server = await startNvdServer({
      rateLimit: null,
      osvFiles: {
        'npm/all.zip': storedZip({
          'GHSA-1.json': JSON.stringify(rawOsv('GHSA-1', [{ ecosystem: 'npm', name: 'a' }])),
          'GHSA-2.json': JSON.stringify(rawOsv('GHSA-2', [{ ecosystem: 'npm', name: 'b' }])),
        }),
        'PyPI/PYSEC-1.json': JSON.stringify(rawOsv('PYSEC-1', [{ ecosystem: 'PyPI', name: 'c' }])),
      },
    });
    const ids: string[] = [];
    const sink = { nvd: () => undefined, osv: (r: OsvRecord) => void ids.push(r.id) };
    await fetchOsvSource(`${server.osvUrl}/npm/all.zip`, sink);
    await fetchOsvSource(`${server.osvUrl}/PyPI/PYSEC-1.json`, sink);
    expect(ids).toEqual(['GHSA-1', 'GHSA-2', 'PYSEC-1']);
    await expect(fetchOsvSource(`${server.osvUrl}/missing.zip`, sink)).rejects.toThrow('HTTP 404');
  });
});
