import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IdentityService } from '@drydock/identity';
import { TenantDb } from '@drydock/platform';
import { deliverStripeEvent, StripeServer } from '../../../e2e/support/stripe-server.js';
import { ApiClient, identity, signup } from '../../../test/support/http.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';
import { EntitlementsService } from './entitlements.service.js';
import { signLicenseKey } from './license.js';

const SECRET_KEY = 'sk_test_drydock_billing';
const WEBHOOK_SECRET = 'whsec_drydock_test_secret';
const PRICE = 'price_scanning_monthly';
const ADMIN = { email: 'platform-admin@example.test', password: 'platform-admin-password' };
const vendor = generateKeyPairSync('ed25519');
const forger = generateKeyPairSync('ed25519');
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

let stripe: StripeServer;
let t: TestApp;
let api: ApiClient;
let admin: ApiClient;
let hook: string;

type Owner = Awaited<ReturnType<typeof signup>>;

beforeAll(async () => {
  stripe = await new StripeServer({ secretKey: SECRET_KEY, prices: [PRICE] }).start();
  t = await startTestApp({
    env: {
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_PRICE_SCANNING: PRICE,
      STRIPE_API_URL: stripe.url,
      BILLING_GRACE_DAYS: '7',
      LICENSE_PUBLIC_KEY: vendor.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
  });
  api = new ApiClient(t.url);
  hook = `${t.url}/api/v1/billing/stripe/webhook`;
  await t.app.get(IdentityService).ensurePlatformAdmin(ADMIN.email, ADMIN.password);
  const login = await api.post('/api/v1/auth/login', ADMIN);
  admin = api.as(login.body.accessToken);
});
afterAll(async () => {
  await t?.close();
  await stripe?.stop();
});

const addon = async (o: Owner) => (await o.api.get(`/api/v1/orgs/${o.organization}/addons/scanning`)).body;
const has = (o: Owner) => t.app.get(EntitlementsService).hasAddon(o.orgId, 'scanning');
const deliver = (event: unknown, opts?: { timestamp?: number; signature?: string }) =>
  deliverStripeEvent(hook, event, WEBHOOK_SECRET, opts);

async function auditActions(o: Owner): Promise<string[]> {
  const res = await o.api.get(`/api/v1/orgs/${o.organization}/audit-events?limit=100`);
  return (res.body.items as { action: string }[]).map((e) => e.action);
}

async function startCheckout(o: Owner): Promise<string> {
  const res = await o.api.post(`/api/v1/orgs/${o.organization}/billing/checkout`, { addon: 'scanning' });
  expect(res.status).toBe(201);
  return String(res.body.url).split('/').pop()!;
}

async function addMember(owner: Owner, role: 'member' | 'admin'): Promise<ApiClient> {
  const who = identity(role);
  const inv = await owner.api.post(`/api/v1/orgs/${owner.organization}/invitations`, {
    email: who.email,
    role,
  });
  await api.post(`/api/v1/invitations/${inv.body.token}/accept`, { password: who.password });
  const login = await api.post('/api/v1/auth/login', { email: who.email, password: who.password });
  return api.as(login.body.accessToken);
}

describe('Stripe checkout and portal', () => {
  it('checkout answers a Checkout Session URL (subscription mode, the configured price), one customer per org', async () => {
    const o = await signup(api, 'checkout');
    const before = stripe.requests.length;
    const res = await o.api.post(`/api/v1/orgs/${o.organization}/billing/checkout`, { addon: 'scanning' });
    expect(res.status).toBe(201);
    expect(res.body.url).toMatch(new RegExp(`^${stripe.url}/checkout/cs_test_`));

    const calls = stripe.requests.slice(before);
    const customer = calls.find((r) => r.path === '/v1/customers')!;
    expect(customer).toMatchObject({
      method: 'POST',
      status: 200,
      params: { metadata: { organization_id: o.orgId } },
    });
    expect(customer.idempotencyKey).toBe(`drydock-customer-${o.orgId}`);
    const session = calls.find((r) => r.path === '/v1/checkout/sessions')!;
    expect(session.params).toMatchObject({
      mode: 'subscription',
      client_reference_id: o.orgId,
      line_items: [{ price: PRICE, quantity: '1' }],
      metadata: { organization_id: o.orgId, addon: 'scanning' },
      subscription_data: { metadata: { organization_id: o.orgId } },
    });
    expect(String(session.params.success_url)).toContain(`/orgs/${o.organization}/billing?checkout=success`);
    expect(String(session.params.cancel_url)).toContain(`/orgs/${o.organization}/billing?checkout=cancelled`);
    const cus = [...stripe.customers.values()].find((c) => (c.metadata as any).organization_id === o.orgId)!;
    expect(session.params.customer).toBe(cus.id);

    // A second checkout and the portal reuse the customer.
    await o.api.post(`/api/v1/orgs/${o.organization}/billing/checkout`, { addon: 'scanning' });
    const portal = await o.api.post(`/api/v1/orgs/${o.organization}/billing/portal`);
    expect(portal.status).toBe(201);
    expect(portal.body.url).toMatch(new RegExp(`^${stripe.url}/p/session/bps_`));
    const portalCall = stripe.requests.filter((r) => r.path === '/v1/billing_portal/sessions').pop()!;
    expect(portalCall.params).toMatchObject({ customer: cus.id });
    expect(String(portalCall.params.return_url)).toContain(`/orgs/${o.organization}/billing`);
    const mine = [...stripe.customers.values()].filter(
      (c) => (c.metadata as any).organization_id === o.orgId,
    );
    expect(mine).toHaveLength(1);
    expect(await auditActions(o)).toEqual(
      expect.arrayContaining(['billing.checkout_started', 'billing.portal_opened']),
    );
  });

  it('only owners and admins manage billing; another organization gets 404', async () => {
    const o = await signup(api, 'perm');
    const member = await addMember(o, 'member');
    const orgAdmin = await addMember(o, 'admin');
    const other = await signup(api, 'permother');
    const base = `/api/v1/orgs/${o.organization}`;
    for (const [path, body] of [
      ['/billing/checkout', { addon: 'scanning' }],
      ['/billing/portal', {}],
    ] as const) {
      const m = await member.post(base + path, body);
      expect(m.status).toBe(403);
      expect(m.headers.get('content-type')).toContain('application/problem+json');
      expect((await other.api.post(base + path, body)).status).toBe(404);
    }
    expect(
      (await member.put(`${base}/addons/license`, { key: 'a'.repeat(20) + '.' + 'b'.repeat(20) })).status,
    ).toBe(403);
    expect((await orgAdmin.post(`${base}/billing/checkout`, { addon: 'scanning' })).status).toBe(201);
    // Members read the add-on state; other organizations do not.
    const seen = await member.get(`${base}/addons`);
    expect(seen.status).toBe(200);
    expect(seen.body.items).toEqual([expect.objectContaining({ addon: 'scanning', enabled: false })]);
    expect((await other.api.get(`${base}/addons`)).status).toBe(404);
    // An unknown add-on is a validation error naming the field.
    const bad = await o.api.post(`${base}/billing/checkout`, { addon: 'teleport' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'addon' })]);
  });
});

