import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { DataSource } from 'typeorm';
import { IdentityService } from '@drydock/identity';
import { QUEUES, QueueName, type Queues } from '@drydock/platform';
import { PgVulnStore, VulndbService } from '@drydock/vulndb';
import { ApiClient, signup } from '../../../test/support/http.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';
import { startNvdServer, type NvdServer } from '../../../e2e/support/nvd-server.js';
import { OciTestClient } from '../../registry/src/testing/oci-test-client.js';
import { ScanWorker } from './scan.worker.js';
import { ScanStore } from './db/scan-store.js';
import { scanJobId } from './model.js';
import { debianAdvisory, debianImage, dpkgStatus, indexOf, nvdScore } from './testing/images.js';
import { pushBuilt, pushManifest, scanUrl, waitFor, waitForScan } from './testing/helpers.js';

type Owner = Awaited<ReturnType<typeof signup>>;

const ADMIN = { email: 'platform-admin@example.test', password: 'platform-admin-password' };
const PACKAGES = [
  { name: 'libssl3', version: '3.0.11-1~deb12u1', source: 'openssl' },
  { name: 'zlib1g', version: '1:1.2.13.dfsg-1', source: 'zlib' },
  { name: 'base-files', version: '12.4+deb12u5' },
];

let t: TestApp;
let nvd: NvdServer;
let api: ApiClient;
let admin: ApiClient;
let owner: Owner;
let unlicensed: Owner;
let oci: OciTestClient;
let vulns: PgVulnStore;

async function grant(org: string) {
  const r = await admin.put(`/api/v1/admin/orgs/${org}/addons/scanning`, { enabled: true });
  if (r.status !== 200) throw new Error(`grant failed: ${r.status} ${JSON.stringify(r.body)}`);
}

/** A read-only principal: a service account whose only grant is read on the repository. */
async function readOnly(o: Owner, repo: string): Promise<ApiClient> {
  const sa = await o.api.post(`/api/v1/orgs/${o.organization}/service-accounts`, {
    name: `viewer-${Math.random().toString(36).slice(2, 8)}`,
  });
  expect(sa.status).toBe(201);
  const g = await o.api.put(`/api/v1/orgs/${o.organization}/service-accounts/${sa.body.id}/grants`, {
    target: repo,
    level: 'read',
  });
  expect(g.status).toBeLessThan(300);
  const tok = await o.api.post(`/api/v1/orgs/${o.organization}/service-accounts/${sa.body.id}/tokens`, {
    name: 't',
  });
  expect(tok.status).toBe(201);
  return api.as(tok.body.token as string);
}

beforeAll(async () => {
  // The vulndb sync scheduled at boot talks to a local stand-in, never to the public NVD.
  nvd = await startNvdServer({ rateLimit: null });
  t = await startTestApp({ worker: true, env: { NVD_URL: nvd.apiUrl } });
  api = new ApiClient(t.url);
  await t.app.get(IdentityService).ensurePlatformAdmin(ADMIN.email, ADMIN.password);
  const login = await api.post('/api/v1/auth/login', ADMIN);
  admin = api.as(login.body.accessToken as string);
  owner = await signup(api, 'scan');
  unlicensed = await signup(api, 'nolic');
  await grant(owner.organization);
  oci = new OciTestClient(t.url, { username: owner.email, password: owner.password });
  vulns = new PgVulnStore(t.app.get(DataSource));
  await vulns.apply('osv', [debianAdvisory('CVE-2026-1111', 'openssl', '3.0.11-1~deb12u2')]);
  await vulns.apply('nvd', [nvdScore('CVE-2026-1111', 9.8, 'CRITICAL')]);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await nvd?.close();
}, 30_000);

