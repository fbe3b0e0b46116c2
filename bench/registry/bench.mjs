#!/usr/bin/env node
// Registry benchmark: skopeo push/pull of a 1 GiB single-layer image (four rounds, each with a fresh
// layer, in ABBA order) and of the fixture images, Drydock side by side with the reference CNCF
// registry (Debian `docker-registry`, loopback, filesystem storage); Drydock's RSS while the 1 GiB
// blobs stream; ten concurrent pushes. Each run uses its own database, dropped at the end.
//
//   node bench/registry/bench.mjs            # needs skopeo, docker-registry, PostgreSQL, Redis
//   DIST=/tmp/ddbench-dist GIB=1 node bench/registry/bench.mjs
//   WARM_BLOB_CACHE=1 node bench/registry/bench.mjs   # keep skopeo's blob info cache (see below)
//   ROUNDS=2 node bench/registry/bench.mjs            # two 1 GiB rounds instead of four (ABBA order)
//
// DIST is a server build (`npm run build:server` → dist/, the default). Prints a Markdown section
// for bench/RESULTS.md on stdout; progress goes to stderr.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

const root = resolve(import.meta.dirname, '../..');
const DIST = resolve(process.env.DIST ?? join(root, 'dist'));
const PG = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const GIB = Number(process.env.GIB ?? 1);
const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 4));
const FIXTURES = resolve(root, '..', 'shared', 'fixtures', 'images');
const REF_PORT = 5055;
const DD_PORT = 5056;
const work = mkdtempSync(join(tmpdir(), 'ddbench-'));
const log = (...a) => console.error('[bench]', ...a);
const serverLog = join(work, 'drydock.log');
const children = [];

function run(cmd, args, opts = {}) {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) =>
      code === 0 ? res(out) : rej(new Error(`${cmd} ${args.join(' ')} → ${code}\n${err}`)),
    );
  });
}

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function waitFor(url) {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

function rssOf(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

/** An OCI layout with one incompressible layer of `bytes` bytes (streamed to disk, never in memory). */
async function makeBigLayout(dir, bytes) {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const tmp = join(dir, 'layer.tmp');
  const hash = createHash('sha256');
  const out = createWriteStream(tmp);
  const chunk = 4 * 1024 * 1024;
  for (let done = 0; done < bytes; done += chunk) {
    const b = randomBytes(Math.min(chunk, bytes - done));
    hash.update(b);
    if (!out.write(b)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  const layerHex = hash.digest('hex');
  renameSync(tmp, join(dir, 'blobs', 'sha256', layerHex));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [`sha256:${layerHex}`] },
    }),
  );
  const configHex = createHash('sha256').update(config).digest('hex');
  writeFileSync(join(dir, 'blobs', 'sha256', configHex), config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: `sha256:${configHex}`,
        size: config.length,
      },
      // Declared uncompressed so that no tool tries to gunzip random bytes.
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerHex}`, size: bytes },
      ],
    }),
  );
  const mHex = createHash('sha256').update(manifest).digest('hex');
  writeFileSync(join(dir, 'blobs', 'sha256', mHex), manifest);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${mHex}`,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': 'big' },
        },
      ],
    }),
  );
  return `sha256:${mHex}`;
}

// Each run's own database, dropped at the end.
const dbName = `ddbench_${randomBytes(4).toString('hex')}`;

async function dropDatabase() {
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.end();
}