describe('Stripe webhooks', () => {
  it('checkout.session.completed + subscription.created turn the add-on on; subscription.deleted turns it off', async () => {
    const o = await signup(api, 'hook');
    const off = await addon(o);
    expect(off).toMatchObject({ enabled: false, reason: 'not_enabled', billingConfigured: true });
    expect(off.message).toContain(`/api/v1/orgs/${o.organization}/billing/checkout`);
    expect(await has(o)).toBe(false);

    const { events, subscription } = stripe.completeCheckout(await startCheckout(o));
    const first = await deliver(events[0]);
    expect(first).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
    expect(await has(o)).toBe(true);
    expect((await deliver(events[1])).status).toBe(200);
    const on = await addon(o);
    expect(on).toMatchObject({ enabled: true, reason: 'subscription_active', endsAt: null });
    expect(on.sources).toEqual([
      expect.objectContaining({
        source: 'stripe',
        status: 'active',
        active: true,
        periodEnd: expect.any(String),
      }),
    ]);

    const ended = stripe.updateSubscription(subscription.id as string, {
      status: 'canceled',
      ended_at: Math.floor(Date.now() / 1000),
    });
    expect(ended.type).toBe('customer.subscription.deleted');
    expect((await deliver(ended)).status).toBe(200);
    expect(await addon(o)).toMatchObject({ enabled: false, reason: 'subscription_canceled' });
    expect(await has(o)).toBe(false);
    const actions = await auditActions(o);
    expect(actions.filter((a) => a === 'addon.subscription_changed')).toHaveLength(3);
  });

  it('a failed payment keeps the add-on for the grace period, also after the subscription is deleted', async () => {
    const o = await signup(api, 'grace');
    const { events, subscription } = stripe.completeCheckout(await startCheckout(o));
    for (const e of events) await deliver(e);
    expect((await deliver(stripe.paymentFailed(subscription.id as string))).status).toBe(200);
    const grace = await addon(o);
    expect(grace).toMatchObject({ enabled: true, reason: 'payment_failed_grace' });
    const graceEnd = Date.parse(grace.endsAt);
    expect(graceEnd).toBeGreaterThan(Date.now() + 6.9 * 86_400_000);
    expect(graceEnd).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000);
    await deliver(stripe.updateSubscription(subscription.id as string, { status: 'canceled' }));
    expect(await addon(o)).toMatchObject({
      enabled: true,
      reason: 'payment_failed_grace',
      endsAt: grace.endsAt,
    });
  });

  it('tolerates out-of-order delivery: an older event never overwrites newer state', async () => {
    const o = await signup(api, 'order');
    const t0 = Math.floor(Date.now() / 1000) - 120;
    const { events, subscription } = stripe.completeCheckout(await startCheckout(o), { created: t0 });
    const deleted = stripe.updateSubscription(
      subscription.id as string,
      { status: 'canceled' },
      { created: t0 + 60 },
    );
    // Delivered: checkout completed, then the deletion, then the (older) subscription.created.
    await deliver(events[0]);
    await deliver(deleted);
    expect(await has(o)).toBe(false);
    const late = await deliver(events[1]);
    expect(late).toMatchObject({ status: 200, body: { outcome: 'skipped:stale' } });
    expect(await addon(o)).toMatchObject({ enabled: false, reason: 'subscription_canceled' });

    // And a past_due update that happened after an "active" update keeps winning.
    const o2 = await signup(api, 'order2');
    const c2 = stripe.completeCheckout(await startCheckout(o2), { created: t0 });
    const pastDue = stripe.updateSubscription(
      c2.subscription.id as string,
      { status: 'past_due' },
      { created: t0 + 30 },
    );
    await deliver(pastDue);
    await deliver(c2.events[1]);
    await deliver(c2.events[0]);
    const s = await addon(o2);
    expect(s.sources[0]).toMatchObject({ source: 'stripe', status: 'past_due' });
  });

  it('processes each event id once', async () => {
    const o = await signup(api, 'dup');
    const { events } = stripe.completeCheckout(await startCheckout(o));
    expect((await deliver(events[1])).body).toMatchObject({ duplicate: false });
    const again = await deliver(events[1]);
    expect(again).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    // Concurrent redeliveries: exactly one applies.
    const burst = await Promise.all([deliver(events[0]), deliver(events[0]), deliver(events[0])]);
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(burst.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    const rows: { n: string }[] = await t.app
      .get(TenantDb)
      .withSystem((m) =>
        m.query(`SELECT count(*) AS n FROM stripe_events WHERE id = ANY($1)`, [events.map((e) => e.id)]),
      );
    expect(Number(rows[0].n)).toBe(2);
    expect((await auditActions(o)).filter((a) => a === 'addon.subscription_changed')).toHaveLength(1);
  });

  it('a forged, stale or missing signature answers 400 and changes nothing', async () => {
    const o = await signup(api, 'forged');
    const { events } = stripe.completeCheckout(await startCheckout(o));
    const forged = await deliverStripeEvent(hook, events[0], 'whsec_not_the_secret');
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ status: 400, code: 'bad_request' });
    const stale = await deliver(events[0], { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.status).toBe(400);
    const none = await deliver(events[0], { signature: '' });
    expect(none.status).toBe(400);
    // A body edited after signing does not verify either.
    const res = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=deadbeef' },
      body: JSON.stringify(events[0]),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');

    expect(await has(o)).toBe(false);
    const rows: unknown[] = await t.app
      .get(TenantDb)
      .withSystem((m) => m.query(`SELECT 1 FROM stripe_events WHERE id = $1`, [events[0].id]));
    expect(rows).toHaveLength(0);
    // The genuine delivery still works afterwards.
    expect((await deliver(events[0])).status).toBe(200);
    expect(await has(o)).toBe(true);
  });
});