describe('scan on push', () => {
  it('scans a pushed image by itself, with components, findings, layers and exports', async () => {
    const repo = `${owner.organization}/web`;
    const img = debianImage('web', PACKAGES);
    await pushBuilt(oci, repo, 'v1', img);
    const done = await waitForScan(owner.api, owner.organization, repo, 'v1');
    expect(done.body).toMatchObject({
      status: 'completed',
      error: null,
      digest: img.digest,
      pushedBy: owner.email,
      counts: { critical: 1, high: 0, medium: 0, low: 0, unknown: 0, total: 1 },
      progress: { layersDone: 2, layersTotal: 2 },
    });
    expect(done.body.scannedAt).toEqual(done.body.evaluatedAt);
    expect(Number(done.body.dbVersion)).toBeGreaterThan(0);

    const tags = await owner.api.get(`/api/v1/orgs/${owner.organization}/repositories/web/tags`);
    expect(tags.body.items[0]).toMatchObject({
      name: 'v1',
      scanStatus: 'completed',
      counts: { critical: 1, total: 1 },
    });
    // The single-tag read carries the same scan fields as the list item.
    const one = await owner.api.get(`/api/v1/orgs/${owner.organization}/repositories/web/tags/v1`);
    expect(one.body).toMatchObject({
      name: 'v1',
      scanStatus: 'completed',
      counts: tags.body.items[0].counts,
    });
    // The repository list carries the worst shield over the repository's tags.
    const repos = await owner.api.get(`/api/v1/orgs/${owner.organization}/repositories?q=web`);
    expect(repos.body.items.find((r: { name: string }) => r.name === repo)).toMatchObject({
      tagCount: 1,
      lastPushedAt: tags.body.items[0].pushedAt,
      scan: { tag: 'v1', status: 'completed', counts: { critical: 1, total: 1 } },
    });

    const comps = await owner.api.get(scanUrl(owner.organization, repo, 'v1', 'components'));
    expect(comps.status).toBe(200);
    expect(comps.body.total).toBe(3);
    expect(comps.body.items[0]).toMatchObject({
      type: 'deb',
      name: 'libssl3',
      version: '3.0.11-1~deb12u1',
      layerIndex: 0,
      paths: ['/var/lib/dpkg/status'],
      vulnerabilities: [
        {
          id: 'CVE-2026-1111',
          severity: 'critical',
          score: 9.8,
          fixedVersion: '3.0.11-1~deb12u2',
          link: 'https://nvd.nist.gov/vuln/detail/CVE-2026-1111',
        },
      ],
    });
    expect(comps.body.items[0].purl).toContain('pkg:deb/debian/libssl3');
    const filtered = await owner.api.get(
      `${scanUrl(owner.organization, repo, 'v1', 'components')}?severity=critical&fixable=true`,
    );
    expect(filtered.body.items.map((c: { name: string }) => c.name)).toEqual(['libssl3']);
    // `q` ("Name or CVE"): a name or purl substring, or a vulnerability id or alias, in any case.
    const search = async (query: string) => {
      const r = await owner.api.get(`${scanUrl(owner.organization, repo, 'v1', 'components')}?${query}`);
      expect(r.status).toBe(200);
      return {
        names: r.body.items.map((c: { name: string }) => c.name) as string[],
        total: r.body.total as number,
        nextCursor: r.body.nextCursor as string | null,
      };
    };
    expect(await search('q=cve-2026-1111')).toEqual({ names: ['libssl3'], total: 1, nextCursor: null });
    expect((await search('q=DEBIAN-cve-2026-1111')).names).toEqual(['libssl3']); // the OSV id, an alias
    expect((await search('q=ZLIB')).names).toEqual(['zlib1g']);
    expect((await search('q=pkg%3Adeb%2Fdebian%2Fbase-files')).names).toEqual(['base-files']);
    expect(await search('q=cve-2026-9999')).toEqual({ names: [], total: 0, nextCursor: null });
    // Combined with a filter, only the vulnerabilities it keeps are searched (the CVE is critical).
    expect((await search('q=cve-2026-1111&severity=critical')).names).toEqual(['libssl3']);
    expect((await search('q=cve-2026-1111&severity=low')).names).toEqual([]);
    // Paged: the total is of the matches, not of the image.
    expect(await search('q=deb&limit=2')).toMatchObject({ total: 3, names: ['libssl3', 'base-files'] });
    expect(await search('q=cve-2026-1111&limit=1')).toEqual({
      names: ['libssl3'],
      total: 1,
      nextCursor: null,
    });
    const paged = await owner.api.get(`${scanUrl(owner.organization, repo, 'v1', 'components')}?limit=2`);
    expect(paged.body.items).toHaveLength(2);
    const next = await owner.api.get(
      `${scanUrl(owner.organization, repo, 'v1', 'components')}?limit=2&cursor=${paged.body.nextCursor}`,
    );
    expect(next.body.items).toHaveLength(1);
    expect(next.body.nextCursor).toBeNull();
    expect(
      (await owner.api.get(`${scanUrl(owner.organization, repo, 'v1', 'components')}?limit=1001`)).status,
    ).toBe(400);

    const layers = await owner.api.get(scanUrl(owner.organization, repo, 'v1', 'layers'));
    expect(layers.status).toBe(200);
    expect(layers.body.layers).toHaveLength(2);
    expect(layers.body.layers[0].createdBy).toContain('ADD file:base');
    expect(layers.body.layers[0].components[0]).toMatchObject({ name: 'libssl3', vulnerabilityCount: 1 });
    expect(layers.body.layers[1].createdBy).toContain('COPY web.txt');

    const cdx = await owner.api.get(`${scanUrl(owner.organization, repo, 'v1', 'sbom')}?format=cyclonedx`);
    expect(cdx.status).toBe(200);
    expect(cdx.headers.get('content-type')).toContain('application/vnd.cyclonedx+json');
    expect(cdx.body.bomFormat).toBe('CycloneDX');
    const spdx = await owner.api.get(`${scanUrl(owner.organization, repo, 'v1', 'sbom')}?format=spdx`);
    expect(spdx.body.spdxVersion).toBe('SPDX-2.3');
    const csv = await owner.api.get(`${scanUrl(owner.organization, repo, 'v1', 'report')}?format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(String(csv.body)).toContain('CVE-2026-1111');
    const json = await owner.api.get(`${scanUrl(owner.organization, repo, 'v1', 'report')}?format=json`);
    expect(json.body.images[0].findings[0].id).toBe('CVE-2026-1111');
  }, 90_000);

  it('a manual-mode repository is not scanned on push; a manual scan is, by tag and by digest', async () => {
    const create = await owner.api.post(`/api/v1/orgs/${owner.organization}/repositories`, {
      name: 'manual',
      scanMode: 'manual',
    });
    expect(create.status).toBe(201);
    const repo = `${owner.organization}/manual`;
    const img = debianImage('manual', PACKAGES.slice(1));
    await pushBuilt(oci, repo, 'v1', img);
    // The push event is handled (no job) before the scan row would appear.
    await waitFor(
      () => t.app.get<Queues>(QUEUES)[QueueName.RegistryEvents].getJobCounts('wait', 'active'),
      (c) => c.wait === 0 && c.active === 0,
      'registry events drained',
    );
    const before = await owner.api.get(scanUrl(owner.organization, repo, 'v1'));
    expect(before.body.status).toBe('not_scanned');
    const start = await owner.api.post(scanUrl(owner.organization, repo, 'v1'));
    expect(start.status).toBe(202);
    expect(start.body.queued).toEqual([img.digest]);
    await waitForScan(owner.api, owner.organization, repo, 'v1');
    const byDigest = await owner.api.post(
      `/api/v1/orgs/${owner.organization}/repositories/manual/manifests/${img.digest}/scan`,
    );
    expect(byDigest.status).toBe(202);
  }, 60_000);

  it('a push storm of one digest queues one job', async () => {
    const repo = `${owner.organization}/storm`;
    const img = debianImage('storm', PACKAGES);
    await pushBuilt(oci, repo, 'a', img);
    await Promise.all(['b', 'c', 'd'].map((tag) => pushManifest(oci, repo, tag, img)));
    await waitForScan(owner.api, owner.organization, repo, 'd');
    const rows = await t.app
      .get(DataSource)
      .query<{ attempts: number }[]>(`SELECT attempts FROM scans WHERE manifest_digest = $1`, [img.digest]);
    expect(rows).toEqual([{ attempts: 1 }]);
  }, 60_000);
});

describe('who may scan', () => {
  it('a read-only user views results but gets 403 on starting a scan and on changing the mode', async () => {
    const repo = `${owner.organization}/web`;
    const viewer = await readOnly(owner, repo);
    const view = await viewer.get(scanUrl(owner.organization, repo, 'v1'));
    expect(view.status).toBe(200);
    expect((await viewer.get(scanUrl(owner.organization, repo, 'v1', 'components'))).status).toBe(200);
    const start = await viewer.post(scanUrl(owner.organization, repo, 'v1'));
    expect(start.status).toBe(403);
    expect(start.body.code).toBe('write_access_required');
    expect(start.body.detail).toMatch(/write access/);
    const mode = await viewer.patch(`/api/v1/orgs/${owner.organization}/repositories/web`, {
      scanMode: 'manual',
    });
    expect(mode.status).toBe(403);
    expect(mode.body.code).toBe('write_access_required');
  }, 30_000);

  it('an organization without the add-on gets 402 and no scan job', async () => {
    const repo = `${unlicensed.organization}/web`;
    const uoci = new OciTestClient(t.url, { username: unlicensed.email, password: unlicensed.password });
    const img = debianImage('nolic', PACKAGES);
    await pushBuilt(uoci, repo, 'v1', img);
    await waitFor(
      () => t.app.get<Queues>(QUEUES)[QueueName.RegistryEvents].getJobCounts('wait', 'active'),
      (c) => c.wait === 0 && c.active === 0,
      'registry events drained',
    );
    const repoRow = await t.app
      .get(DataSource)
      .query<{ id: string }[]>(`SELECT id FROM repositories WHERE name = $1`, [repo]);
    const job = await t.app.get<Queues>(QUEUES)[QueueName.Scan].getJob(scanJobId(repoRow[0].id, img.digest));
    expect(job).toBeUndefined();
    const start = await unlicensed.api.post(scanUrl(unlicensed.organization, repo, 'v1'));
    expect(start.status).toBe(402);
    expect(start.body.code).toBe('addon_required');
    expect(start.body.detail).toMatch(/owner or admin can enable/);
    expect((await unlicensed.api.get(scanUrl(unlicensed.organization, repo, 'v1'))).status).toBe(402);
    expect(
      (await unlicensed.api.get(scanUrl(unlicensed.organization, repo, 'v1', 'components'))).status,
    ).toBe(402);
    const tags = await unlicensed.api.get(`/api/v1/orgs/${unlicensed.organization}/repositories/web/tags`);
    expect(tags.body.items[0]).toMatchObject({ scanStatus: 'not_licensed', counts: null });
    const repos = await unlicensed.api.get(`/api/v1/orgs/${unlicensed.organization}/repositories/web`);
    expect(repos.body.scan).toEqual({ tag: 'v1', status: 'not_licensed', counts: null });
    const rows = await t.app
      .get(DataSource)
      .query(`SELECT 1 FROM scans WHERE manifest_digest = $1`, [img.digest]);
    expect(rows).toHaveLength(0);
  }, 30_000);

  it('another organization sees nothing (404)', async () => {
    const r = await unlicensed.api.get(scanUrl(owner.organization, `${owner.organization}/web`, 'v1'));
    expect(r.status).toBe(404);
  });
});

describe('an index', () => {
  it('scans each platform and shows them with their aggregate', async () => {
    const repo = `${owner.organization}/multi`;
    const amd = debianImage('multi-amd', PACKAGES, { arch: 'amd64' });
    const arm = debianImage('multi-arm', PACKAGES.slice(1), { arch: 'arm64' });
    for (const img of [amd, arm]) {
      for (const b of [img.config, ...img.layers]) await oci.pushBlob(repo, b);
      await pushManifest(oci, repo, img.digest, img);
    }
    const index = indexOf([
      { image: amd, arch: 'amd64' },
      { image: arm, arch: 'arm64' },
    ]);
    await pushManifest(oci, repo, 'v1', index);
    const done = await waitForScan(owner.api, owner.organization, repo, 'v1');
    expect(done.body.digest).toBe(index.digest);
    expect(done.body.counts).toMatchObject({ critical: 1, total: 1 });
    expect(done.body.platforms).toHaveLength(2);
    expect(
      done.body.platforms.map((p: { platform: { architecture: string } }) => p.platform.architecture),
    ).toEqual(['amd64', 'arm64']);
    expect(done.body.platforms[1].counts.total).toBe(0);
    const comps = await owner.api.get(scanUrl(owner.organization, repo, 'v1', 'components'));
    expect(comps.body.total).toBe(5);
    expect(comps.body.items[0]).toMatchObject({ name: 'libssl3', platform: 'linux/amd64' });
    const layers = await owner.api.get(scanUrl(owner.organization, repo, 'v1', 'layers'));
    expect(layers.body.platforms).toHaveLength(2);
    const tags = await owner.api.get(`/api/v1/orgs/${owner.organization}/repositories/multi/tags`);
    expect(tags.body.items.find((x: { name: string }) => x.name === 'v1')).toMatchObject({
      scanStatus: 'completed',
      counts: { critical: 1, total: 1 },
    });
  }, 60_000);
});

describe('re-evaluation', () => {
  it('a database update changes counts without reading any layer', async () => {
    const repo = `${owner.organization}/web`;
    const before = await owner.api.get(scanUrl(owner.organization, repo, 'v1'));
    expect(before.body.counts.total).toBe(1);
    const worker = t.app.get(ScanWorker);
    const reads = worker.blobReads;
    await vulns.apply('osv', [debianAdvisory('CVE-2026-2222', 'zlib', '1:1.3.dfsg-1')]);
    await vulns.apply('nvd', [nvdScore('CVE-2026-2222', 7.5, 'HIGH')]);
    await t.app.get(VulndbService).requestReevaluation();
    const after = await waitFor(
      () => owner.api.get(scanUrl(owner.organization, repo, 'v1')),
      (r) => r.body.counts?.total === 2,
      're-evaluated counts',
    );
    expect(after.body.counts).toMatchObject({ critical: 1, high: 1, total: 2 });
    expect(after.body.scannedAt).toBe(before.body.scannedAt);
    expect(after.body.evaluatedAt).not.toBe(before.body.evaluatedAt);
    expect(Number(after.body.dbVersion)).toBeGreaterThan(Number(before.body.dbVersion));
    expect(worker.blobReads).toBe(reads);
    const comps = await owner.api.get(scanUrl(owner.organization, repo, 'v1', 'components'));
    expect(comps.body.items[1]).toMatchObject({ name: 'zlib1g', vulnerabilities: [{ id: 'CVE-2026-2222' }] });
  }, 60_000);
});

describe('layers and housekeeping', () => {
  it('a package deleted by a later layer is shown as removed there, not as present', async () => {
    const repo = `${owner.organization}/slim`;
    const img = debianImage('slim', PACKAGES, {
      extra: { 'var/lib/dpkg/status': dpkgStatus(PACKAGES.filter((p) => p.name !== 'zlib1g')) },
    });
    await pushBuilt(oci, repo, 'v1', img);
    await waitForScan(owner.api, owner.organization, repo, 'v1');
    const layers = await owner.api.get(scanUrl(owner.organization, repo, 'v1', 'layers'));
    expect(layers.body.layers[1].removed.map((c: { name: string }) => c.name)).toEqual(['zlib1g']);
    const comps = await owner.api.get(scanUrl(owner.organization, repo, 'v1', 'components'));
    expect(comps.body.items.map((c: { name: string }) => c.name)).not.toContain('zlib1g');
  }, 60_000);

  it('the sweeper fails a scan stuck in "scanning" whose job is gone, with a reason', async () => {
    const ds = t.app.get(DataSource);
    const repoRow = await ds.query<{ id: string }[]>(`SELECT id FROM repositories WHERE name = $1`, [
      `${owner.organization}/web`,
    ]);
    const digest = `sha256:${'e'.repeat(64)}`;
    await t.app.get(ScanStore).markScanning(owner.orgId, repoRow[0].id, digest, {
      layersDone: 0,
      layersTotal: 1,
      bytesRead: 0,
      bytesTotal: 1,
    });
    await ds.query(`UPDATE scans SET updated_at = now() - interval '1 day' WHERE manifest_digest = $1`, [
      digest,
    ]);
    const swept = await t.app.get(ScanWorker).sweep();
    expect(swept.failed).toBeGreaterThanOrEqual(1);
    const row = await ds.query<{ status: string; error: string }[]>(
      `SELECT status, error FROM scans WHERE manifest_digest = $1`,
      [digest],
    );
    expect(row[0].status).toBe('failed');
    expect(row[0].error).toMatch(/did not finish/);
  });
});
