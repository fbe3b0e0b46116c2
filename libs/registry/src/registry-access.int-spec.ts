import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { ApiClient, identity, signup } from '../../../test/support/http.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';
import { BLOB_STORE, type BlobStore } from './storage/blob-store.js';
import {
  blobOf,
  buildImage,
  buildIndex,
  OciTestClient,
  sha256,
  type TestImage,
} from './testing/oci-test-client.js';

/**
 * The team-grant matrix: read-only / read-write / admin, on one repository and on a namespace
 * prefix, checked over /v2 (pull, push, delete) and REST (scan mode, settings, delete repository).
 */

let t: TestApp;
let api: ApiClient;
let owner: Awaited<ReturnType<typeof signup>>;
let org: string;
let ownerOci: OciTestClient;

type Err = { errors: { code: string }[] };
const code = (r: { json: <T>() => T }) => r.json<Err>().errors[0]?.code;

async function member(
  label: string,
): Promise<{ email: string; password: string; api: ApiClient; userId: string }> {
  const who = identity(label);
  const inv = await owner.api.post(`/api/v1/orgs/${org}/invitations`, { email: who.email, role: 'member' });
  expect(inv.status).toBe(201);
  const acc = await api.post(`/api/v1/invitations/${inv.body.token}/accept`, { password: who.password });
  expect(acc.status).toBe(200);
  const login = await api.post('/api/v1/auth/login', { email: who.email, password: who.password });
  const userApi = api.as(login.body.accessToken);
  const me = await userApi.get('/api/v1/me');
  return { email: who.email, password: who.password, api: userApi, userId: me.body.id };
}

async function teamWithGrant(name: string, userId: string, target: string, level: string): Promise<void> {
  const team = await owner.api.post(`/api/v1/orgs/${org}/teams`, { name });
  expect(team.status).toBe(201);
  expect((await owner.api.put(`/api/v1/orgs/${org}/teams/${team.body.id}/members/${userId}`)).status).toBe(
    200,
  );
  const g = await owner.api.put(`/api/v1/orgs/${org}/teams/${team.body.id}/grants`, { target, level });
  expect(g.status).toBe(200);
}

beforeAll(async () => {
  t = await startTestApp();
  api = new ApiClient(t.url);
  owner = await signup(api, 'acc');
  org = owner.organization;
  ownerOci = new OciTestClient(t.url, { username: owner.email, password: owner.password });
}, 60_000);

afterAll(async () => {
  await t?.close();
}, 30_000);

const LEVELS = ['read', 'write', 'admin'] as const;
const EXPECT: Record<(typeof LEVELS)[number], Record<string, boolean>> = {
  read: { pull: true, push: false, delete: false, scanMode: false, settings: false, deleteRepo: false },
  write: { pull: true, push: true, delete: true, scanMode: true, settings: false, deleteRepo: false },
  admin: { pull: true, push: true, delete: true, scanMode: true, settings: true, deleteRepo: true },
};

