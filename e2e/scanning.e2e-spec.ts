/**
 * The scanning add-on end to end (issue 6, "Done when"): a started Drydock with its worker, the
 * machine's PostgreSQL and Redis, vulnerability data loaded from ../shared/vulndata, and a fixture
 * image pushed with skopeo. Needs ../shared and skopeo; without either it says why and runs nothing.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IdentityService } from '@drydock/identity';
import { QUEUES, QueueName, type Queues } from '@drydock/platform';
import { ScanWorker, scanJobId } from '@drydock/scanning';
import { VulndbService } from '@drydock/vulndb';
import { DataSource } from 'typeorm';
import { ApiClient, signup } from '../test/support/http.js';
import { startTestApp, type TestApp } from '../test/support/test-app.js';
import { startNvdServer, type NvdServer } from './support/nvd-server.js';
import { deliverStripeEvent, StripeServer } from './support/stripe-server.js';

const SHARED = resolve(process.cwd(), '..', 'shared');
const FIXTURES = join(SHARED, 'fixtures', 'images');
const VULNDATA = join(SHARED, 'vulndata');
const hasShared =
  existsSync(join(FIXTURES, 'fixtures.json')) && existsSync(join(VULNDATA, 'expected-public.flat.json'));

function run(cmd: string, args: string[], timeout = 300_000): Promise<{ code: number; stderr: string }> {
  return new Promise((res) => {
    // Asynchronous: the registry runs in this very process.
    execFile(cmd, args, { timeout, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr });
    });
  });
}
const STRIPE = {
  secretKey: 'sk_test_drydock_scanning',
  webhookSecret: 'whsec_drydock_scanning',
  price: 'price_scanning',
};
const hasSkopeo = await run('skopeo', ['--version']).then((r) => r.code === 0);

interface Expectation {
  component: string;
  version: string;
  ids: string[];
}
interface FlatImage {
  mustReport: Expectation[];
  mustNotReport: Expectation[];
  mustStillReport?: Expectation[];
}
interface Flat {
  images: Record<string, FlatImage>;
  afterUpdate: { load: string[]; images: Record<string, FlatImage> };
}
interface ComponentView {
  type: string;
  name: string;
  version: string | null;
  layerIndex: number;
  vulnerabilities: { id: string; aliases: string[] }[];
}

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, ms = 180_000) {
  const until = Date.now() + ms;
  let v = await read();
  while (!done(v)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
    v = await read();
  }
  return v;
}

/** Which expectations the reported components break (ids of a finding include its aliases). */
function violations(items: ComponentView[], exp: FlatImage): string[] {
  const ids = (e: Expectation) =>
    new Set(
      items
        .filter((c) => c.name === e.component && c.version === e.version)
        .flatMap((c) => c.vulnerabilities.flatMap((v) => [v.id, ...v.aliases])),
    );
  const out: string[] = [];
  for (const e of [...exp.mustReport, ...(exp.mustStillReport ?? [])]) {
    const got = ids(e);
    if (!e.ids.some((i) => got.has(i))) out.push(`missing ${e.ids.join('/')} on ${e.component} ${e.version}`);
  }
  for (const e of exp.mustNotReport) {
    const got = ids(e);
    const bad = e.ids.filter((i) => got.has(i));
    if (bad.length) out.push(`unexpected ${bad.join('/')} on ${e.component} ${e.version}`);
  }
  return out;
}

