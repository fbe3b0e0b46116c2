import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Queue } from 'bullmq';
import { decodeJwt } from 'jose';
import { Agent, request as httpRequest } from 'node:http';
import { ApiClient, signup } from '../../../test/support/http.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';
import { MANIFEST_PUSHED, type ManifestPushedEvent } from './events.js';
import { RegistryStore } from './db/registry-store.js';
import { RegistryMaintenance } from './jobs/maintenance.service.js';
import { BLOB_STORE, type BlobStore } from './storage/blob-store.js';
import { blobOf, buildImage, buildIndex, OciTestClient, sha256 } from './testing/oci-test-client.js';

let t: TestApp;
let api: ApiClient;
let owner: Awaited<ReturnType<typeof signup>>;
let oci: OciTestClient;
let org: string;

type Err = { errors: { code: string; message: string; detail?: unknown }[] };
const code = (r: { json: <T>() => T }) => r.json<Err>().errors[0]?.code;

beforeAll(async () => {
  t = await startTestApp();
  api = new ApiClient(t.url);
  owner = await signup(api, 'reg');
  org = owner.organization;
  oci = new OciTestClient(t.url, { username: owner.email, password: owner.password });
}, 60_000);

afterAll(async () => {
  await t?.close();
}, 30_000);

function streamOf(chunks: Buffer[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(new Uint8Array(chunks[i++]));
      else controller.close();
    },
  });
}

async function startUpload(name: string): Promise<string> {
  const res = await oci.request('POST', `/v2/${name}/blobs/uploads/`);
  expect(res.status).toBe(202);
  expect(res.headers.get('docker-upload-uuid')).toBeTruthy();
  return res.headers.get('location')!;
}