describe.each([
  ['repository', (ns: string) => ({ target: `${org}/${ns}/app`, repo: `${ns}/app` })],
  ['namespace prefix', (ns: string) => ({ target: `${org}/${ns}/`, repo: `${ns}/app` })],
])('team grant on a %s', (kind, where) => {
  it.each(LEVELS)(
    'level %s',
    async (level) => {
      const ns = `${kind === 'repository' ? 'r' : 'p'}-${level}`;
      const { target, repo } = where(ns);
      const full = `${org}/${repo}`;
      const img = buildImage(`${ns}-img`);
      expect((await ownerOci.pushImage(full, 'v1', img)).status).toBe(201);
      await ownerOci.request('PUT', `/v2/${full}/manifests/v2`, {
        body: img.manifest,
        headers: { 'content-type': img.mediaType },
      });
      // A sibling outside the grant stays invisible.
      await ownerOci.pushImage(`${org}/${ns}x/app`, 'v1', img);
      const u = await member(`${ns}u`);
      await teamWithGrant(`team-${ns}`, u.userId, target, level);
      const oci = new OciTestClient(t.url, { username: u.email, password: u.password });
      const want = EXPECT[level];

      const pull = await oci.request('GET', `/v2/${full}/manifests/v1`);
      expect(pull.status === 200).toBe(want.pull);

      const push = await oci.request('PUT', `/v2/${full}/manifests/pushed`, {
        body: img.manifest,
        headers: { 'content-type': img.mediaType },
      });
      expect(push.status === 201).toBe(want.push);
      if (!want.push) expect([push.status, code(push)]).toEqual([403, 'DENIED']);

      const del = await oci.request('DELETE', `/v2/${full}/manifests/v2`);
      expect(del.status === 202).toBe(want.delete);
      if (!want.delete) expect(code(del)).toBe('DENIED');

      const encoded = encodeURIComponent(repo);
      const scan = await u.api.patch(`/api/v1/orgs/${org}/repositories/${encoded}`, { scanMode: 'manual' });
      expect(scan.status === 200).toBe(want.scanMode);
      const settings = await u.api.patch(`/api/v1/orgs/${org}/repositories/${encoded}`, {
        visibility: 'public',
      });
      expect(settings.status === 200).toBe(want.settings);
      if (!want.settings) expect(settings.status).toBe(403);

      // Outside the grant: pull looks like a missing repository, push is denied.
      const outside = await oci.request('GET', `/v2/${org}/${ns}x/app/manifests/v1`);
      expect(code(outside)).toBe('NAME_UNKNOWN');
      const outsidePush = await oci.request('PUT', `/v2/${org}/${ns}x/app/manifests/mine`, {
        body: img.manifest,
        headers: { 'content-type': img.mediaType },
      });
      expect(code(outsidePush)).toBe('DENIED');
      const list = await u.api.get(`/api/v1/orgs/${org}/repositories`);
      expect(list.body.items.map((r: { name: string }) => r.name)).toEqual([full]);
      expect(
        (await u.api.get(`/api/v1/orgs/${org}/repositories/${encodeURIComponent(`${ns}x/app`)}`)).status,
      ).toBe(404);

      if (kind === 'namespace prefix' && want.push) {
        // Write on a prefix creates new repositories under it on first push.
        const fresh = buildImage(`${ns}-fresh`);
        expect((await oci.pushImage(`${org}/${ns}/new-one`, 'v1', fresh)).status).toBe(201);
      }

      const delRepo = await u.api.delete(`/api/v1/orgs/${org}/repositories/${encoded}`);
      expect(delRepo.status === 204).toBe(want.deleteRepo);
      if (want.deleteRepo)
        expect(code(await ownerOci.request('GET', `/v2/${full}/manifests/v1`))).toBe('NAME_UNKNOWN');
    },
    60_000,
  );
});

