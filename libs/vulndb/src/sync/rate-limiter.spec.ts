import { describe, it, expect } from '@jest/globals';
import { RollingWindowLimiter } from './rate-limiter.js';
import { NvdClient, nvdDateParam, parseNvdTime } from './nvd-client.js';

describe('RollingWindowLimiter (fake clock)', () => {
  it('lets maxRequests start per rolling window and waits for the oldest to leave it', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new RollingWindowLimiter(
      { windowMs: 30_000, maxRequests: 5 },
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    const starts: number[] = [];
    for (let i = 0; i < 11; i++) {
      const done = await limiter.acquire();
      starts.push(now);
      now += 100; // response time
      done();
    }
    expect(starts.slice(0, 5)).toEqual([0, 100, 200, 300, 400]);
    // The sixth may start once the first response (at 100) is 30 s old.
    expect(starts[5]).toBe(30_101);
    for (let i = 5; i < starts.length; i++) {
      const inWindow = starts.filter((s) => s > starts[i] - 30_000 && s <= starts[i]);
      expect(inWindow.length).toBeLessThanOrEqual(5);
    }
    expect(waits.length).toBeGreaterThan(0);
  });
});

describe('NVD request building', () => {
  it('encodes the offset plus sign as %2B and sends both lastMod parameters', () => {
    const client = new NvdClient({
      baseUrl: 'https://nvd.example/rest/json/cves/2.0/',
      resultsPerPage: 5000,
    });
    const start = Date.parse('2026-09-01T00:00:00.000Z');
    expect(nvdDateParam(start)).toBe('2026-09-01T00:00:00.000+00:00');
    expect(
      client.pageUrl({
        startIndex: 2000,
        lastModStartDate: nvdDateParam(start),
        lastModEndDate: nvdDateParam(start + 1000),
      }),
    ).toBe(
      'https://nvd.example/rest/json/cves/2.0?resultsPerPage=2000&startIndex=2000&lastModStartDate=2026-09-01T00%3A00%3A00.000%2B00%3A00&lastModEndDate=2026-09-01T00%3A00%3A01.000%2B00%3A00',
    );
    expect(parseNvdTime('2026-09-01T00:00:00.000')).toBe(start);
  });
});
