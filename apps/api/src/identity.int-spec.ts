import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, identity, signup } from '../../../test/support/http.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';

let t: TestApp;
let api: ApiClient;

beforeAll(async () => {
  t = await startTestApp({ env: { LOGIN_MAX_FAILURES: '3' } });
  api = new ApiClient(t.url);
});
afterAll(async () => {
  await t?.close();
});

describe('sign-up, sign-in and tokens', () => {
  it('signup → login → create token → GET /me with the token', async () => {
    const who = identity('flow');
    const s = await api.post('/api/v1/signup', who);
    expect(s.status).toBe(201);
    expect(s.body).toMatchObject({ organization: { slug: who.organization }, user: { email: who.email } });
    expect(typeof s.body.accessToken).toBe('string');
    expect(s.headers.get('set-cookie')).toMatch(/drydock_refresh=.*HttpOnly/i);

    const login = await api.post('/api/v1/auth/login', { email: who.email, password: who.password });
    expect(login.status).toBe(200);
    expect(login.body.expiresIn).toBeGreaterThan(0);
    const session = api.as(login.body.accessToken);

    const created = await session.post('/api/v1/me/tokens', { name: 'ci' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^ddk_/);

    const me = await api.as(created.body.token).get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      email: who.email,
      organizations: [{ slug: who.organization, role: 'owner' }],
    });

    const list = await session.get('/api/v1/me/tokens');
    expect(list.body).toHaveLength(1);
    expect(list.body[0].token).toBeUndefined();
    expect(list.body[0].lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);

    // Revoked → 401.
    expect((await session.delete(`/api/v1/me/tokens/${created.body.id}`)).status).toBe(204);
    expect((await api.as(created.body.token).get('/api/v1/me')).status).toBe(401);
  });

  it('refresh rotates the cookie session and logout ends it', async () => {
    const who = identity('refresh');
    const s = await api.post('/api/v1/signup', who);
    const cookie = s.headers.get('set-cookie')!.split(';')[0];
    const r = await api.request('POST', '/api/v1/auth/refresh', undefined, { cookie });
    expect(r.status).toBe(200);
    expect((await api.as(r.body.accessToken).get('/api/v1/me')).status).toBe(200);
    // The old refresh token is spent.
    expect((await api.request('POST', '/api/v1/auth/refresh', undefined, { cookie })).status).toBe(401);
    const newCookie = r.headers.get('set-cookie')!.split(';')[0];
    expect((await api.request('POST', '/api/v1/auth/logout', undefined, { cookie: newCookie })).status).toBe(
      204,
    );
    expect((await api.request('POST', '/api/v1/auth/refresh', undefined, { cookie: newCookie })).status).toBe(
      401,
    );
  });

  it('a user changes their password: the old one stops working, other sessions end', async () => {
    const who = identity('pw');
    const s = await api.post('/api/v1/signup', who);
    const cookie = s.headers.get('set-cookie')!.split(';')[0];
    const session = api.as(s.body.accessToken);
    const wrong = await session.post('/api/v1/me/password', {
      currentPassword: 'not-it-at-all',
      newPassword: 'a-brand-new-password',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors[0].field).toBe('currentPassword');
    const weak = await session.post('/api/v1/me/password', {
      currentPassword: who.password,
      newPassword: 'short',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].field).toBe('newPassword');
    expect(
      (
        await session.post('/api/v1/me/password', {
          currentPassword: who.password,
          newPassword: 'a-brand-new-password',
        })
      ).status,
    ).toBe(204);
    expect((await api.post('/api/v1/auth/login', { email: who.email, password: who.password })).status).toBe(
      401,
    );
    expect(
      (await api.post('/api/v1/auth/login', { email: who.email, password: 'a-brand-new-password' })).status,
    ).toBe(200);
    expect((await api.request('POST', '/api/v1/auth/refresh', undefined, { cookie })).status).toBe(401);
  });

  it('an expired token is refused', async () => {
    const a = await signup(api, 'exp');
    const soon = new Date(Date.now() + 1500).toISOString();
    const tok = await a.api.post('/api/v1/me/tokens', { name: 'short', expiresAt: soon });
    expect(tok.status).toBe(201);
    expect((await api.as(tok.body.token).get('/api/v1/me')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1700));
    const res = await api.as(tok.body.token).get('/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('duplicate slug or email → 409', async () => {
    const who = identity('dup');
    expect((await api.post('/api/v1/signup', who)).status).toBe(201);
    const sameSlug = await api.post('/api/v1/signup', { ...identity('x'), organization: who.organization });
    expect(sameSlug.status).toBe(409);
    expect(sameSlug.body.code).toBe('slug_taken');
    const sameEmail = await api.post('/api/v1/signup', { ...identity('y'), email: who.email });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.code).toBe('email_taken');
  });

  it('wrong credentials → 401, repeated failures → 429', async () => {
    const who = identity('lock');
    await api.post('/api/v1/signup', who);
    for (let i = 0; i < 3; i++) {
      expect(
        (await api.post('/api/v1/auth/login', { email: who.email, password: 'wrong-password-123' })).status,
      ).toBe(401);
    }
    const locked = await api.post('/api/v1/auth/login', { email: who.email, password: who.password });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('too_many_requests');
  });

  it('invalid bodies → 400 problem+json naming each field', async () => {
    const res = await api.post('/api/v1/signup', { organization: 'API', email: 'nope', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('validation_failed');
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['organization', 'email', 'password']));
    const reserved = await api.post('/api/v1/signup', { ...identity('r'), organization: 'admin' });
    expect(reserved.status).toBe(400);
    expect(reserved.body.errors[0]).toMatchObject({ field: 'organization', message: 'is a reserved word' });
    const notJson = await api.request('POST', '/api/v1/auth/login', '{bad json', {
      'content-type': 'application/json',
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBeDefined();
  });

  it('every response carries a request id', async () => {
    const res = await api.get('/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
  });
});

describe('members, roles and teams', () => {
  it('invite → accept → member cannot manage members or others’ tokens (403)', async () => {
    const owner = await signup(api, 'own');
    const member = identity('mem');
    const inv = await owner.api.post(`/api/v1/orgs/${owner.organization}/invitations`, {
      email: member.email,
      role: 'member',
    });
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({ email: member.email, role: 'member' });
    const acc = await api.post(`/api/v1/invitations/${inv.body.token}/accept`, { password: member.password });
    expect(acc.status).toBe(200);
    // An invitation is used once.
    expect(
      (await api.post(`/api/v1/invitations/${inv.body.token}/accept`, { password: member.password })).status,
    ).toBe(404);

    const mLogin = await api.post('/api/v1/auth/login', { email: member.email, password: member.password });
    const m = api.as(mLogin.body.accessToken);
    expect((await m.get(`/api/v1/orgs/${owner.organization}/members`)).status).toBe(200);
    const invite = await m.post(`/api/v1/orgs/${owner.organization}/invitations`, {
      email: 'z@example.test',
      role: 'member',
    });
    expect(invite.status).toBe(403);
    expect((await m.delete(`/api/v1/orgs/${owner.organization}/members/${owner.userId}`)).status).toBe(403);
    expect(
      (await m.patch(`/api/v1/orgs/${owner.organization}/members/${owner.userId}`, { role: 'member' }))
        .status,
    ).toBe(403);

    // Service-account tokens are managed by admins only.
    const sa = await owner.api.post(`/api/v1/orgs/${owner.organization}/service-accounts`, { name: 'ci' });
    expect(sa.status).toBe(201);
    const satok = await owner.api.post(
      `/api/v1/orgs/${owner.organization}/service-accounts/${sa.body.id}/tokens`,
      { name: 't' },
    );
    expect(satok.status).toBe(201);
    expect(
      (await m.get(`/api/v1/orgs/${owner.organization}/service-accounts/${sa.body.id}/tokens`)).status,
    ).toBe(403);
    expect(
      (
        await m.delete(
          `/api/v1/orgs/${owner.organization}/service-accounts/${sa.body.id}/tokens/${satok.body.id}`,
        )
      ).status,
    ).toBe(403);
    // Another user's personal token is not found among mine.
    const ownerTok = await owner.api.post('/api/v1/me/tokens', { name: 'mine' });
    expect((await m.delete(`/api/v1/me/tokens/${ownerTok.body.id}`)).status).toBe(404);
    expect((await api.as(ownerTok.body.token).get('/api/v1/me')).status).toBe(200);

    // The service-account token works on /me.
    const saMe = await api.as(satok.body.token).get('/api/v1/me');
    expect(saMe.status).toBe(200);
    expect(saMe.body.organizations).toEqual([{ slug: owner.organization, role: 'member' }]);
  });

  it('the last owner cannot be removed or demoted', async () => {
    const owner = await signup(api, 'last');
    const demote = await owner.api.patch(`/api/v1/orgs/${owner.organization}/members/${owner.userId}`, {
      role: 'admin',
    });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('last_owner');
    expect(
      (await owner.api.delete(`/api/v1/orgs/${owner.organization}/members/${owner.userId}`)).status,
    ).toBe(409);
  });

  it('teams: create, members, grants; audit log records it', async () => {
    const owner = await signup(api, 'team');
    const o = owner.organization;
    const team = await owner.api.post(`/api/v1/orgs/${o}/teams`, { name: 'payments' });
    expect(team.status).toBe(201);
    expect(team.body).toMatchObject({ id: expect.any(String), name: 'payments' });
    expect((await owner.api.post(`/api/v1/orgs/${o}/teams`, { name: 'Payments' })).status).toBe(409);
    expect(
      (await owner.api.put(`/api/v1/orgs/${o}/teams/${team.body.id}/members/${owner.userId}`)).status,
    ).toBe(200);
    const g = await owner.api.put(`/api/v1/orgs/${o}/teams/${team.body.id}/grants`, {
      target: `${o}/payments/`,
      level: 'write',
    });
    expect(g.status).toBe(200);
    const bad = await owner.api.put(`/api/v1/orgs/${o}/teams/${team.body.id}/grants`, {
      target: `other/payments/`,
      level: 'write',
    });
    expect(bad.status).toBe(400);
    expect((await owner.api.get(`/api/v1/orgs/${o}/teams/${team.body.id}/grants`)).body).toEqual([
      { target: `${o}/payments/`, level: 'write' },
    ]);
    expect(
      (
        await owner.api.delete(
          `/api/v1/orgs/${o}/teams/${team.body.id}/grants?target=${encodeURIComponent(`${o}/payments/`)}`,
        )
      ).status,
    ).toBe(204);
    const audit = await owner.api.get(`/api/v1/orgs/${o}/audit-events`);
    expect(audit.status).toBe(200);
    const actions = (audit.body.items as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['organization.created', 'team.created', 'grant.set', 'grant.deleted']),
    );
  });
});

describe('tenant isolation', () => {
  it('every org-scoped route answers 404 to a user of another organization', async () => {
    const a = await signup(api, 'tena');
    const b = await signup(api, 'tenb');
    // Real ids in org A, so that a 404 cannot come from a missing object.
    const team = await a.api.post(`/api/v1/orgs/${a.organization}/teams`, { name: 'web' });
    const sa = await a.api.post(`/api/v1/orgs/${a.organization}/service-accounts`, { name: 'bot' });
    const tok = await a.api.post(`/api/v1/orgs/${a.organization}/service-accounts/${sa.body.id}/tokens`, {
      name: 't',
    });
    const params: Record<string, string> = {
      org: a.organization,
      team: team.body.id,
      id: sa.body.id,
      tokenId: tok.body.id,
      userId: a.userId,
      name: encodeURIComponent(`${a.organization}/web`),
      tag: 'latest',
      digest: 'sha256:' + '0'.repeat(64),
    };
    // The table is the OpenAPI document itself, so routes added later are covered too.
    const doc = (await api.get('/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const cases: { method: string; path: string }[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.includes('{org}')) continue;
      for (const method of Object.keys(ops)) cases.push({ method: method.toUpperCase(), path });
    }
    expect(cases.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const c of cases) {
      const url = c.path.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? 'x');
      const body = c.method === 'GET' || c.method === 'DELETE' ? undefined : {};
      const res = await b.api.request(c.method, url, body);
      if (res.status !== 404) failures.push(`${c.method} ${url} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('row-level security hides other tenants’ rows even from a query without a tenant filter', async () => {
    const a = await signup(api, 'rlsa');
    const b = await signup(api, 'rlsb');
    await a.api.post(`/api/v1/orgs/${a.organization}/teams`, { name: 'alpha' });
    await b.api.post(`/api/v1/orgs/${b.organization}/teams`, { name: 'beta' });
    const { TenantDb } = await import('@drydock/platform');
    const db = t.app.get(TenantDb);
    const names = await db.withTenant(a.orgId, (m) => m.query(`SELECT name FROM teams`));
    expect(names).toEqual([{ name: 'alpha' }]);
    // Writing a row for another tenant inside A's transaction is refused by the policy.
    await expect(
      db.withTenant(a.orgId, (m) =>
        m.query(`INSERT INTO teams (organization_id, name) VALUES ($1, 'sneaky')`, [b.orgId]),
      ),
    ).rejects.toThrow(/row-level security/);
  });
});