describe('members and tokens', () => {
  it('a member without a grant sees no private repository', async () => {
    await ownerOci.pushImage(`${org}/secret`, 'v1', buildImage('secret'));
    const u = await member('nogrant');
    const oci = new OciTestClient(t.url, { username: u.email, password: u.password });
    expect(code(await oci.request('GET', `/v2/${org}/secret/manifests/v1`))).toBe('NAME_UNKNOWN');
    expect((await oci.request('GET', '/v2/_catalog')).json()).toEqual({ repositories: [] });
    expect((await u.api.get(`/api/v1/orgs/${org}/repositories`)).body.items).toEqual([]);
  });

  it('a service account gets its grants at creation; token scopes narrow what it may do', async () => {
    const sa = await owner.api.post(`/api/v1/orgs/${org}/service-accounts`, {
      name: 'deployer',
      grants: [{ target: `${org}/deploy/`, level: 'write' }],
    });
    expect(sa.status).toBe(201);
    const full = await owner.api.post(`/api/v1/orgs/${org}/service-accounts/${sa.body.id}/tokens`, {
      name: 'all',
    });
    const pullOnly = await owner.api.post(`/api/v1/orgs/${org}/service-accounts/${sa.body.id}/tokens`, {
      name: 'pull',
      scopes: ['registry:pull'],
    });
    const img = buildImage('deploy');
    const rw = new OciTestClient(t.url, { username: 'x', password: full.body.token });
    expect((await rw.pushImage(`${org}/deploy/api`, 'v1', img)).status).toBe(201);
    const ro = new OciTestClient(t.url, { username: 'x', password: pullOnly.body.token });
    expect((await ro.request('GET', `/v2/${org}/deploy/api/manifests/v1`)).status).toBe(200);
    const denied = await ro.request('POST', `/v2/${org}/deploy/api/blobs/uploads/`);
    expect([denied.status, code(denied)]).toEqual([403, 'DENIED']);
    // An API token works directly as a bearer token on /v2 too.
    const direct = await fetch(new URL(`/v2/${org}/deploy/api/tags/list`, t.url), {
      headers: { authorization: `Bearer ${full.body.token}` },
    });
    expect(await direct.json()).toEqual({ name: `${org}/deploy/api`, tags: ['v1'] });
  });

  it('REST: create, get by encoded name, list with filter, tags, delete tag', async () => {
    const created = await owner.api.post(`/api/v1/orgs/${org}/repositories`, {
      name: 'made/by-rest',
      visibility: 'public',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: `${org}/made/by-rest`,
      path: 'made/by-rest',
      visibility: 'public',
      scanMode: 'on_push',
    });
    expect((await owner.api.post(`/api/v1/orgs/${org}/repositories`, { name: 'made/by-rest' })).status).toBe(
      409,
    );
    expect((await owner.api.post(`/api/v1/orgs/${org}/repositories`, { name: 'Bad Name' })).status).toBe(400);
    const got = await owner.api.get(`/api/v1/orgs/${org}/repositories/${encodeURIComponent('made/by-rest')}`);
    expect(got.body.level).toBe('admin');
    expect(got.body).toMatchObject({ tagCount: 0, lastPushedAt: null });
    const filtered = await owner.api.get(`/api/v1/orgs/${org}/repositories?q=by-rest`);
    expect(filtered.body.items.map((r: { name: string }) => r.name)).toEqual([`${org}/made/by-rest`]);
    const img = buildImage('rest');
    await ownerOci.pushImage(`${org}/made/by-rest`, 'v1', img);
    const tags = await owner.api.get(
      `/api/v1/orgs/${org}/repositories/${encodeURIComponent('made/by-rest')}/tags`,
    );
    expect(tags.body.items).toEqual([
      expect.objectContaining({
        name: 'v1',
        digest: img.digest,
        mediaType: img.mediaType,
        totalSize: img.config.size + img.layers[0].size,
        platforms: [],
        pushedAt: expect.any(String),
        pushedBy: owner.email,
      }),
    ]);
    // The list carries the last push (the newest tag's) and the tag count.
    const listed = await owner.api.get(`/api/v1/orgs/${org}/repositories?q=by-rest`);
    expect(listed.body.items[0]).toMatchObject({ tagCount: 1, lastPushedAt: tags.body.items[0].pushedAt });
    expect(
      (
        await owner.api.delete(
          `/api/v1/orgs/${org}/repositories/${encodeURIComponent('made/by-rest')}/tags/v1`,
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await owner.api.delete(
          `/api/v1/orgs/${org}/repositories/${encodeURIComponent('made/by-rest')}/tags/v1`,
        )
      ).status,
    ).toBe(404);
    // Anonymous pull of the public repository works (after a push).
    await ownerOci.request('PUT', `/v2/${org}/made/by-rest/manifests/v2`, {
      body: img.manifest,
      headers: { 'content-type': img.mediaType },
    });
    const anon = new OciTestClient(t.url, null);
    expect((await anon.request('GET', `/v2/${org}/made/by-rest/manifests/v2`)).status).toBe(200);
    expect((await anon.request('GET', `/v2/${org}/secret/manifests/v1`)).status).toBe(401);
  });
});

/**
 * An image whose config blob is `config` (any bytes), as an OCI image or a Docker schema 2 manifest;
 * `configType` makes it an artifact (a config that is no image config).
 */
function imageWithConfig(
  seed: string,
  config: Buffer | Record<string, unknown>,
  { docker = false, configType }: { docker?: boolean; configType?: string } = {},
): TestImage {
  const base = buildImage(seed);
  const cfg = blobOf(
    Buffer.isBuffer(config) ? config : Buffer.from(JSON.stringify(config)),
    configType ??
      (docker
        ? 'application/vnd.docker.container.image.v1+json'
        : 'application/vnd.oci.image.config.v1+json'),
  );
  const mediaType = docker ? 'application/vnd.docker.distribution.manifest.v2+json' : base.mediaType;
  const layerType = docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : base.layers[0].mediaType;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: cfg.mediaType, digest: cfg.digest, size: cfg.size },
      layers: base.layers.map((l) => ({ mediaType: layerType, digest: l.digest, size: l.size })),
    }),
  );
  return { config: cfg, layers: base.layers, manifest, digest: sha256(manifest), mediaType };
}