describe('base and token service', () => {
  it('GET /v2/ challenges without credentials, 200 with a token', async () => {
    const res = await oci.request('GET', '/v2/', { raw: true });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="http:\/\/[^"]+\/auth\/token",service="[^"]+"$/,
    );
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect((await oci.request('GET', '/v2/')).status).toBe(200);
  });

  it('error answers keep the connection unless a big body is left unread; HEAD gets the GET headers', async () => {
    // Every push probes its blobs with HEAD and gets 404s; closing the connection on each would
    // make the client open a new one for the next request.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(t.url);
    const send = (method: string, path: string, payload?: Buffer) =>
      new Promise<{ status: number; headers: Record<string, unknown>; reused: boolean; body: string }>(
        (resolve, reject) => {
          const headers = payload ? { 'content-type': 'application/octet-stream' } : {};
          const req = httpRequest(
            { host: url.hostname, port: url.port, method, path, agent, headers },
            (res) => {
              let body = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (body += c));
              res.on('end', () =>
                // Let the agent take the socket back before the next request.
                setImmediate(() =>
                  resolve({ status: res.statusCode!, headers: res.headers, reused: req.reusedSocket, body }),
                ),
              );
            },
          );
          req.on('error', reject);
          req.end(payload);
        },
      );
    try {
      const blob = `/v2/${org}/nothing-here/blobs/sha256:${'0'.repeat(64)}`;
      const head = await send('HEAD', blob);
      const get = await send('GET', blob);
      const ping = await send('GET', '/v2/');
      expect([head.status, get.status, ping.status]).toEqual([401, 401, 401]);
      expect(head.headers.connection).toBe('keep-alive');
      expect(get.headers.connection).toBe('keep-alive');
      expect([get.reused, ping.reused]).toEqual([true, true]);
      expect(head.body).toBe('');
      expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
      expect(JSON.parse(get.body).errors[0].code).toBe('UNAUTHORIZED');
      // A refused request with a small body (a manifest PUT) has it read first and keeps the
      // connection: containerd streams it from a pipe and hung on a closed connection after a 403.
      const manifest = await send('PUT', `/v2/${org}/nothing-here/manifests/v1`, Buffer.alloc(2048, 1));
      expect(manifest.status).toBe(401);
      expect(manifest.headers.connection).toBe('keep-alive');
      expect((await send('GET', '/v2/')).reused).toBe(true);
      // A big one (a refused blob upload) is not read: the answer closes the connection.
      const upload = await send(
        'PATCH',
        `/v2/${org}/nothing-here/blobs/uploads/x`,
        Buffer.alloc(1024 * 1024, 1),
      );
      expect(upload.status).toBe(401);
      expect(upload.headers.connection).toBe('close');
      expect((await send('GET', '/v2/')).reused).toBe(false);
    } finally {
      agent.destroy();
    }
  });

  it('docker login: no scope, offline_token=true → token; the empty-access /v2/ call gets 200', async () => {
    const u = new URL('/auth/token', t.url);
    u.searchParams.set('account', owner.email);
    u.searchParams.set('client_id', 'docker');
    u.searchParams.set('offline_token', 'true');
    const basic = Buffer.from(`${owner.email}:${owner.password}`).toString('base64');
    const res = await fetch(u, { headers: { authorization: `Basic ${basic}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('refresh_token');
    expect(body.expires_in).toBe(300);
    expect(decodeJwt(body.token as string).access).toEqual([]);
    const v2 = await fetch(new URL('/v2/', t.url), {
      headers: { authorization: `Bearer ${body.token as string}` },
    });
    expect(v2.status).toBe(200);
    const bad = await fetch(u, {
      headers: {
        authorization: `Basic ${Buffer.from(`${owner.email}:wrong-password-x`).toString('base64')}`,
      },
    });
    expect(bad.status).toBe(401);
  });

  it('POST /auth/token: the OAuth2 password grant (as containerd asks), the same grants, no refresh token', async () => {
    await oci.pushImage(`${org}/oauth`, 'v1', buildImage('oauth'));
    const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(new URL('/auth/token', t.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form).toString(),
      });
    const res = await post({
      grant_type: 'password',
      username: owner.email,
      password: owner.password,
      service: oci.service ?? '',
      client_id: 'containerd-client',
      access_type: 'offline',
      scope: `repository:${org}/oauth:pull,push repository:someone-else/x:pull`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('refresh_token');
    expect(body).toMatchObject({
      token_type: 'Bearer',
      scope: `repository:${org}/oauth:pull,push`,
      expires_in: 300,
    });
    expect(decodeJwt(body.access_token as string).access).toEqual([
      { type: 'repository', name: `${org}/oauth`, actions: ['pull', 'push'] },
    ]);
    const manifest = await fetch(new URL(`/v2/${org}/oauth/manifests/v1`, t.url), {
      headers: {
        authorization: `Bearer ${body.access_token as string}`,
        accept: 'application/vnd.oci.image.manifest.v1+json',
      },
    });
    expect(manifest.status).toBe(200);

    const error = async (r: Response) => [r.status, ((await r.json()) as { error: string }).error];
    const wrong = {
      grant_type: 'password',
      username: owner.email,
      password: 'wrong-password-x',
      service: '',
    };
    expect(await error(await post(wrong))).toEqual([400, 'invalid_grant']);
    expect(await error(await post({ grant_type: 'refresh_token', refresh_token: 'x', service: '' }))).toEqual(
      [400, 'unsupported_grant_type'],
    );
    expect(await error(await post({ username: owner.email, password: owner.password }))).toEqual([
      400,
      'invalid_request',
    ]);
    expect(
      await error(
        await post({
          grant_type: 'password',
          username: owner.email,
          password: owner.password,
          service: 'other',
        }),
      ),
    ).toEqual([400, 'invalid_request']);
    expect(
      await error(
        await post({ grant_type: 'password', username: owner.email, password: 'x'.repeat(20_000) }),
      ),
    ).toEqual([413, 'invalid_request']);
    const put = await fetch(new URL('/auth/token', t.url), { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });

  it('password guessing through Basic auth hits the sign-in limits: 429 TOOMANYREQUESTS, API tokens unaffected', async () => {
    const victim = await signup(api, 'guess');
    const sa = await victim.api.post(`/api/v1/orgs/${victim.organization}/service-accounts`, {
      name: 'ci',
      grants: [{ target: `${victim.organization}/`, level: 'read' }],
    });
    const apiToken = (
      await victim.api.post(`/api/v1/orgs/${victim.organization}/service-accounts/${sa.body.id}/tokens`, {
        name: 't',
      })
    ).body.token as string;
    const basic = (user: string, password: string) =>
      `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const token = (authorization: string) =>
      fetch(new URL('/auth/token', t.url), { headers: { authorization } });
    const max = t.config.auth.loginMaxFailures;
    for (let i = 0; i < max; i++)
      expect((await token(basic(victim.email, `wrong-password-${i}`))).status).toBe(401);
    // Locked for that email now, the right password included, on every door that checks one.
    const locked = await token(basic(victim.email, victim.password));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBe(t.config.auth.loginFailureWindowSeconds);
    expect(((await locked.json()) as Err).errors[0].code).toBe('TOOMANYREQUESTS');
    const v2 = await fetch(new URL('/v2/', t.url), {
      headers: { authorization: basic(victim.email, victim.password) },
    });
    expect(v2.status).toBe(429);
    expect(((await v2.json()) as Err).errors[0].code).toBe('TOOMANYREQUESTS');
    const oauth = await fetch(new URL('/auth/token', t.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        username: victim.email,
        password: victim.password,
      }),
    });
    expect([oauth.status, ((await oauth.json()) as { error: string }).error]).toEqual([
      429,
      'too_many_requests',
    ]);
    const signIn = await api.post('/api/v1/auth/login', { email: victim.email, password: victim.password });
    expect(signIn.status).toBe(429);
    // API tokens are not throttled, and other accounts are not locked out.
    expect((await token(basic('ci', apiToken))).status).toBe(200);
    expect((await token(basic(owner.email, owner.password))).status).toBe(200);
  });

  it('grants the intersection of what is asked and allowed', async () => {
    await oci.pushImage(`${org}/inter`, 'v1', buildImage('inter'));
    const anon = new OciTestClient(t.url, null);
    const r = await anon.token([`repository:${org}/inter:pull,push`, 'registry:catalog:*']);
    expect(r.status).toBe(200);
    expect(decodeJwt(r.token!).access).toEqual([]);
    const mine = await oci.token([
      `repository:${org}/inter:pull,push,delete`,
      `repository:someone-else/x:pull`,
    ]);
    expect(decodeJwt(mine.token!).access).toEqual([
      { type: 'repository', name: `${org}/inter`, actions: ['pull', 'push', 'delete'] },
    ]);
    const header = JSON.parse(Buffer.from(mine.token!.split('.')[0], 'base64url').toString()) as {
      alg: string;
      kid: string;
    };
    expect(header.alg).toBe('ES256');
    expect(header.kid).toBeTruthy();
  });
});