async function main() {
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const dbUrl = Object.assign(new URL(PG), { pathname: `/${dbName}` }).toString();

  // Reference registry: distribution with filesystem storage on loopback, no auth.
  const refConf = join(work, 'ref.yml');
  writeFileSync(
    refConf,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(work, 'ref-data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${REF_PORT}\n`,
  );
  children.push(spawn('docker-registry', ['serve', refConf], { stdio: 'ignore' }));

  const dd = spawn(process.execPath, [join(DIST, 'apps/api/src/main.js')], {
    // Its log (warnings and errors at LOG_LEVEL=warn) is kept and shown if the run fails.
    stdio: ['ignore', openSync(serverLog, 'w'), 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(DD_PORT),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${DD_PORT}`,
      DATABASE_URL: dbUrl,
      REDIS_URL: REDIS,
      REDIS_PREFIX: `ddbench-${randomBytes(3).toString('hex')}`,
      DATA_DIR: join(work, 'dd-data'),
      LOG_LEVEL: 'warn',
      WORKER_ENABLED: 'false',
      SCANNING_ENABLED: 'false',
    },
  });
  children.push(dd);
  await waitFor(`http://127.0.0.1:${REF_PORT}/v2/`);
  await waitFor(`http://127.0.0.1:${DD_PORT}/v2/`);
  log('registries up; drydock pid', dd.pid);

  const email = `bench-${randomBytes(3).toString('hex')}@example.test`;
  const password = 'bench-password-long-enough';
  // The same organization every run (each run has its own database), as the reference's repository
  // names are the same every run: skopeo's blob info cache, kept across runs, then remembers the same
  // kind of locations for both registries. A new name per run left Drydock alone with up to five
  // stale locations per blob to probe, each with a token request for its scope.
  const org = 'benchorg';
  const su = await fetch(`http://127.0.0.1:${DD_PORT}/api/v1/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organization: org, email, password }),
  });
  if (su.status !== 201) throw new Error(`signup: ${su.status} ${await su.text()}`);
  // Push and pull as a service account with an API token, as CI does (a password would be
  // verified with argon2id on every token request, which is by design slow).
  const { accessToken } = await su.json();
  const rest = (path, body) =>
    fetch(`http://127.0.0.1:${DD_PORT}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  const sa = await rest(`/orgs/${org}/service-accounts`, {
    name: 'bench',
    grants: [{ target: `${org}/`, level: 'write' }],
  });
  const saToken = (await rest(`/orgs/${org}/service-accounts/${sa.id}/tokens`, { name: 'bench' })).token;

  const targets = {
    reference: { host: `127.0.0.1:${REF_PORT}`, repo: 'bench', creds: [] },
    drydock: { host: `127.0.0.1:${DD_PORT}`, repo: `${org}/bench`, creds: ['--creds', `bench:${saToken}`] },
  };
  const skopeo = (args) => run('skopeo', ['--insecure-policy', ...args]);
  const push = (t, src, ref, flags = []) =>
    skopeo([
      'copy',
      ...flags,
      '--dest-tls-verify=false',
      ...t.creds.map((c) => (c === '--creds' ? '--dest-creds' : c)),
      src,
      `docker://${t.host}/${t.repo}/${ref}`,
    ]);
  const pull = (t, ref, dest, flags = []) =>
    skopeo([
      'copy',
      ...flags,
      '--src-tls-verify=false',
      ...t.creds.map((c) => (c === '--creds' ? '--src-creds' : c)),
      `docker://${t.host}/${t.repo}/${ref}`,
      dest,
    ]);

  const results = { reference: { big: { pushS: 0, pullS: 0 } }, drydock: { big: { pushS: 0, pullS: 0 } } };
  const bytes = Math.round(GIB * 1024 * 1024 * 1024);
  // ROUNDS rounds (default 4), each with its own freshly generated layer (no blob is ever already
  // there), in ABBA order: the reference goes first in even rounds, Drydock in odd ones, so that
  // neither side always copies onto the disk state the other just left.
  const bigRounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    log(`building a ${GIB} GiB layout (${r + 1}/${ROUNDS})`);
    const dir = join(work, `big-${r}`);
    await makeBigLayout(dir, bytes);
    bigRounds.push(dir);
  }

  let baseline = 0;
  let peak = 0;
  const perRound = [];
  for (const [r, big] of bigRounds.entries()) {
    const round = {};
    for (const [name, t] of r % 2 ? Object.entries(targets).reverse() : Object.entries(targets)) {
      let sampler;
      if (name === 'drydock') {
        if (!baseline) baseline = peak = rssOf(dd.pid).rss;
        sampler = setInterval(() => (peak = Math.max(peak, rssOf(dd.pid).rss)), 50);
      }
      // Every timed copy starts with no dirty pages: otherwise the writeback of the copies before it
      // (GiBs by the time the second registry pulls) throttles whichever registry runs later.
      await run('sync', []);
      const pushS = await timed(() => push(t, `oci:${big}:big`, `big${r}:v1`, ['--preserve-digests']));
      const out = join(work, `pull-${name}`);
      await run('sync', []);
      const pullS = await timed(() => pull(t, `big${r}:v1`, `dir:${out}`, ['--preserve-digests']));
      if (sampler) clearInterval(sampler);
      rmSync(out, { recursive: true, force: true });
      results[name].big.pushS += pushS;
      results[name].big.pullS += pullS;
      round[name] = { pushS, pullS };
      log(`round ${r + 1}`, name, `${GIB} GiB push`, pushS.toFixed(2), 's pull', pullS.toFixed(2), 's');
    }
    perRound.push(round);
    if (r < ROUNDS - 1) rmSync(big, { recursive: true, force: true });
  }
  const big = bigRounds.at(-1);
  const hwm = rssOf(dd.pid).hwm;

  // Let the kernel write the 1 GiB phase's dirty pages back first, so that its writeback does not
  // land on whichever registry happens to run during it.
  await run('sync', []);
  // Fixture images (skipped without ../shared).
  const fixtures = existsSync(join(FIXTURES, 'fixtures.json'))
    ? JSON.parse(readFileSync(join(FIXTURES, 'fixtures.json'), 'utf8')).fixtures.filter(
        (f) => f.kind !== 'hostile' && !f.kind.includes('foreign'),
      )
    : [];
  // Interleaved: each fixture is pushed to both registries, then pulled from both, so that the two
  // sides of a ratio see the same moment of a shared, noisy machine (small copies take ~0.1 s).
  // Which registry goes first alternates, and each copy starts after a sync, so neither side always
  // runs in the other's writeback.
  for (const name of Object.keys(targets))
    results[name].fixtures = { pushS: 0, pullS: 0, count: fixtures.length };
  const inTurn = (n) => (n % 2 ? Object.entries(targets).reverse() : Object.entries(targets));
  for (const [fi, f] of fixtures.entries()) {
    const [tr, ...rest] = f.skopeoRef.split(':');
    const src = `${tr}:${join(FIXTURES, rest.join(':'))}`;
    const ref = `fx-${f.name.replace(/[^a-z0-9]+/g, '-')}:v1`;
    for (const [name, t] of inTurn(fi)) {
      await run('sync', []);
      results[name].fixtures.pushS += await timed(() => push(t, src, ref, f.skopeoCopyFlags ?? []));
    }
    for (const [name, t] of inTurn(fi + 1)) {
      const out = join(work, `fx-${name}`);
      await run('sync', []);
      results[name].fixtures.pullS += await timed(() => pull(t, ref, `dir:${out}`, f.skopeoCopyFlags ?? []));
      rmSync(out, { recursive: true, force: true });
    }
  }

  // Ten concurrent pushes of the largest fixture (or the 64 MiB slice of the big image) to Drydock.
  const conc = fixtures.find((f) => f.name === 'bookworm-app');
  const concSrc = conc ? `oci-archive:${join(FIXTURES, 'bookworm-app.tar')}` : `oci:${big}:big`;
  const expected = (await skopeo(['inspect', '--raw', concSrc])).toString();
  const concS = await timed(() =>
    Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        push(targets.drydock, concSrc, `concurrent-${i}:v1`, ['--preserve-digests']),
      ),
    ),
  );
  let intact = 0;
  for (let i = 0; i < 10; i++) {
    const raw = await skopeo([
      'inspect',
      '--raw',
      '--tls-verify=false',
      '--creds',
      `bench:${saToken}`,
      `docker://${targets.drydock.host}/${targets.drydock.repo}/concurrent-${i}:v1`,
    ]);
    const out = join(work, `conc-${i}`);
    await pull(targets.drydock, `concurrent-${i}:v1`, `dir:${out}`, ['--preserve-digests']);
    if (raw === expected) intact++;
    rmSync(out, { recursive: true, force: true });
  }

  const mb = (n) => (n / 1024 / 1024).toFixed(0);
  const mbps = (s) => (bytes / 1024 / 1024 / s).toFixed(0);
  // The 1 GiB rows: the mean time of one copy over the rounds; the ratio is of the totals.
  const per = (total) => (total / ROUNDS).toFixed(2);
  const each = ROUNDS > 1 ? ` (mean of ${ROUNDS} rounds)` : '';
  const r = results;
  const lines = [
    `### Registry (${new Date().toISOString().slice(0, 10)}, skopeo ${(await run('skopeo', ['--version'])).trim().split(' ').pop()}, loopback, filesystem storage)`,
    '',
    `| workload | reference registry | Drydock | Drydock / reference throughput |`,
    `| --- | --- | --- | --- |`,
    `| push ${GIB} GiB single layer${each} | ${per(r.reference.big.pushS)} s (${mbps(per(r.reference.big.pushS))} MiB/s) | ${per(r.drydock.big.pushS)} s (${mbps(per(r.drydock.big.pushS))} MiB/s) | ${(r.reference.big.pushS / r.drydock.big.pushS).toFixed(2)}× |`,
    `| pull ${GIB} GiB single layer${each} | ${per(r.reference.big.pullS)} s (${mbps(per(r.reference.big.pullS))} MiB/s) | ${per(r.drydock.big.pullS)} s (${mbps(per(r.drydock.big.pullS))} MiB/s) | ${(r.reference.big.pullS / r.drydock.big.pullS).toFixed(2)}× |`,
  ];
  if (fixtures.length) {
    lines.push(
      `| push ${fixtures.length} fixture images | ${r.reference.fixtures.pushS.toFixed(2)} s | ${r.drydock.fixtures.pushS.toFixed(2)} s | ${(r.reference.fixtures.pushS / r.drydock.fixtures.pushS).toFixed(2)}× |`,
      `| pull ${fixtures.length} fixture images | ${r.reference.fixtures.pullS.toFixed(2)} s | ${r.drydock.fixtures.pullS.toFixed(2)} s | ${(r.reference.fixtures.pullS / r.drydock.fixtures.pullS).toFixed(2)}× |`,
    );
  }
  lines.push('');
  if (ROUNDS > 1)
    lines.push(
      `- ${GIB} GiB rounds, Drydock / reference: ${perRound.map((x, i) => `round ${i + 1} (${i % 2 ? 'Drydock' : 'reference'} first) push ${(x.reference.pushS / x.drydock.pushS).toFixed(2)}×, pull ${(x.reference.pullS / x.drydock.pullS).toFixed(2)}×`).join('; ')}.`,
    );
  lines.push(
    `- Drydock RSS: ${mb(baseline)} MiB before its first ${GIB} GiB push, ${mb(peak)} MiB peak while the ${GIB} GiB blobs streamed in and out (growth ${mb(peak - baseline)} MiB; target < 150 MB); process peak (VmHWM) ${mb(hwm)} MiB.`,
    `- Ten concurrent pushes of ${conc ? 'bookworm-app' : 'the big image'}: ${intact}/10 succeeded with manifests byte-identical and every blob verified on pull; wall time ${concS.toFixed(2)} s.`,
    `- Drydock requests carry a bearer token from /auth/token (service-account API token as the password); the reference registry runs without auth.`,
  );
  console.log(lines.join('\n'));
}

// skopeo remembers, across runs, where it has seen each blob (its blob info cache) and probes those
// locations before uploading. Left over from earlier runs, whose databases and data directories are
// gone, they cost Drydock a token request per stale location (the reference answers the bare HEAD),
// so the result would depend on what ran before. Each run starts with an empty cache: the user's is
// moved aside and put back afterwards (WARM_BLOB_CACHE=1 keeps it in place).
const blobCaches = [
  '/var/lib/containers/cache/blob-info-cache-v1.boltdb',
  join(
    process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'),
    'containers/cache/blob-info-cache-v1.boltdb',
  ),
].filter((p) => !process.env.WARM_BLOB_CACHE && existsSync(p));
for (const p of blobCaches) renameSync(p, `${p}.drydock-bench`);

try {
  await main();
} catch (e) {
  if (existsSync(serverLog)) log('Drydock log:\n' + readFileSync(serverLog, 'utf8'));
  throw e;
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  rmSync(work, { recursive: true, force: true });
  for (const p of blobCaches) renameSync(`${p}.drydock-bench`, p);
  await dropDatabase().catch((e) => log('could not drop database', dbName, e.message));
}
