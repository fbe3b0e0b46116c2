import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { ApiClient, signup } from '../../../test/support/http.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';
import { startNvdServer, type NvdServer } from '../../../e2e/support/nvd-server.js';

const ADMIN = { email: 'vdb-admin@example.test', password: 'platform-admin-pass-1' };

function nvdPage(ids: string[]) {
  return {
    resultsPerPage: ids.length,
    startIndex: 0,
    totalResults: ids.length,
    format: 'NVD_CVE',
    version: '2.0',
    timestamp: '2026-09-01T00:00:00.000',
    vulnerabilities: ids.map((id) => ({
      cve: {
        id,
        sourceIdentifier: 'test@example.test',
        published: '2026-08-01T00:00:00.000',
        lastModified: '2026-08-02T00:00:00.000',
        vulnStatus: 'Analyzed',
        descriptions: [{ lang: 'en', value: `${id} in examplelib` }],
        metrics: {},
        references: [],
        configurations: [
          {
            nodes: [
              {
                operator: 'OR',
                negate: false,
                cpeMatch: [
                  {
                    vulnerable: true,
                    criteria: 'cpe:2.3:a:example:examplelib:*:*:*:*:*:*:*:*',
                    versionEndExcluding: '2.0',
                    matchCriteriaId: 'X',
                  },
                ],
              },
            ],
          },
        ],
      },
    })),
  };
}

let t: TestApp;
let admin: ApiClient;
let nvd: NvdServer;
beforeAll(async () => {
  // The stand-in NVD answers the sync that the worker starts at boot, as the public API would.
  nvd = await startNvdServer({
    records: nvdPage(['CVE-2026-1111']).vulnerabilities.map((v) => v.cve),
  });
  t = await startTestApp({ worker: true, env: { NVD_URL: nvd.apiUrl } });
  const { IdentityService } = await import('@drydock/identity');
  await t.app.get(IdentityService).ensurePlatformAdmin(ADMIN.email, ADMIN.password);
  const login = await new ApiClient(t.url).post('/api/v1/auth/login', ADMIN);
  admin = new ApiClient(t.url, login.body.accessToken);
});
afterAll(async () => {
  await t?.close();
  await nvd?.close();
});

describe('vulnerability database administration (platform admins)', () => {
  it('refuses organization users', async () => {
    const user = await signup(new ApiClient(t.url), 'vdbuser');
    expect((await user.api.get('/api/v1/admin/vulndb/settings')).status).toBe(403);
    expect((await user.api.post('/api/v1/admin/vulndb/sync')).status).toBe(403);
    expect((await new ApiClient(t.url).get('/api/v1/admin/vulndb/status')).status).toBe(401);
  });

  it('keeps the NVD API key write-only', async () => {
    const put = await admin.put('/api/v1/admin/vulndb/settings', {
      nvd: { enabled: true, url: nvd.apiUrl, apiKey: 'secret-nvd-key', intervalMinutes: 60 },
    });
    expect(put.status).toBe(200);
    expect(put.body.nvd).toMatchObject({ enabled: true, apiKeySet: true, intervalMinutes: 60 });
    const get = await admin.get('/api/v1/admin/vulndb/settings');
    expect(JSON.stringify(get.body)).not.toContain('secret-nvd-key');
    expect(get.body.nvd.apiKeySet).toBe(true);
    const bad = await admin.put('/api/v1/admin/vulndb/settings', { nvd: { intervalMinutes: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toContain('intervalMinutes');
  });

  it('imports offline NVD pages (plain and gzip) and reports them in the status', async () => {
    const form = new FormData();
    form.append(
      'files',
      new Blob([JSON.stringify(nvdPage(['CVE-2026-0001', 'CVE-2026-0002']))]),
      'page-1.json',
    );
    form.append('files', new Blob([gzipSync(JSON.stringify(nvdPage(['CVE-2026-0003'])))]), 'page-2.json.gz');
    const res = await fetch(`${t.url}/api/v1/admin/vulndb/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { nvd: number };
    expect(body.nvd).toBe(3);
    const status = await admin.get('/api/v1/admin/vulndb/status');
    expect(status.body.counts.nvd).toBeGreaterThanOrEqual(3);
    expect(status.body.dbVersion).toBeGreaterThan(0);
  });

  it('queues a sync that pulls from the configured NVD server', async () => {
    expect(
      (
        await admin.put('/api/v1/admin/vulndb/settings', {
          nvd: { enabled: true, url: nvd.apiUrl, apiKey: null },
        })
      ).status,
    ).toBe(200);
    nvd.upsert(
      nvdPage(['CVE-2026-2222']).vulnerabilities.map((v) => ({
        ...v.cve,
        lastModified: new Date().toISOString().slice(0, 23),
      })),
    );
    const before = nvd.requests.length;
    const deadline = Date.now() + 90_000;
    let status = (await admin.get('/api/v1/admin/vulndb/status')).body;
    // One sync at a time: ask again until ours has run (the boot sync may still hold the job id).
    while (
      Date.now() < deadline &&
      !(nvd.requests.length > before && status.state === 'idle' && status.counts.nvd >= 5)
    ) {
      expect((await admin.post('/api/v1/admin/vulndb/sync')).status).toBe(202);
      await new Promise((r) => setTimeout(r, 500));
      status = (await admin.get('/api/v1/admin/vulndb/status')).body;
    }
    expect(nvd.requests.length).toBeGreaterThan(before);
    expect(status.lastSuccessAt).not.toBeNull();
    // 3 imported + CVE-2026-1111 (boot sync) + CVE-2026-2222 (this sync).
    expect(status.counts.nvd).toBeGreaterThanOrEqual(5);
  });
});