describe('blob uploads', () => {
  const name = () => `${org}/uploads`;

  it('monolithic POST ?digest= stores the blob and serves ranges', async () => {
    const b = blobOf(Buffer.from('0123456789abcdef'));
    const res = await oci.pushBlob(name(), b);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v2/${name()}/blobs/${b.digest}`);
    expect(res.headers.get('docker-content-digest')).toBe(b.digest);
    const head = await oci.request('HEAD', `/v2/${name()}/blobs/${b.digest}`);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('16');
    const part = await oci.request('GET', `/v2/${name()}/blobs/${b.digest}`, {
      headers: { range: 'bytes=4-7' },
    });
    expect(part.status).toBe(206);
    expect(part.body.toString()).toBe('4567');
    expect(part.headers.get('content-range')).toBe('bytes 4-7/16');
    const bad = await oci.request('GET', `/v2/${name()}/blobs/${b.digest}`, {
      headers: { range: 'bytes=40-50' },
    });
    expect(bad.status).toBe(416);
  });

  it('chunked PATCH with Content-Range, status GET, out-of-order → 416, final PUT with last chunk', async () => {
    const data = Buffer.from('a'.repeat(1000) + 'b'.repeat(1000) + 'c'.repeat(500));
    const digest = sha256(data);
    const loc = await startUpload(name());
    const p1 = await oci.request('PATCH', loc, {
      body: data.subarray(0, 1000),
      headers: {
        'content-type': 'application/octet-stream',
        'content-range': '0-999',
        'content-length': '1000',
      },
    });
    expect(p1.status).toBe(202);
    expect(p1.headers.get('range')).toBe('0-999');
    const loc2 = p1.headers.get('location')!;
    const skip = await oci.request('PATCH', loc2, {
      body: data.subarray(1500, 2000),
      headers: { 'content-range': '1500-1999' },
    });
    expect(skip.status).toBe(416);
    expect(code(skip)).toBe('RANGE_INVALID');
    const status = await oci.request('GET', loc2);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-999');
    const p2 = await oci.request('PATCH', loc2, {
      body: data.subarray(1000, 2000),
      headers: { 'content-range': '1000-1999' },
    });
    expect(p2.status).toBe(202);
    const fin = await oci.request('PUT', `${p2.headers.get('location')!}?digest=${digest}`, {
      body: data.subarray(2000),
      headers: { 'content-range': '2000-2499', 'content-type': 'application/octet-stream' },
    });
    expect(fin.status).toBe(201);
    const got = await oci.request('GET', `/v2/${name()}/blobs/${digest}`);
    expect(sha256(got.body)).toBe(digest);
  });

  it('streamed PATCH without Content-Range (docker push style), then PUT without body', async () => {
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const digest = sha256(Buffer.concat(chunks));
    const loc = await startUpload(name());
    // A stream cannot be replayed after a 401, so take the token first as a client would.
    const { token } = await oci.token([`repository:${name()}:pull,push`]);
    const p = await oci.request('PATCH', loc, {
      body: streamOf(chunks),
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${token!}` },
      raw: true,
    });
    expect(p.status).toBe(202);
    expect(p.headers.get('range')).toBe(`0-${20 * 64 * 1024 - 1}`);
    const fin = await oci.request('PUT', `${p.headers.get('location')!}?digest=${digest}`);
    expect(fin.status).toBe(201);
    expect((await oci.request('HEAD', `/v2/${name()}/blobs/${digest}`)).status).toBe(200);
  });

  it('resumes an upload after an API restart (state is in the database and storage)', async () => {
    const data = Buffer.from('x'.repeat(3000) + 'y'.repeat(3000));
    const digest = sha256(data);
    const loc = await startUpload(name());
    const p1 = await oci.request('PATCH', loc, {
      body: data.subarray(0, 3000),
      headers: { 'content-range': '0-2999' },
    });
    expect(p1.status).toBe(202);
    await t.restart();
    const resumed = new OciTestClient(t.url, { username: owner.email, password: owner.password });
    const status = await resumed.request('GET', p1.headers.get('location')!);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-2999');
    const p2 = await resumed.request('PATCH', p1.headers.get('location')!, {
      body: data.subarray(3000),
      headers: { 'content-range': '3000-5999' },
    });
    expect(p2.status).toBe(202);
    const fin = await resumed.request('PUT', `${p2.headers.get('location')!}?digest=${digest}`);
    expect(fin.status).toBe(201);
    const got = await resumed.request('GET', `/v2/${name()}/blobs/${digest}`);
    expect(got.body.equals(data)).toBe(true);
    oci = resumed;
  }, 60_000);

  it('digest mismatch answers DIGEST_INVALID and stores nothing', async () => {
    const data = Buffer.from('the real bytes');
    const wrong = sha256('other bytes');
    const res = await oci.request('POST', `/v2/${name()}/blobs/uploads/?digest=${wrong}`, { body: data });
    expect(res.status).toBe(400);
    expect(code(res)).toBe('DIGEST_INVALID');
    expect((await oci.request('HEAD', `/v2/${name()}/blobs/${wrong}`)).status).toBe(404);
    expect((await oci.request('HEAD', `/v2/${name()}/blobs/${sha256(data)}`)).status).toBe(404);
    const loc = await startUpload(name());
    await oci.request('PATCH', loc, { body: data });
    const fin = await oci.request('PUT', `${loc}?digest=${wrong}`);
    expect(code(fin)).toBe('DIGEST_INVALID');
    expect(code(await oci.request('GET', loc))).toBe('BLOB_UPLOAD_UNKNOWN');
    const size = await oci.request('PATCH', await startUpload(name()), {
      body: data,
      headers: { 'content-range': '0-99' },
    });
    expect(size.status).toBe(400);
    expect(code(size)).toBe('SIZE_INVALID');
  });

  it('stores an empty blob', async () => {
    const empty = blobOf(Buffer.alloc(0));
    expect((await oci.pushBlob(name(), empty)).status).toBe(201);
    const got = await oci.request('GET', `/v2/${name()}/blobs/${empty.digest}`);
    expect(got.status).toBe(200);
    expect(got.body.length).toBe(0);
  });

  it('cancels an upload', async () => {
    const loc = await startUpload(name());
    expect((await oci.request('DELETE', loc)).status).toBe(204);
    expect(code(await oci.request('GET', loc))).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('mounts across repositories only when the caller may pull from the source', async () => {
    const b = blobOf(Buffer.from('mount me'));
    await oci.pushBlob(`${org}/mount-src`, b);
    const ok = await oci.request(
      'POST',
      `/v2/${org}/mount-dst/blobs/uploads/?mount=${b.digest}&from=${org}/mount-src`,
    );
    expect(ok.status).toBe(201);
    expect(ok.headers.get('location')).toBe(`/v2/${org}/mount-dst/blobs/${b.digest}`);
    expect((await oci.request('HEAD', `/v2/${org}/mount-dst/blobs/${b.digest}`)).status).toBe(200);
    // Another organization's user: no pull on the source, so a plain upload starts instead.
    const stranger = await signup(api, 'stranger');
    const s = new OciTestClient(t.url, { username: stranger.email, password: stranger.password });
    const fallback = await s.request(
      'POST',
      `/v2/${stranger.organization}/x/blobs/uploads/?mount=${b.digest}&from=${org}/mount-src`,
    );
    expect(fallback.status).toBe(202);
    expect(fallback.headers.get('location')).toMatch(/\/blobs\/uploads\//);
    expect((await s.request('HEAD', `/v2/${stranger.organization}/x/blobs/${b.digest}`)).status).toBe(404);
  });

  it('concurrent first pushes to one new repository converge on one row (no 500)', async () => {
    // skopeo starts a layer's upload or mount per layer in parallel, so the first push of a repository
    // creates it from several requests at once. The race is narrow: many rounds of several at once.
    const store = t.app.get(RegistryStore);
    for (let round = 0; round < 300; round++) {
      const repoName = `${org}/race-${round}`;
      const repos = await Promise.all(
        Array.from({ length: 8 }, () => store.ensureRepository(owner.orgId, repoName)),
      );
      expect(new Set(repos.map((r) => r.id)).size).toBe(1);
    }
    // And through /v2: parallel upload starts into a repository that does not exist yet.
    for (let round = 0; round < 5; round++) {
      const statuses = await Promise.all(
        Array.from({ length: 4 }, () =>
          oci.request('POST', `/v2/${org}/race-http-${round}/blobs/uploads/`).then((r) => r.status),
        ),
      );
      expect(statuses).toEqual([202, 202, 202, 202]);
    }
  });

  it('deletes a blob link', async () => {
    const b = blobOf(Buffer.from('delete me'));
    await oci.pushBlob(`${org}/uploads`, b);
    expect((await oci.request('DELETE', `/v2/${org}/uploads/blobs/${b.digest}`)).status).toBe(202);
    expect(code(await oci.request('GET', `/v2/${org}/uploads/blobs/${b.digest}`))).toBe('BLOB_UNKNOWN');
  });
});

describe('manifests', () => {
  it('refuses a manifest that references a missing blob, accepts foreign layers', async () => {
    const img = buildImage('missing');
    await oci.pushBlob(`${org}/m`, img.config);
    const res = await oci.request('PUT', `/v2/${org}/m/manifests/v1`, {
      body: img.manifest,
      headers: { 'content-type': img.mediaType },
    });
    expect(res.status).toBe(400);
    expect(code(res)).toBe('MANIFEST_BLOB_UNKNOWN');
    expect(res.json<Err>().errors[0].detail).toEqual([{ digest: img.layers[0].digest }]);
    const foreign = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          digest: img.config.digest,
          size: img.config.size,
        },
        layers: [
          {
            mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
            digest: sha256('win'),
            size: 3,
            urls: ['https://x.example/w'],
          },
        ],
      }),
    );
    const ok = await oci.request('PUT', `/v2/${org}/m/manifests/win`, {
      body: foreign,
      headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(ok.status).toBe(201);
  });

  it('stores exact bytes, answers by tag and digest, refuses schema 1 and > 4 MiB', async () => {
    const img = buildImage('exact');
    const put = await oci.pushImage(`${org}/m`, 'exact', img);
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`/v2/${org}/m/manifests/${img.digest}`);
    const byDigest = await oci.request('GET', `/v2/${org}/m/manifests/${img.digest}`);
    expect(byDigest.body.equals(img.manifest)).toBe(true);
    expect(byDigest.headers.get('content-type')).toBe(img.mediaType);
    const refused = await oci.request('GET', `/v2/${org}/m/manifests/exact`, {
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(code(refused)).toBe('MANIFEST_UNKNOWN');
    const head = await oci.request('HEAD', `/v2/${org}/m/manifests/exact`);
    expect(head.headers.get('docker-content-digest')).toBe(img.digest);
    const s1 = await oci.request('PUT', `/v2/${org}/m/manifests/old`, {
      body: JSON.stringify({ schemaVersion: 1, name: 'x', tag: 'old', fsLayers: [], history: [] }),
      headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' },
    });
    expect(code(s1)).toBe('MANIFEST_INVALID');
    expect(s1.json<Err>().errors[0].message).toMatch(/schema 1/);
    const big = await oci.request('PUT', `/v2/${org}/m/manifests/big`, {
      body: Buffer.alloc(4 * 1024 * 1024 + 10, 32),
      headers: { 'content-type': img.mediaType },
    });
    expect(big.status).toBe(413);
    const wrongDigest = await oci.request('PUT', `/v2/${org}/m/manifests/${sha256('nope')}`, {
      body: img.manifest,
      headers: { 'content-type': img.mediaType },
    });
    expect(code(wrongDigest)).toBe('DIGEST_INVALID');
    expect(code(await oci.request('GET', `/v2/${org}/m/manifests/nope`))).toBe('MANIFEST_UNKNOWN');
    expect(code(await oci.request('GET', `/v2/${org}/never-pushed/manifests/v1`))).toBe('NAME_UNKNOWN');
  });

  it('pushes an index whose children must exist, and lists platforms in REST', async () => {
    const a = buildImage('idx-a', { arch: 'amd64' });
    const b = buildImage('idx-b', { arch: 'arm64' });
    await oci.pushImage(`${org}/multi`, 'amd64', a);
    const index = buildIndex([
      { image: a, platform: { os: 'linux', architecture: 'amd64' } },
      { image: b, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]);
    const missing = await oci.request('PUT', `/v2/${org}/multi/manifests/latest`, {
      body: index,
      headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
    });
    expect(code(missing)).toBe('MANIFEST_BLOB_UNKNOWN');
    for (const blob of [b.config, ...b.layers]) await oci.pushBlob(`${org}/multi`, blob);
    await oci.request('PUT', `/v2/${org}/multi/manifests/${b.digest}`, {
      body: b.manifest,
      headers: { 'content-type': b.mediaType },
    });
    const ok = await oci.request('PUT', `/v2/${org}/multi/manifests/latest`, {
      body: index,
      headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
    });
    expect(ok.status).toBe(201);
    const tags = await owner.api.get(`/api/v1/orgs/${org}/repositories/multi/tags`);
    expect(tags.status).toBe(200);
    const latest = tags.body.items.find((x: { name: string }) => x.name === 'latest');
    expect(latest.platforms).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    expect(latest.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    const sizeOf = (i: typeof a) => i.config.size + i.layers.reduce((s, l) => s + l.size, 0);
    expect(latest.totalSize).toBe(sizeOf(a) + sizeOf(b));
    const amd = tags.body.items.find((x: { name: string }) => x.name === 'amd64');
    expect(amd.totalSize).toBe(sizeOf(a));
    expect(amd.pushedBy).toBe(owner.email);
  });

  it('emits ManifestPushed on the registry-events queue', async () => {
    const img = buildImage('event');
    await oci.pushImage(`${org}/events`, 'v1', img);
    const q = new Queue('registry-events', {
      connection: { url: t.config.redis.url! },
      prefix: t.config.redis.prefix,
    });
    try {
      const jobs = await q.getJobs(['waiting', 'delayed', 'completed', 'active']);
      const job = jobs.find(
        (j) => j.name === MANIFEST_PUSHED && (j.data as ManifestPushedEvent).digest === img.digest,
      );
      expect(job?.data).toMatchObject({
        organizationId: owner.orgId,
        repository: `${org}/events`,
        tag: 'v1',
        digest: img.digest,
        mediaType: img.mediaType,
        pushedBy: owner.email,
      });
    } finally {
      await q.close();
    }
  });
});

describe('referrers and tags', () => {
  it('lists referrers with artifactType filtering; subject may dangle; OCI-Subject header', async () => {
    const name = `${org}/ref`;
    const subject = buildImage('subject');
    const subjectDesc = {
      mediaType: subject.mediaType,
      digest: subject.digest,
      size: subject.manifest.length,
    };
    const sbom = buildImage('sbom', { subject: subjectDesc, artifactType: 'application/vnd.example.sbom' });
    const sig = buildImage('sig', { subject: subjectDesc, artifactType: 'application/vnd.example.sig' });
    // The subject is not pushed yet: allowed to dangle.
    const first = await oci.pushImage(name, sbom.digest, sbom);
    expect(first.status).toBe(201);
    expect(first.headers.get('oci-subject')).toBe(subject.digest);
    await oci.pushImage(name, 'v1', subject);
    await oci.pushImage(name, sig.digest, sig);
    const all = await oci.request('GET', `/v2/${name}/referrers/${subject.digest}`);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    const idx = all.json<{ manifests: { digest: string; artifactType: string; size: number }[] }>();
    expect(idx.manifests.map((m) => m.digest).sort()).toEqual([sbom.digest, sig.digest].sort());
    expect(idx.manifests.find((m) => m.digest === sbom.digest)).toEqual({
      mediaType: sbom.mediaType,
      digest: sbom.digest,
      size: sbom.manifest.length,
      artifactType: 'application/vnd.example.sbom',
    });
    const filtered = await oci.request(
      'GET',
      `/v2/${name}/referrers/${subject.digest}?artifactType=application/vnd.example.sig`,
    );
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(filtered.json<{ manifests: { digest: string }[] }>().manifests.map((m) => m.digest)).toEqual([
      sig.digest,
    ]);
    const none = await oci.request('GET', `/v2/${name}/referrers/${sha256('nothing')}`);
    expect(none.json()).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [],
    });
  });

  it('paginates tags with n, last and a Link header', async () => {
    const name = `${org}/paged`;
    const img = buildImage('paged');
    await oci.pushImage(name, 'a', img);
    for (const tag of ['b', 'c', 'd', 'e', 'B']) {
      await oci.request('PUT', `/v2/${name}/manifests/${tag}`, {
        body: img.manifest,
        headers: { 'content-type': img.mediaType },
      });
    }
    const all = await oci.request('GET', `/v2/${name}/tags/list`);
    expect(all.json()).toEqual({ name, tags: ['B', 'a', 'b', 'c', 'd', 'e'] });
    const p1 = await oci.request('GET', `/v2/${name}/tags/list?n=2`);
    expect(p1.json()).toEqual({ name, tags: ['B', 'a'] });
    expect(p1.headers.get('link')).toBe(`</v2/${name}/tags/list?n=2&last=a>; rel="next"`);
    const p2 = await oci.request('GET', `/v2/${name}/tags/list?n=2&last=a`);
    expect(p2.json()).toEqual({ name, tags: ['b', 'c'] });
    const p3 = await oci.request('GET', `/v2/${name}/tags/list?n=2&last=d`);
    expect(p3.json()).toEqual({ name, tags: ['e'] });
    expect(p3.headers.get('link')).toBeNull();
    expect((await oci.request('GET', `/v2/${name}/tags/list?n=0`)).json()).toEqual({ name, tags: [] });
    expect((await oci.request('DELETE', `/v2/${name}/manifests/B`)).status).toBe(202);
    expect((await oci.request('GET', `/v2/${name}/tags/list?n=1`)).json()).toEqual({ name, tags: ['a'] });
  });
});