describe('REST: one tag', () => {
  const repo = 'one/tag';
  const url = (tag: string, name = repo) =>
    `/api/v1/orgs/${org}/repositories/${encodeURIComponent(name)}/tags/${encodeURIComponent(tag)}`;

  it('answers an item of the tag list; an image gains its platform from its config', async () => {
    const full = `${org}/${repo}`;
    const oci = buildImage('one-oci', { arch: 'arm64' });
    expect((await ownerOci.pushImage(full, 'oci', oci)).status).toBe(201);
    const docker = imageWithConfig(
      'one-docker',
      { os: 'linux', architecture: 'arm', variant: 'v7', rootfs: { type: 'layers', diff_ids: [] } },
      { docker: true },
    );
    expect((await ownerOci.pushImage(full, 'docker', docker)).status).toBe(201);

    const list = await owner.api.get(`/api/v1/orgs/${org}/repositories/${encodeURIComponent(repo)}/tags`);
    const listed = (name: string) => list.body.items.find((x: { name: string }) => x.name === name);
    // The list stays cheap: no blob read per tag, so an image's platforms are [] there.
    expect(listed('oci').platforms).toEqual([]);

    const one = await owner.api.get(url('oci'));
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ ...listed('oci'), platforms: [{ os: 'linux', architecture: 'arm64' }] });
    expect(one.body).toMatchObject({
      name: 'oci',
      digest: oci.digest,
      mediaType: oci.mediaType,
      totalSize: oci.config.size + oci.layers[0].size,
      pushedBy: owner.email,
    });
    const d = await owner.api.get(url('docker'));
    expect(d.body).toMatchObject({
      digest: docker.digest,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      platforms: [{ os: 'linux', architecture: 'arm', variant: 'v7' }],
    });
    // The full name works as well as the path inside the organization.
    expect((await owner.api.get(url('oci', full))).body.digest).toBe(oci.digest);
  });

  it('an index keeps the platforms of its manifest', async () => {
    const full = `${org}/${repo}`;
    const a = buildImage('one-idx-a', { arch: 'amd64' });
    const b = buildImage('one-idx-b', { arch: 'arm64' });
    for (const [tag, img] of [
      ['a', a],
      ['b', b],
    ] as const)
      expect((await ownerOci.pushImage(full, tag, img)).status).toBe(201);
    const index = buildIndex([
      { image: a, platform: { os: 'linux', architecture: 'amd64' } },
      { image: b, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]);
    const put = await ownerOci.request('PUT', `/v2/${full}/manifests/multi`, {
      body: index,
      headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
    });
    expect(put.status).toBe(201);
    const one = await owner.api.get(url('multi'));
    expect(one.body).toMatchObject({
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
      ],
    });
  });

  it('a missing, invalid, oversized or non-image config gives platforms []', async () => {
    const full = `${org}/${repo}`;
    const cases: [string, TestImage][] = [
      ['not-json', imageWithConfig('one-bad', Buffer.from('{"os": "linux", "architecture": '))],
      ['no-arch', imageWithConfig('one-noarch', { os: 'linux' })],
      [
        'huge',
        imageWithConfig('one-huge', { os: 'linux', architecture: 'amd64', pad: 'x'.repeat(1024 * 1024) }),
      ],
      [
        'artifact',
        imageWithConfig(
          'one-artifact',
          { os: 'linux', architecture: 'amd64' },
          { configType: 'application/vnd.cncf.helm.config.v1+json' },
        ),
      ],
      ['gone', buildImage('one-gone', { arch: 'arm64' })],
    ];
    for (const [tag, img] of cases) expect((await ownerOci.pushImage(full, tag, img)).status).toBe(201);
    // A config blob lost from storage (the tag is still shown).
    await t.app.get<BlobStore>(BLOB_STORE).delete(cases[4][1].config.digest);
    for (const [tag, img] of cases) {
      const r = await owner.api.get(url(tag));
      expect([tag, r.status, r.body.digest, r.body.platforms]).toEqual([tag, 200, img.digest, []]);
    }
  });

  it('404 problem+json for an unknown tag, a caller without read access and another organization', async () => {
    const full = `${org}/${repo}`;
    expect((await ownerOci.pushImage(full, 'seen', buildImage('one-seen'))).status).toBe(201);
    const unknown = await owner.api.get(url('never-pushed'));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect((await owner.api.get(url('seen', 'one/never'))).status).toBe(404);

    // A member without a grant on the repository: the same 404 as for a missing one.
    const u = await member('one-nogrant');
    const denied = await u.api.get(url('seen'));
    expect(denied.status).toBe(404);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    // With a read grant, the member reads it (the permission of the tag list).
    await teamWithGrant('team-one-read', u.userId, full, 'read');
    expect((await u.api.get(url('seen'))).status).toBe(200);

    // Another organization: neither through this organization nor by the full name under its own.
    const other = await signup(api, 'one-other');
    const foreign = await other.api.get(url('seen'));
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');
    const own = await other.api.get(
      `/api/v1/orgs/${other.organization}/repositories/${encodeURIComponent(full)}/tags/seen`,
    );
    expect(own.status).toBe(404);
  });
});