describe('grants, licenses and the installation switch', () => {
  it('a platform admin grants the add-on with an end date, and revokes it', async () => {
    const o = await signup(api, 'grant');
    const path = `/api/v1/admin/orgs/${o.organization}/addons/scanning`;
    expect((await o.api.put(path, { enabled: true })).status).toBe(403);
    const endsAt = inDays(14);
    const g = await admin.put(path, { enabled: true, endsAt });
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({ enabled: true, reason: 'grant', endsAt: new Date(endsAt).toISOString() });
    expect(await has(o)).toBe(true);
    expect((await admin.get(`/api/v1/admin/orgs/${o.organization}/addons`)).body.items[0]).toMatchObject({
      enabled: true,
    });
    const past = await admin.put(path, { enabled: true, endsAt: inDays(-1) });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([expect.objectContaining({ field: 'endsAt' })]);
    expect((await admin.put(path, { enabled: 'yes' })).status).toBe(400);
    expect(
      (await admin.put('/api/v1/admin/orgs/no-such-org/addons/scanning', { enabled: true })).status,
    ).toBe(404);

    // The grant lapses at endsAt.
    await t.app
      .get(TenantDb)
      .withTenant(o.orgId, (m) =>
        m.query(`UPDATE entitlements SET ends_at = now() - interval '1 second' WHERE source = 'grant'`),
      );
    expect(await addon(o)).toMatchObject({ enabled: false, reason: 'grant_expired' });

    await admin.put(path, { enabled: true });
    expect(await has(o)).toBe(true);
    expect((await admin.put(path, { enabled: false })).body).toMatchObject({
      enabled: false,
      reason: 'grant_revoked',
    });
    expect(await auditActions(o)).toEqual(expect.arrayContaining(['addon.granted', 'addon.grant_revoked']));
  });

  it('license keys: a valid key enables the add-on; expired, forged and other-org keys are refused', async () => {
    const o = await signup(api, 'lic');
    const path = `/api/v1/orgs/${o.organization}/addons/license`;
    const put = (key: string) => o.api.put(path, { key });
    const expiresAt = inDays(60);

    const expired = await put(
      signLicenseKey({ org: o.organization, addons: ['scanning'], expiresAt: inDays(-1) }, vendor.privateKey),
    );
    expect(expired).toMatchObject({ status: 422, body: { code: 'unprocessable', reason: 'expired' } });
    const forged = await put(
      signLicenseKey({ org: o.organization, addons: ['scanning'], expiresAt }, forger.privateKey),
    );
    expect(forged).toMatchObject({ status: 422, body: { reason: 'bad_signature' } });
    const elsewhere = await put(
      signLicenseKey({ org: 'someone-else', addons: ['scanning'], expiresAt }, vendor.privateKey),
    );
    expect(elsewhere).toMatchObject({ status: 422, body: { reason: 'wrong_org' } });
    expect((await put('not a key')).status).toBe(400);
    expect(await has(o)).toBe(false);

    const key = signLicenseKey(
      { org: o.organization, addons: ['scanning'], expiresAt, id: 'lic-1' },
      vendor.privateKey,
    );
    const ok = await put(key);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      enabled: true,
      reason: 'license',
      endsAt: new Date(expiresAt).toISOString(),
    });
    expect(await has(o)).toBe(true);
    // The key itself never lands in the audit log.
    const audit = await o.api.get(`/api/v1/orgs/${o.organization}/audit-events?limit=100`);
    const applied = (audit.body.items as { action: string }[]).filter(
      (e) => e.action === 'addon.license_applied',
    );
    expect(applied).toHaveLength(1);
    expect(JSON.stringify(audit.body)).not.toContain(key.split('.')[1]);

    expect((await o.api.delete(path)).status).toBe(204);
    expect(await has(o)).toBe(false);
    expect((await o.api.delete(path)).status).toBe(404);
  });

  it('platform admins turn scanning off for the whole installation, and on again', async () => {
    const o = await signup(api, 'switch');
    await admin.put(`/api/v1/admin/orgs/${o.organization}/addons/scanning`, { enabled: true });
    expect(await has(o)).toBe(true);
    expect((await o.api.put('/api/v1/admin/addons/scanning', { enabled: false })).status).toBe(403);
    expect((await admin.get('/api/v1/admin/addons/scanning')).body).toMatchObject({
      enabled: true,
      default: true,
    });

    const offRes = await admin.put('/api/v1/admin/addons/scanning', { enabled: false });
    expect(offRes.body).toMatchObject({ addon: 'scanning', enabled: false, default: true });
    try {
      expect(await has(o)).toBe(false);
      expect(await addon(o)).toMatchObject({
        enabled: false,
        reason: 'disabled_by_platform',
        instanceEnabled: false,
      });
      await expect(t.app.get(EntitlementsService).assertAddon(o.orgId)).rejects.toMatchObject({
        code: 'addon_required',
        status: 402,
      });
    } finally {
      expect((await admin.put('/api/v1/admin/addons/scanning', { enabled: true })).status).toBe(200);
    }
    expect(await has(o)).toBe(true);
  });
});

