/**
 * Results-endpoint benchmark of the scanning add-on (issue 6: "the results endpoints answer within
 * 100 ms for an image of 500 components and 2,000 findings"). Run by hand:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 sh bench/scanning/run.sh
 *
 * Boots the real API + worker on a fresh database (test/support), loads 2,000 Debian advisories
 * written here (4 per source package), pushes a Debian image whose dpkg status lists 500 packages,
 * waits for the scan on push, then times each results endpoint over HTTP on loopback (warm-up, then
 * N sequential requests; p50 / p95 / max). Writes the scanning section of bench/RESULTS.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IdentityService } from '@drydock/identity';
import { PgVulnStore } from '@drydock/vulndb';
import { ApiClient, signup } from '../../test/support/http.js';
import { startTestApp } from '../../test/support/test-app.js';
import { startNvdServer } from '../../e2e/support/nvd-server.js';
import { OciTestClient } from '../../libs/registry/src/testing/oci-test-client.js';
import { debianAdvisory, debianImage, nvdScore } from '../../libs/scanning/src/testing/images.js';
import { pushBuilt, scanUrl, waitForScan } from '../../libs/scanning/src/testing/helpers.js';

const COMPONENTS = Number(process.env.BENCH_COMPONENTS ?? 500);
const PER_COMPONENT = Number(process.env.BENCH_VULNS_PER_COMPONENT ?? 4);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const SEVERITIES = [
  [9.8, 'CRITICAL'],
  [7.5, 'HIGH'],
  [5.3, 'MEDIUM'],
  [3.1, 'LOW'],
] as const;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const nvd = await startNvdServer({ rateLimit: null });
  const t = await startTestApp({ worker: true, env: { NVD_URL: nvd.apiUrl } });
  try {
    const api = new ApiClient(t.url);
    const adminCreds = { email: 'bench-admin@example.test', password: 'bench-admin-password' };
    await t.app.get(IdentityService).ensurePlatformAdmin(adminCreds.email, adminCreds.password);
    const admin = api.as((await api.post('/api/v1/auth/login', adminCreds)).body.accessToken as string);
    const owner = await signup(api, 'bench');
    await admin.put(`/api/v1/admin/orgs/${owner.organization}/addons/scanning`, { enabled: true });

    const store = new PgVulnStore(t.app.get(DataSource));
    const packages = Array.from({ length: COMPONENTS }, (_, i) => ({
      name: `libbench${i}`,
      version: '1.0-1',
      source: `bench${i}`,
    }));
    const osv = [];
    const nvdRecords = [];
    for (let i = 0; i < COMPONENTS; i++) {
      for (let j = 0; j < PER_COMPONENT; j++) {
        const cve = `CVE-2026-${String(10000 + i * PER_COMPONENT + j)}`;
        osv.push(debianAdvisory(cve, `bench${i}`, j % 2 === 0 ? '1.0-2' : '9.9-1'));
        const [score, sev] = SEVERITIES[(i + j) % SEVERITIES.length];
        nvdRecords.push(nvdScore(cve, score, sev));
      }
    }
    await store.apply('osv', osv);
    await store.apply('nvd', nvdRecords);

    const repo = `${owner.organization}/big`;
    const oci = new OciTestClient(t.url, { username: owner.email, password: owner.password });
    const img = debianImage('big', packages);
    const t0 = performance.now();
    await pushBuilt(oci, repo, 'v1', img);
    const done = await waitForScan(owner.api, owner.organization, repo, 'v1');
    const scanMs = performance.now() - t0;
    const counts = done.body.counts as { total: number };

    const base = (what: string) => scanUrl(owner.organization, repo, 'v1', what);
    const endpoints: [string, string][] = [
      // Reference: a small registry endpoint through the same guards, i.e. this machine's floor.
      ['(reference) repository, registry', `/api/v1/orgs/${owner.organization}/repositories/big`],
      ['tag list (shield)', `/api/v1/orgs/${owner.organization}/repositories/big/tags`],
      ['scan summary', base('scan')],
      ['layers', base('layers')],
      ['components (limit 100)', `${base('components')}?limit=100`],
      ['components (limit 1000)', `${base('components')}?limit=1000`],
      ['components (critical, fixable)', `${base('components')}?severity=critical&fixable=true`],
      ['SBOM CycloneDX', `${base('sbom')}?format=cyclonedx`],
      ['SBOM SPDX', `${base('sbom')}?format=spdx`],
      ['report JSON', `${base('report')}?format=json`],
      ['report CSV', `${base('report')}?format=csv`],
    ];
    const rows: { name: string; p50: number; p95: number; max: number; bytes: number }[] = [];
    for (const [name, path] of endpoints) {
      const headers = { authorization: `Bearer ${owner.token}` };
      let bytes = 0;
      for (let i = 0; i < 5; i++) await (await fetch(`${t.url}${path}`, { headers })).arrayBuffer();
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        const res = await fetch(`${t.url}${path}`, { headers });
        const body = await res.arrayBuffer();
        times.push(performance.now() - s);
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
        bytes = body.byteLength;
      }
      times.sort((a, b) => a - b);
      rows.push({ name, p50: pct(times, 50), p95: pct(times, 95), max: times[times.length - 1], bytes });
    }
    console.log(JSON.stringify({ components: COMPONENTS, findings: counts.total, scanMs, rows }, null, 2));

    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const cpu = cpus();
    const la = loadavg().map((n) => n.toFixed(1));
    const section = [
      '<!-- scanning:begin -->',
      '## Scanning results API (libs/scanning)',
      '',
      `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${la.join(' / ')} at the end; API + worker in one process, PostgreSQL and Redis on the machine, HTTP over loopback (\`sh bench/scanning/run.sh\`).`,
      `Image: one Debian 12 image whose dpkg status lists ${COMPONENTS} packages, ${counts.total} findings (${PER_COMPONENT} advisories per source package, severities from NVD records). Scan on push took ${(scanMs / 1000).toFixed(1)} s from push to completed. Each endpoint: 5 warm-up requests, then ${RUNS} sequential ones. Target: every endpoint under 100 ms. The machine is shared with other builds and test runs (see the load average); the reference row shows the floor of any authenticated request at that moment.`,
      '',
      '| endpoint | p50 | p95 | max | response |',
      '|---|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} | ${(r.bytes / 1024).toFixed(0)} KiB |`,
      ),
      '<!-- scanning:end -->',
    ].join('\n');
    const file = join(process.cwd(), 'bench', 'RESULTS.md');
    const current = readFileSync(file, 'utf8');
    const re = /<!-- scanning:begin -->[\s\S]*<!-- scanning:end -->/;
    writeFileSync(
      file,
      re.test(current) ? current.replace(re, section) : `${current.trimEnd()}\n\n${section}\n`,
    );
  } finally {
    await t.close();
    await nvd.close();
  }
}

await main();
process.exit(0);
