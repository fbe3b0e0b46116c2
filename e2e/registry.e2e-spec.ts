/**
 * The registry against real clients: skopeo, podman and docker (a private Docker engine started by
 * the test) copy images in and out of a started Drydock. Fixture round trips need ../shared/fixtures
 * (skipped cleanly without it); everything else uses a tiny image built here. Without skopeo on the
 * PATH (the CI installs it, podman and docker.io) the suite reports why and registers nothing else;
 * without podman, or docker and dockerd, only that client's test says so.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiClient, signup } from '../test/support/http.js';
import { startTestApp, type TestApp } from '../test/support/test-app.js';
import {
  OciTestClient,
  buildImage,
  buildIndex,
  type TestImage,
} from '../libs/registry/src/testing/oci-test-client.js';

const FIXTURES = resolve(process.cwd(), '..', 'shared', 'fixtures', 'images');
const hasFixtures = existsSync(join(FIXTURES, 'fixtures.json'));

function run(
  cmd: string,
  args: string[],
  timeout = 300_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    // Asynchronous on purpose: the registry runs in this very process.
    execFile(cmd, args, { timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      res({ code, stdout, stderr });
    });
  });
}

const hasSkopeo = await run('skopeo', ['--version']).then((r) => r.code === 0);
const hasPodman = await run('podman', ['--version']).then((r) => r.code === 0);
const hasDocker =
  (await run('docker', ['--version']).then((r) => r.code === 0)) &&
  (await run('dockerd', ['--version']).then((r) => r.code === 0)) &&
  (await run('ctr', ['--version']).then((r) => r.code === 0));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** An OCI image layout on disk holding `img` as `tag`, for `skopeo copy oci:<dir>:<tag>`. */
function writeLayout(dir: string, tag: string, img: TestImage): void {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const b of [img.config, ...img.layers])
    writeFileSync(join(dir, 'blobs', 'sha256', b.digest.slice(7)), b.bytes);
  writeFileSync(join(dir, 'blobs', 'sha256', img.digest.slice(7)), img.manifest);
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: img.mediaType,
          digest: img.digest,
          size: img.manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
}

/** Every file of a skopeo `dir:` copy named by a digest must hash to that digest. */
function verifyDir(dir: string): string[] {
  const digests: string[] = [];
  for (const f of readdirSync(dir)) {
    const m = /^([a-f0-9]{64})(\.manifest\.json)?$/.exec(f);
    if (!m) continue;
    expect(sha(readFileSync(join(dir, f)))).toBe(m[1]);
    digests.push(m[1]);
  }
  return digests;
}