describe('the OpenAPI document', () => {
  it('describes the billing and add-on routes with their request bodies', async () => {
    const doc = (await api.get('/api/docs-json')).body as {
      paths: Record<string, Record<string, { tags?: string[]; requestBody?: unknown }>>;
    };
    const expected: [string, string, boolean][] = [
      ['/api/v1/orgs/{org}/addons', 'get', false],
      ['/api/v1/orgs/{org}/addons/scanning', 'get', false],
      ['/api/v1/orgs/{org}/addons/license', 'put', true],
      ['/api/v1/orgs/{org}/addons/license', 'delete', false],
      ['/api/v1/orgs/{org}/billing/checkout', 'post', true],
      ['/api/v1/orgs/{org}/billing/portal', 'post', false],
      ['/api/v1/billing/stripe/webhook', 'post', true],
      ['/api/v1/admin/addons/scanning', 'put', true],
      ['/api/v1/admin/orgs/{slug}/addons/scanning', 'put', true],
      ['/api/v1/admin/orgs/{slug}/addons', 'get', false],
    ];
    for (const [path, method, body] of expected) {
      const op = doc.paths[path]?.[method];
      expect({ path, method, found: !!op, body: !!op?.requestBody }).toEqual({
        path,
        method,
        found: true,
        body,
      });
    }
  });
});