describe('catalog', () => {
  it('lists readable repositories in order, paginated with a Link header', async () => {
    const all = await oci.request('GET', '/v2/_catalog');
    const names = all.json<{ repositories: string[] }>().repositories;
    expect(names.length).toBeGreaterThan(3);
    expect([...names].sort()).toEqual(names);
    expect(names.every((n) => n.startsWith(`${org}/`))).toBe(true);
    const p1 = await oci.request('GET', '/v2/_catalog?n=2');
    expect(p1.json<{ repositories: string[] }>().repositories).toEqual(names.slice(0, 2));
    expect(p1.headers.get('link')).toBe(
      `</v2/_catalog?n=2&last=${encodeURIComponent(names[1])}>; rel="next"`,
    );
    const p2 = await oci.request('GET', `/v2/_catalog?n=2&last=${encodeURIComponent(names[1])}`);
    expect(p2.json<{ repositories: string[] }>().repositories).toEqual(names.slice(2, 4));
    expect((await new OciTestClient(t.url, null).request('GET', '/v2/_catalog')).status).toBe(401);
  });
});

describe('repository rows changed by another replica', () => {
  it('a repository deleted behind this process is recreated by the next push, never half-written', async () => {
    const name = `${org}/elsewhere`;
    const first = buildImage('elsewhere-1');
    expect((await oci.pushImage(name, 'v1', first)).status).toBe(201);
    expect((await oci.request('GET', `/v2/${name}/manifests/v1`)).status).toBe(200);
    // Another replica deletes it (REST DELETE there): this process may still hold the row.
    const pg = new (await import('pg')).default.Client({ connectionString: t.db.url });
    await pg.connect();
    await pg.query(`DELETE FROM repositories WHERE name = $1`, [name]);
    await pg.end();
    const pulled = await oci.request('GET', `/v2/${name}/manifests/v1`);
    expect(pulled.status).toBe(404);
    const again = buildImage('elsewhere-2');
    const attempt = await oci.request('POST', `/v2/${name}/blobs/uploads/`);
    if (attempt.status !== 202) {
      // The cached row was stale: the write's foreign key failed, and the copy was dropped.
      expect(attempt.status).toBe(404);
      expect(code(attempt)).toBe('NAME_UNKNOWN');
    }
    expect((await oci.pushImage(name, 'v2', again)).status).toBe(201);
    const got = await oci.request('GET', `/v2/${name}/manifests/v2`);
    expect(got.status).toBe(200);
    expect(got.body.equals(again.manifest)).toBe(true);
    expect((await oci.request('GET', `/v2/${name}/manifests/v1`)).status).toBe(404);
  });
});