if (!hasSkopeo) {
  describe('registry e2e', () => {
    it('needs skopeo on the PATH (apt-get install skopeo); nothing else ran', () => {
      console.warn('skopeo not found: registry e2e skipped');
    });
  });
} else {
  describe('registry e2e with skopeo', () => {
    let t: TestApp;
    let host: string;
    let work: string;
    let owner: Awaited<ReturnType<typeof signup>>;
    let other: Awaited<ReturnType<typeof signup>>;
    let ciToken: string;
    let readerToken: string;
    let org: string;
    const tiny = buildImage('e2e-tiny', { layers: 2 });

    const skopeo = (args: string[]) => run('skopeo', ['--insecure-policy', ...args]);
    const dest = (creds: string | null) => [
      '--dest-tls-verify=false',
      ...(creds ? ['--dest-creds', creds] : ['--dest-no-creds']),
    ];
    const src = (creds: string | null) => [
      '--src-tls-verify=false',
      ...(creds ? ['--src-creds', creds] : ['--src-no-creds']),
    ];
    const ci = () => `ci:${ciToken}`;

    /**
     * A client that re-compresses layers from its own storage (podman, docker) pushed `repo:v1` as
     * `pushed`: Drydock serves that manifest, with the built image's layer count, and every blob
     * it names hashes to its digest. Returns the manifest.
     */
    const expectStoredAsPushed = async (repo: string, pushed: string | undefined, accept: string) => {
      const client = new OciTestClient(t.url, { username: 'ci', password: ciToken });
      const m = await client.request('GET', `/v2/${repo}/manifests/v1`, { headers: { accept } });
      expect(m.status).toBe(200);
      expect(`sha256:${sha(m.body)}`).toBe(pushed);
      const doc = m.json<{ mediaType?: string; config: { digest: string }; layers: { digest: string }[] }>();
      expect(doc.layers).toHaveLength(tiny.layers.length);
      for (const d of [doc.config.digest, ...doc.layers.map((l) => l.digest)]) {
        const b = await client.request('GET', `/v2/${repo}/blobs/${d}`);
        expect(`sha256:${sha(b.body)}`).toBe(d);
      }
      return doc;
    };

    beforeAll(async () => {
      t = await startTestApp();
      host = new URL(t.url).host;
      work = mkdtempSync(join(tmpdir(), 'drydock-e2e-registry-'));
      const api = new ApiClient(t.url);
      owner = await signup(api, 'e2ereg');
      other = await signup(api, 'e2eother');
      org = owner.organization;
      const sa = await owner.api.post(`/api/v1/orgs/${org}/service-accounts`, {
        name: 'ci',
        grants: [{ target: `${org}/`, level: 'write' }],
      });
      expect(sa.status).toBe(201);
      const tok = await owner.api.post(`/api/v1/orgs/${org}/service-accounts/${sa.body.id}/tokens`, {
        name: 'e2e',
      });
      ciToken = tok.body.token;
      const ro = await owner.api.post(`/api/v1/orgs/${org}/service-accounts`, {
        name: 'reader',
        grants: [{ target: `${org}/`, level: 'read' }],
      });
      readerToken = (
        await owner.api.post(`/api/v1/orgs/${org}/service-accounts/${ro.body.id}/tokens`, { name: 'ro' })
      ).body.token;
      writeLayout(join(work, 'tiny'), 'v1', tiny);
      const r = await skopeo([
        'copy',
        ...dest(ci()),
        `oci:${join(work, 'tiny')}:v1`,
        `docker://${host}/${org}/tiny:v1`,
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }, 120_000);

    // A Docker engine the docker test started, should that test time out before its own cleanup.
    let dockerDaemon: ChildProcess | undefined;

    afterAll(async () => {
      if (dockerDaemon && dockerDaemon.exitCode === null && dockerDaemon.signalCode === null)
        dockerDaemon.kill('SIGKILL');
      await t?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('copies a built image in and back out byte-identical', async () => {
      const out = join(work, 'tiny-out');
      const r = await skopeo(['copy', ...src(ci()), `docker://${host}/${org}/tiny:v1`, `dir:${out}`]);
      expect(r.code).toBe(0);
      expect(readFileSync(join(out, 'manifest.json')).equals(tiny.manifest)).toBe(true);
      expect(verifyDir(out).sort()).toEqual(
        [tiny.config, ...tiny.layers].map((b) => b.digest.slice(7)).sort(),
      );
    }, 120_000);

    it('inspects and lists tags', async () => {
      await skopeo([
        'copy',
        ...dest(ci()),
        `oci:${join(work, 'tiny')}:v1`,
        `docker://${host}/${org}/tiny:v2`,
      ]);
      const inspect = await skopeo([
        'inspect',
        ...['--tls-verify=false', '--creds', ci()],
        `docker://${host}/${org}/tiny:v1`,
      ]);
      expect(inspect.code).toBe(0);
      expect(JSON.parse(inspect.stdout).Digest).toBe(tiny.digest);
      const raw = await skopeo([
        'inspect',
        '--raw',
        '--tls-verify=false',
        '--creds',
        ci(),
        `docker://${host}/${org}/tiny:v1`,
      ]);
      expect(Buffer.from(raw.stdout).equals(tiny.manifest)).toBe(true);
      const tags = await skopeo([
        'list-tags',
        '--tls-verify=false',
        '--creds',
        ci(),
        `docker://${host}/${org}/tiny`,
      ]);
      expect(JSON.parse(tags.stdout).Tags).toEqual(['v1', 'v2']);
    }, 120_000);

    it('deletes a tag (REST) and an image (skopeo delete)', async () => {
      await skopeo([
        'copy',
        ...dest(ci()),
        `oci:${join(work, 'tiny')}:v1`,
        `docker://${host}/${org}/deleteme:a`,
      ]);
      await skopeo([
        'copy',
        ...dest(ci()),
        `oci:${join(work, 'tiny')}:v1`,
        `docker://${host}/${org}/deleteme:b`,
      ]);
      const del = await owner.api.delete(`/api/v1/orgs/${org}/repositories/deleteme/tags/a`);
      expect(del.status).toBe(204);
      let tags = await skopeo([
        'list-tags',
        '--tls-verify=false',
        '--creds',
        ci(),
        `docker://${host}/${org}/deleteme`,
      ]);
      expect(JSON.parse(tags.stdout).Tags).toEqual(['b']);
      const sd = await skopeo([
        'delete',
        '--tls-verify=false',
        '--creds',
        ci(),
        `docker://${host}/${org}/deleteme:b`,
      ]);
      expect(sd.code).toBe(0);
      tags = await skopeo([
        'list-tags',
        '--tls-verify=false',
        '--creds',
        ci(),
        `docker://${host}/${org}/deleteme`,
      ]);
      expect(JSON.parse(tags.stdout).Tags).toEqual([]);
    }, 120_000);

    it('lets a read-only account pull but not push (403 DENIED)', async () => {
      const out = join(work, 'ro-out');
      const pull = await skopeo([
        'copy',
        ...src(`reader:${readerToken}`),
        `docker://${host}/${org}/tiny:v1`,
        `dir:${out}`,
      ]);
      expect(pull.code).toBe(0);
      const push = await skopeo([
        'copy',
        ...dest(`reader:${readerToken}`),
        `oci:${join(work, 'tiny')}:v1`,
        `docker://${host}/${org}/tiny:ro`,
      ]);
      expect(push.code).not.toBe(0);
      expect(push.stderr).toMatch(/denied/i);
      const client = new OciTestClient(t.url, { username: 'reader', password: readerToken });
      const res = await client.request('POST', `/v2/${org}/tiny/blobs/uploads/`);
      expect(res.status).toBe(403);
      expect(res.json<{ errors: { code: string }[] }>().errors[0].code).toBe('DENIED');
    }, 120_000);

    it('shows another organization nothing', async () => {
      const creds = `${other.email}:${other.password}`;
      const pull = await skopeo([
        'copy',
        ...src(creds),
        `docker://${host}/${org}/tiny:v1`,
        `dir:${join(work, 'other-out')}`,
      ]);
      expect(pull.code).not.toBe(0);
      const client = new OciTestClient(t.url, { username: other.email, password: other.password });
      const m = await client.request('GET', `/v2/${org}/tiny/manifests/v1`);
      expect([401, 404]).toContain(m.status);
      const missing = await client.request('GET', `/v2/${org}/does-not-exist/manifests/v1`);
      expect(missing.status).toBe(m.status);
      const code = (r: typeof m) => r.json<{ errors: { code: string }[] }>().errors[0].code;
      expect(code(missing)).toBe(code(m));
      const cat = await client.request('GET', '/v2/_catalog');
      expect(cat.status).toBe(200);
      expect(cat.json()).toEqual({ repositories: [] });
      const mine = new OciTestClient(t.url, { username: owner.email, password: owner.password });
      expect(
        (await mine.request('GET', '/v2/_catalog')).json<{ repositories: string[] }>().repositories,
      ).toContain(`${org}/tiny`);
      const rest = await other.api.get(`/api/v1/orgs/${org}/repositories`);
      expect(rest.status).toBe(404);
    }, 120_000);

    it('serves anonymous pulls of public repositories only', async () => {
      await skopeo([
        'copy',
        ...dest(ci()),
        `oci:${join(work, 'tiny')}:v1`,
        `docker://${host}/${org}/public-tiny:v1`,
      ]);
      const patch = await owner.api.patch(`/api/v1/orgs/${org}/repositories/public-tiny`, {
        visibility: 'public',
      });
      expect(patch.status).toBe(200);
      const pub = await skopeo([
        'copy',
        ...src(null),
        `docker://${host}/${org}/public-tiny:v1`,
        `dir:${join(work, 'anon-pub')}`,
      ]);
      expect(pub.stderr).toBe('');
      expect(pub.code).toBe(0);
      const priv = await skopeo([
        'copy',
        ...src(null),
        `docker://${host}/${org}/tiny:v1`,
        `dir:${join(work, 'anon-priv')}`,
      ]);
      expect(priv.code).not.toBe(0);
      const push = await skopeo([
        'copy',
        ...dest(null),
        `oci:${join(work, 'tiny')}:v1`,
        `docker://${host}/${org}/public-tiny:anon`,
      ]);
      expect(push.code).not.toBe(0);
    }, 120_000);

    if (!hasPodman) {
      it('podman push/pull needs podman on the PATH (apt-get install podman): skipped', () => {
        console.warn('podman not found: podman push/pull skipped');
      });
    } else {
      it('podman logs in with a service-account token, pushes and pulls; a read-only account cannot push', async () => {
        // Its own storage (vfs: no mounts needed), runtime dir and auth file, so nothing of the
        // machine's podman state is read or changed.
        // Lower case throughout: podman names an image pulled from oci:<dir> after the path.
        const root = join(tmpdir(), `drydock-e2e-podman-${randomBytes(4).toString('hex')}`);
        writeLayout(join(root, 'tiny'), 'v1', tiny);
        try {
          const authfile = join(root, 'auth.json');
          const podman = (store: string, args: string[]) =>
            run('podman', [
              '--root',
              join(root, store, 'root'),
              '--runroot',
              join(root, store, 'run'),
              '--storage-driver',
              'vfs',
              '--events-backend',
              'none',
              ...args,
            ]);
          const login = await podman('a', [
            'login',
            '--tls-verify=false',
            '--authfile',
            authfile,
            '-u',
            'ci',
            '-p',
            ciToken,
            host,
          ]);
          expect(login).toMatchObject({ code: 0 });
          const local = await podman('a', ['pull', `oci:${join(root, 'tiny')}:v1`]);
          expect(local).toMatchObject({ code: 0 }); // on failure the message shows podman's stderr
          const imageId = local.stdout.trim().split('\n').pop()!;
          const digestFile = join(root, 'pushed.digest');
          const push = await podman('a', [
            'push',
            '--tls-verify=false',
            '--authfile',
            authfile,
            '--digestfile',
            digestFile,
            imageId,
            `${host}/${org}/podman/tiny:v1`,
          ]);
          expect(push).toMatchObject({ code: 0 });
          const pushed = readFileSync(digestFile, 'utf8').trim();
          // podman re-compresses layers from its storage: check what Drydock holds against itself.
          await expectStoredAsPushed(
            `${org}/podman/tiny`,
            pushed,
            'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
          );
          // A second, empty store pulls it back with the same credentials.
          const pull = await podman('b', [
            'pull',
            '--tls-verify=false',
            '--authfile',
            authfile,
            `${host}/${org}/podman/tiny:v1`,
          ]);
          expect(pull).toMatchObject({ code: 0 });
          const inspect = await podman('b', [
            'image',
            'inspect',
            '--format',
            '{{.Digest}}',
            `${host}/${org}/podman/tiny:v1`,
          ]);
          expect(inspect.stdout.trim()).toBe(pushed);
          const denied = await podman('a', [
            'push',
            '--tls-verify=false',
            '--creds',
            `reader:${readerToken}`,
            imageId,
            `${host}/${org}/podman/tiny:ro`,
          ]);
          expect(denied.code).not.toBe(0);
          expect(denied.stderr).toMatch(/denied/i);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }, 300_000);
    }

    if (!hasDocker) {
      it('docker push/pull needs docker, dockerd and ctr on the PATH (apt-get install docker.io): skipped', () => {
        console.warn('docker, dockerd or ctr not found: docker and ctr push/pull skipped');
      });
    } else {
      it('docker logs in with a service-account token, pushes and pulls an image and pulls an OCI index, ctr copies the index; a read-only account cannot push with either', async () => {
        // A private Docker engine: its own data root, socket and client config, vfs storage (no
        // mounts), no iptables or bridge (nothing of the machine's network is touched).
        const root = mkdtempSync(join(tmpdir(), 'dd-docker-'));
        const sock = join(root, 'docker.sock');
        const daemon = (dockerDaemon = spawn(
          'dockerd',
          [
            '--data-root',
            join(root, 'data'),
            '--exec-root',
            join(root, 'exec'),
            '--pidfile',
            join(root, 'dockerd.pid'),
            '--host',
            `unix://${sock}`,
            '--storage-driver',
            'vfs',
            '--iptables=false',
            '--ip6tables=false',
            '--bridge=none',
          ],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        ));
        let daemonLog = '';
        daemon.stderr.on('data', (d: Buffer) => (daemonLog = (daemonLog + d.toString()).slice(-8000)));
        const exited = new Promise<void>((res) => daemon.once('exit', () => res()));
        const docker = (config: string, args: string[], input?: string) =>
          new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
            const child = execFile(
              'docker',
              ['--host', `unix://${sock}`, '--config', join(root, config), ...args],
              { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
              (err, stdout, stderr) =>
                res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
            );
            child.stdin?.end(input ?? '');
          });
        try {
          let up = false;
          for (let i = 0; i < 60 && !up && daemon.exitCode === null; i++) {
            up = (await docker('a', ['version', '--format', '{{.Server.Version}}'])).code === 0;
            if (!up) await new Promise((r) => setTimeout(r, 500));
          }
          if (!up) throw new Error(`dockerd did not start:\n${daemonLog}`);

          // docker login: a token request without scope (offline_token=true), then /v2/ with it.
          const login = await docker('a', ['login', host, '-u', 'ci', '--password-stdin'], ciToken);
          expect(login).toMatchObject({ code: 0 });
          expect(login.stdout).toMatch(/Login Succeeded/);

          // The two-layer image, loaded into the engine from its OCI layout.
          writeLayout(join(root, 'tiny'), 'v1', tiny);
          const ref = `${host}/${org}/docker/tiny:v1`;
          const load = await skopeo([
            'copy',
            '--dest-daemon-host',
            `unix://${sock}`,
            `oci:${join(root, 'tiny')}:v1`,
            `docker-daemon:${ref}`,
          ]);
          expect(load).toMatchObject({ code: 0 });

          // docker push streams each layer in one PATCH without Content-Range.
          const push = await docker('a', ['push', ref]);
          expect(push).toMatchObject({ code: 0 });
          const pushed = /digest: (sha256:[a-f0-9]{64})/.exec(push.stdout)?.[1];
          expect(pushed).toBeDefined();
          const doc = await expectStoredAsPushed(
            `${org}/docker/tiny`,
            pushed,
            'application/vnd.docker.distribution.manifest.v2+json',
          );
          expect(doc.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
          const client = new OciTestClient(t.url, { username: 'ci', password: ciToken });

          // Removed from the engine, then pulled back: the same manifest digest, the same image.
          const imageIdOf = async (image: string) =>
            (await docker('a', ['image', 'inspect', '--format', '{{.Id}}', image])).stdout.trim();
          const imageId = await imageIdOf(ref);
          expect(await docker('a', ['rmi', ref])).toMatchObject({ code: 0 });
          const pull = await docker('a', ['pull', ref]);
          expect(pull).toMatchObject({ code: 0 });
          expect(pull.stdout).toContain(`Digest: ${pushed}`);
          expect(await imageIdOf(ref)).toBe(imageId);

          // An OCI image index: docker negotiates it by Accept and pulls this machine's platform.
          const native = process.arch === 'arm64' ? 'arm64' : 'amd64';
          const children = ['amd64', 'arm64'].map((arch) => ({
            image: buildImage(`e2e-docker-${arch}`, { arch }),
            platform: { os: 'linux', architecture: arch },
          }));
          for (const c of children)
            expect((await client.pushImage(`${org}/docker/multi`, c.image.digest, c.image)).status).toBe(201);
          const index = buildIndex(children);
          const put = await client.request('PUT', `/v2/${org}/docker/multi/manifests/v1`, {
            body: index,
            headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
          });
          expect(put.status).toBe(201);
          const multi = await docker('a', ['pull', `${host}/${org}/docker/multi:v1`]);
          expect(multi).toMatchObject({ code: 0 });
          expect(multi.stdout).toContain(`Digest: sha256:${sha(index)}`);
          expect(await imageIdOf(`${host}/${org}/docker/multi:v1`)).toBe(
            children.find((c) => c.platform.architecture === native)!.image.config.digest,
          );

          // containerd's own client (ctr, talking to the containerd dockerd runs), another
          // implementation of pull and push: the index with every platform, pushed to a new
          // repository (its blobs mounted from the first) byte-identical.
          const ctr = (args: string[]) =>
            run(
              'ctr',
              [
                '--address',
                join(root, 'exec', 'containerd', 'containerd.sock'),
                '--namespace',
                'drydock-e2e',
                ...args,
              ],
              60_000,
            );
          const ctrPull = await ctr([
            'images',
            'pull',
            '--all-platforms',
            '--plain-http',
            '--user',
            `ci:${ciToken}`,
            `${host}/${org}/docker/multi:v1`,
          ]);
          expect(ctrPull).toMatchObject({ code: 0 });
          const ctrRef = `${host}/${org}/ctr/multi:v1`;
          expect(await ctr(['images', 'tag', `${host}/${org}/docker/multi:v1`, ctrRef])).toMatchObject({
            code: 0,
          });
          const ctrPush = await ctr(['images', 'push', '--plain-http', '--user', `ci:${ciToken}`, ctrRef]);
          expect(ctrPush).toMatchObject({ code: 0 });
          const copied = await client.request('GET', `/v2/${org}/ctr/multi/manifests/v1`, {
            headers: { accept: 'application/vnd.oci.image.index.v1+json' },
          });
          expect(copied.status).toBe(200);
          expect(copied.body.equals(index)).toBe(true);
          for (const c of children) {
            const b = await client.request('GET', `/v2/${org}/ctr/multi/blobs/${c.image.config.digest}`);
            expect(b.body.equals(c.image.config.bytes)).toBe(true);
          }
          // A read-only push is refused (a new tag: ctr skips a push whose manifest the registry
          // already has under that tag). ctr streams the manifest from a pipe: until refused bodies
          // were read before the answer, it hung here after the 403.
          const ctrRo = `${host}/${org}/ctr/multi:ro`;
          expect(await ctr(['images', 'tag', ctrRef, ctrRo])).toMatchObject({ code: 0 });
          const ctrDenied = await ctr([
            'images',
            'push',
            '--plain-http',
            '--user',
            `reader:${readerToken}`,
            ctrRo,
          ]);
          expect(ctrDenied.code).not.toBe(0);
          expect(ctrDenied.stderr).toMatch(/403 Forbidden/);

          // A read-only account logs in and pulls, but its push is refused.
          const roLogin = await docker('b', ['login', host, '-u', 'reader', '--password-stdin'], readerToken);
          expect(roLogin).toMatchObject({ code: 0 });
          expect(await docker('b', ['pull', ref])).toMatchObject({ code: 0 });
          const roRef = `${host}/${org}/docker/tiny:ro`;
          expect(await docker('b', ['tag', ref, roRef])).toMatchObject({ code: 0 });
          const denied = await docker('b', ['push', roRef]);
          expect(denied.code).not.toBe(0);
          expect(denied.stderr + denied.stdout).toMatch(/denied/i);
          const tags = await client.request('GET', `/v2/${org}/docker/tiny/tags/list`);
          expect(tags.json<{ tags: string[] }>().tags).toEqual(['v1']);
        } finally {
          daemon.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
          if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
          rmSync(root, { recursive: true, force: true });
        }
      }, 300_000);
    }

    if (!hasFixtures) {
      it('fixture round trips need ../shared/fixtures (absent: skipped)', () => {
        console.warn(`no fixtures at ${FIXTURES}: fixture round trips skipped`);
      });
    } else {
      const fixtures = (
        JSON.parse(readFileSync(join(FIXTURES, 'fixtures.json'), 'utf8')) as {
          fixtures: { name: string; skopeoRef: string; skopeoCopyFlags?: string[]; kind: string }[];
        }
      ).fixtures;
      for (const f of fixtures) {
        it(`round-trips fixture ${f.name} (${f.kind}) byte-identical`, async () => {
          const [transport, ...rest] = f.skopeoRef.split(':');
          const source = `${transport}:${join(FIXTURES, rest.join(':'))}`;
          const repo = `${org}/fixtures/${f.name.replace(/[^a-z0-9/]+/g, '-')}`;
          const flags = f.skopeoCopyFlags ?? [];
          const push = await skopeo(['copy', ...flags, ...dest(ci()), source, `docker://${host}/${repo}:v1`]);
          expect(push.stderr.replace(/.*level=warning.*\n?/g, '')).toBe('');
          expect(push.code).toBe(0);
          const want = await skopeo(['inspect', '--raw', source]);
          const got = await skopeo([
            'inspect',
            '--raw',
            '--tls-verify=false',
            '--creds',
            ci(),
            `docker://${host}/${repo}:v1`,
          ]);
          expect(got.code).toBe(0);
          expect(sha(Buffer.from(got.stdout))).toBe(sha(Buffer.from(want.stdout)));
          if (f.kind.includes('foreign')) {
            // Pulling would fetch the foreign layer from its URL (example.com); check the rest by HTTP.
            const doc = JSON.parse(want.stdout) as {
              config: { digest: string };
              layers: { digest: string; urls?: string[] }[];
            };
            const client = new OciTestClient(t.url, { username: 'ci', password: ciToken });
            for (const d of [doc.config.digest, ...doc.layers.filter((l) => !l.urls).map((l) => l.digest)]) {
              const b = await client.request('GET', `/v2/${repo}/blobs/${d}`);
              expect(b.status).toBe(200);
              expect(`sha256:${sha(b.body)}`).toBe(d);
            }
            return;
          }
          const out = join(work, `out-${f.name.replace(/\W+/g, '-')}`);
          const pull = await skopeo([
            'copy',
            ...flags,
            ...src(ci()),
            `docker://${host}/${repo}:v1`,
            `dir:${out}`,
          ]);
          expect(pull.code).toBe(0);
          expect(sha(readFileSync(join(out, 'manifest.json')))).toBe(sha(Buffer.from(want.stdout)));
          expect(verifyDir(out).length).toBeGreaterThan(1);
        }, 300_000);
      }
    }
  });
}