describe('an installation without Stripe, with an installation-wide license key', () => {
  let bare: TestApp;
  let bareApi: ApiClient;
  beforeAll(async () => {
    bare = await startTestApp({
      env: {
        LICENSE_PUBLIC_KEY: vendor.publicKey
          .export({ type: 'spki', format: 'der' })
          .subarray(12)
          .toString('base64'),
        LICENSE_KEY: signLicenseKey(
          { org: '*', addons: ['scanning'], expiresAt: inDays(365) },
          vendor.privateKey,
        ),
      },
    });
    bareApi = new ApiClient(bare.url);
  });
  afterAll(async () => {
    await bare?.close();
  });

  it('checkout, portal and webhooks say billing is not configured (503)', async () => {
    const o = await signup(bareApi, 'bare');
    const res = await o.api.post(`/api/v1/orgs/${o.organization}/billing/checkout`, { addon: 'scanning' });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'unavailable' });
    expect(res.body.detail).toMatch(/not configured/);
    expect((await o.api.post(`/api/v1/orgs/${o.organization}/billing/portal`)).status).toBe(503);
    const hookRes = await deliverStripeEvent(
      `${bare.url}/api/v1/billing/stripe/webhook`,
      { id: 'evt_x' },
      'whsec_x',
    );
    expect(hookRes.status).toBe(503);
  });

  it('every organization has the add-on through the installation license', async () => {
    const o = await signup(bareApi, 'installlic');
    const s = (await o.api.get(`/api/v1/orgs/${o.organization}/addons`)).body.items[0];
    expect(s).toMatchObject({ enabled: true, reason: 'install_license', billingConfigured: false });
    expect(s.sources).toEqual([
      expect.objectContaining({ source: 'license', scope: 'install', active: true }),
    ]);
  });
});