if (!hasShared || !hasSkopeo) {
  describe('scanning e2e', () => {
    it('needs ../shared (fixtures and vulndata) and skopeo; nothing else ran', () => {
      console.warn(`scanning e2e skipped: ${!hasShared ? '../shared not found' : 'skopeo not found'}`);
    });
  });
} else {
  describe('scanning e2e with skopeo and the shared vulnerability data', () => {
    let t: TestApp;
    let nvd: NvdServer;
    let stripe: StripeServer;
    let host: string;
    let owner: Awaited<ReturnType<typeof signup>>;
    let other: Awaited<ReturnType<typeof signup>>;
    let viewer: ApiClient;
    const flat = JSON.parse(readFileSync(join(VULNDATA, 'expected-public.flat.json'), 'utf8')) as Flat;
    const truth = JSON.parse(readFileSync(join(FIXTURES, 'bookworm-app.components.json'), 'utf8')) as {
      manifestDigest: string;
      components: {
        type: string;
        name: string;
        version: string | null;
        layerIndex: number;
        lockfileOnly?: boolean;
      }[];
    };
    const base = (o: { organization: string }, what = 'scan') =>
      `/api/v1/orgs/${o.organization}/repositories/app/tags/v1/${what}`;
    const push = (o: { email: string; password: string; organization: string }, tag = 'v1') =>
      run('skopeo', [
        '--insecure-policy',
        'copy',
        '--preserve-digests',
        '--dest-tls-verify=false',
        '--dest-creds',
        `${o.email}:${o.password}`,
        `oci-archive:${join(FIXTURES, 'bookworm-app.tar')}`,
        `docker://${host}/${o.organization}/app:${tag}`,
      ]);

    beforeAll(async () => {
      // The vulndb sync scheduled at boot talks to a local stand-in, never to the public NVD.
      nvd = await startNvdServer({ rateLimit: null });
      stripe = await new StripeServer({ secretKey: STRIPE.secretKey, prices: [STRIPE.price] }).start();
      t = await startTestApp({
        worker: true,
        env: {
          NVD_URL: nvd.apiUrl,
          STRIPE_SECRET_KEY: STRIPE.secretKey,
          STRIPE_WEBHOOK_SECRET: STRIPE.webhookSecret,
          STRIPE_PRICE_SCANNING: STRIPE.price,
          STRIPE_API_URL: stripe.url,
        },
      });
      host = new URL(t.url).host;
      const api = new ApiClient(t.url);
      const adminCreds = { email: 'e2e-scan-admin@example.test', password: 'e2e-scan-admin-password' };
      await t.app.get(IdentityService).ensurePlatformAdmin(adminCreds.email, adminCreds.password);
      const admin = api.as((await api.post('/api/v1/auth/login', adminCreds)).body.accessToken as string);
      owner = await signup(api, 'e2escan');
      other = await signup(api, 'e2enolic');
      expect(
        (await admin.put(`/api/v1/admin/orgs/${owner.organization}/addons/scanning`, { enabled: true }))
          .status,
      ).toBe(200);
      const vulndb = t.app.get(VulndbService);
      for (const dir of ['nvd/base', 'osv/ghsa', 'osv/debian']) await vulndb.importPath(join(VULNDATA, dir));
      const sa = await owner.api.post(`/api/v1/orgs/${owner.organization}/service-accounts`, {
        name: 'viewer',
        grants: [{ target: `${owner.organization}/app`, level: 'read' }],
      });
      const tok = await owner.api.post(
        `/api/v1/orgs/${owner.organization}/service-accounts/${sa.body.id}/tokens`,
        {
          name: 'ro',
        },
      );
      viewer = api.as(tok.body.token as string);
    }, 180_000);

    afterAll(async () => {
      await t?.close();
      await nvd?.close();
      await stripe?.stop();
    }, 60_000);

    it('a pushed fixture is scanned by itself and its components and findings are the expected ones', async () => {
      const r = await push(owner);
      expect(r.code).toBe(0);
      const done = await waitFor(
        () => owner.api.get(base(owner)),
        (x) => x.status === 200 && ['completed', 'failed'].includes(x.body.status as string),
        'the scan',
      );
      expect(done.body).toMatchObject({ status: 'completed', digest: truth.manifestDigest });
      const comps = await owner.api.get<{ items: ComponentView[]; total: number }>(
        `${base(owner, 'components')}?limit=1000`,
      );
      const got = new Set(comps.body.items.map((c) => `${c.type} ${c.name} ${c.version} ${c.layerIndex}`));
      const missing = truth.components
        .filter((c) => c.type === 'deb' || c.type === 'npm')
        .filter((c) => !got.has(`${c.type} ${c.name} ${c.version} ${c.layerIndex}`))
        .map((c) => `${c.type} ${c.name} ${c.version}`);
      expect(missing).toEqual([]);
      expect(violations(comps.body.items, flat.images['bookworm-app'])).toEqual([]);
      expect(done.body.counts.total).toBeGreaterThan(0);
    }, 300_000);

    it('a read-only member views the results but may not start a scan or change the mode', async () => {
      expect((await viewer.get(base(owner))).status).toBe(200);
      expect((await viewer.get(base(owner, 'components'))).status).toBe(200);
      const start = await viewer.post(base(owner));
      expect(start.status).toBe(403);
      expect(start.body.code).toBe('write_access_required');
      const mode = await viewer.patch(`/api/v1/orgs/${owner.organization}/repositories/app`, {
        scanMode: 'manual',
      });
      expect(mode.status).toBe(403);
    });

    it('an organization without the add-on gets 402 and no scan job', async () => {
      expect((await push(other)).code).toBe(0);
      await waitFor(
        () => t.app.get<Queues>(QUEUES)[QueueName.RegistryEvents].getJobCounts('wait', 'active'),
        (c) => c.wait === 0 && c.active === 0,
        'registry events handled',
      );
      const repo = await t.app
        .get(DataSource)
        .query<{ id: string }[]>(`SELECT id FROM repositories WHERE name = $1`, [
          `${other.organization}/app`,
        ]);
      expect(
        await t.app.get<Queues>(QUEUES)[QueueName.Scan].getJob(scanJobId(repo[0].id, truth.manifestDigest)),
      ).toBeUndefined();
      const start = await other.api.post(base(other));
      expect(start.status).toBe(402);
      expect(start.body.code).toBe('addon_required');
      expect((await other.api.get(base(other))).status).toBe(402);
    }, 300_000);

    it('a forged webhook changes nothing; a signed checkout + subscription turns the add-on on and the next push is scanned', async () => {
      const hook = `${t.url}/api/v1/billing/stripe/webhook`;
      const checkout = await other.api.post(`/api/v1/orgs/${other.organization}/billing/checkout`, {
        addon: 'scanning',
      });
      expect(checkout.status).toBe(201);
      const { events } = stripe.completeCheckout(String(checkout.body.url).split('/').pop()!);
      const forged = await deliverStripeEvent(hook, events[0], 'whsec_not_the_secret');
      expect(forged.status).toBe(400);
      expect((await other.api.post(base(other))).status).toBe(402);
      for (const e of events)
        expect((await deliverStripeEvent(hook, e, STRIPE.webhookSecret)).status).toBe(200);
      expect((await push(other, 'v2')).code).toBe(0);
      const done = await waitFor(
        () => other.api.get(`/api/v1/orgs/${other.organization}/repositories/app/tags/v2/scan`),
        (x) => x.status === 200 && ['completed', 'failed'].includes(x.body.status as string),
        'the scan after checkout',
      );
      expect(done.body.status).toBe('completed');
    }, 300_000);

    it('a database update changes the counts of the scanned image with no layer read', async () => {
      const before = await owner.api.get(base(owner));
      const worker = t.app.get(ScanWorker);
      const reads = worker.blobReads;
      const vulndb = t.app.get(VulndbService);
      for (const f of flat.afterUpdate.load) await vulndb.importPath(join(VULNDATA, f));
      const after = await waitFor(
        () => owner.api.get(base(owner)),
        (x) => x.body.counts.total !== before.body.counts.total,
        're-evaluation',
      );
      expect(after.body.scannedAt).toBe(before.body.scannedAt);
      expect(Number(after.body.dbVersion)).toBeGreaterThan(Number(before.body.dbVersion));
      expect(worker.blobReads).toBe(reads);
      const comps = await owner.api.get<{ items: ComponentView[] }>(
        `${base(owner, 'components')}?limit=1000`,
      );
      const expectAfter = flat.afterUpdate.images['bookworm-app'];
      expect(
        violations(comps.body.items, {
          mustReport: [...flat.images['bookworm-app'].mustReport, ...expectAfter.mustReport],
          mustNotReport: expectAfter.mustNotReport,
          mustStillReport: expectAfter.mustStillReport ?? [],
        }),
      ).toEqual([]);
    }, 300_000);
  });
}
