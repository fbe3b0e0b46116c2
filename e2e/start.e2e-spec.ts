import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, identity } from '../test/support/http.js';
import { processesMentioning, startDrydock, type StartedDrydock } from './support/drydock.js';

describe('a started Drydock (the built server as its own process)', () => {
  let d: StartedDrydock;
  beforeAll(async () => {
    d = await startDrydock({
      env: { DRYDOCK_ADMIN_EMAIL: 'root@example.test', DRYDOCK_ADMIN_PASSWORD: 'platform-admin-pw-1' },
    });
  });
  afterAll(async () => {
    await d?.stop();
  });

  it('serves the portal sign-in page at /, the OpenAPI document and health', async () => {
    const home = await fetch(`${d.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
    expect(await home.text()).toContain('<dd-root');
    // Client-side routes of the portal fall back to its index.html.
    expect((await fetch(`${d.url}/sign-in`)).status).toBe(200);
    expect((await fetch(`${d.url}/api/docs`)).status).toBe(200);
    const doc = (await (await fetch(`${d.url}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/v1/signup');
    expect(await (await fetch(`${d.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    expect(metrics).toMatch(/drydock_http_requests_total\{family="healthz",method="GET",status="2xx"\} \d+/);
    // Unknown API paths are problem+json 404s, not the portal.
    const missing = await fetch(`${d.url}/api/v1/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('signs up an organization and signs in, over HTTP', async () => {
    const api = new ApiClient(d.url);
    const who = identity('e2e');
    expect((await api.post('/api/v1/signup', who)).status).toBe(201);
    const login = await api.post('/api/v1/auth/login', { email: who.email, password: who.password });
    expect(login.status).toBe(200);
    const me = await api.as(login.body.accessToken).get('/api/v1/me');
    expect(me.body.organizations).toEqual([{ slug: who.organization, role: 'owner' }]);
  });

  it('created the platform admin from DRYDOCK_ADMIN_EMAIL / DRYDOCK_ADMIN_PASSWORD', async () => {
    const api = new ApiClient(d.url);
    const login = await api.post('/api/v1/auth/login', {
      email: 'root@example.test',
      password: 'platform-admin-pw-1',
    });
    expect(login.status).toBe(200);
    const me = await api.as(login.body.accessToken).get('/api/v1/me');
    expect(me.body.platformAdmin).toBe(true);
    expect((await api.as(login.body.accessToken).get('/api/v1/admin/orgs')).status).toBe(200);
  });

  it('never writes credentials into its logs', () => {
    const log = d.output();
    expect(log).not.toContain('platform-admin-pw-1');
    expect(log).not.toMatch(/ddk_(pat|sat)_/);
    expect(log).not.toMatch(/eyJhbGciOi/);
  });
});

describe('embedded defaults', () => {
  it('starts its own PostgreSQL and Redis with nothing configured, and stops them on SIGTERM', async () => {
    const d = await startDrydock({ embedded: true, timeoutMs: 120_000 });
    const ready = (await (await fetch(`${d.url}/readyz`)).json()) as { checks: Record<string, boolean> };
    expect(ready.checks).toEqual({ database: true, redis: true });
    expect(d.output()).toContain('embedded PostgreSQL started');
    // redis-server retitles itself "redis-server 127.0.0.1:<port>"; postgres keeps `-D <dataDir>/postgres`.
    const redisPort = /"port":(\d+),"dir":"[^"]*redis"/.exec(d.output())?.[1];
    expect(redisPort).toBeDefined();
    const redisTitle = `redis-server 127.0.0.1:${redisPort}`;
    expect(processesMentioning(d.dataDir).length).toBeGreaterThanOrEqual(1);
    expect(processesMentioning(redisTitle)).toHaveLength(1);
    const dataDir = d.dataDir;
    expect(await d.stop()).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
    expect(processesMentioning(redisTitle)).toEqual([]);
  });

  it('refuses a bad configuration naming the variable', async () => {
    await expect(startDrydock({ env: { PORT: 'not-a-port' }, timeoutMs: 20_000 })).rejects.toThrow(/PORT/);
  });
});