describe('maintenance', () => {
  it('garbage-collects unreferenced blobs only, and drops abandoned uploads', async () => {
    const keep = buildImage('gc-keep');
    await oci.pushImage(`${org}/gc`, 'v1', keep);
    const orphan = blobOf(Buffer.from('nobody references me'));
    await oci.pushBlob(`${org}/gc`, orphan);
    const loc = await startUpload(`${org}/gc`);
    await oci.request('PATCH', loc, { body: Buffer.from('abandoned') });
    const m = t.app.get(RegistryMaintenance);
    const now = await m.collectGarbage(new Date());
    expect(now.deleted).not.toContain(orphan.digest); // too young: its manifest may be on its way
    const later = new Date(Date.now() + 48 * 3600_000);
    const gc = await m.collectGarbage(later);
    expect(gc.deleted).toContain(orphan.digest);
    for (const b of [keep.config, ...keep.layers]) expect(gc.deleted).not.toContain(b.digest);
    expect((await oci.request('HEAD', `/v2/${org}/gc/blobs/${orphan.digest}`)).status).toBe(404);
    const layer = await oci.request('GET', `/v2/${org}/gc/blobs/${keep.layers[0].digest}`);
    expect(sha256(layer.body)).toBe(keep.layers[0].digest);
    const cleaned = await m.cleanUploads(later);
    expect(cleaned.sessions).toBeGreaterThanOrEqual(1);
    expect(code(await oci.request('GET', loc))).toBe('BLOB_UPLOAD_UNKNOWN');
  });
  it('sweeps stored blobs that lost their row (crash before the insert) once old, and a re-push revives one', async () => {
    const name = `${org}/gc-orphans`;
    const lost = blobOf(Buffer.from('published, then the process died before its row'));
    const revived = blobOf(Buffer.from('an orphan that is pushed again'));
    for (const b of [lost, revived]) expect((await oci.pushBlob(name, b)).status).toBe(201);
    const pg = new (await import('pg')).default.Client({ connectionString: t.db.url });
    await pg.connect();
    await pg.query(`DELETE FROM blobs WHERE digest = ANY($1)`, [[lost.digest, revived.digest]]);
    await pg.end();
    const store = t.app.get<BlobStore>(BLOB_STORE);
    const m = t.app.get(RegistryMaintenance);
    // The bytes are still there, but no row says so: the registry does not serve them.
    expect(await store.stat(lost.digest)).toEqual({ size: lost.size });
    expect((await oci.request('HEAD', `/v2/${name}/blobs/${lost.digest}`)).status).toBe(404);
    // Pushed again: the upload finds the bytes stored, records the row, and they are served.
    expect((await oci.pushBlob(name, revived)).status).toBe(201);
    const got = await oci.request('GET', `/v2/${name}/blobs/${revived.digest}`);
    expect(got.status).toBe(200);
    expect(got.body.equals(revived.bytes)).toBe(true);
    // Young objects are left alone (their row may be on its way); old ones without a row go.
    expect((await m.collectGarbage(new Date())).orphans).toEqual([]);
    const later = new Date(Date.now() + 48 * 3600_000);
    const gc = await m.collectGarbage(later);
    expect(gc.orphans).toContain(lost.digest);
    expect(gc.orphans).not.toContain(revived.digest);
    expect(await store.stat(lost.digest)).toBeNull();
  });
});
