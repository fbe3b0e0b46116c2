/**
 * vulndb benchmark (issue 5): import 300,000 generated NVD API 2.0 records streamed from one
 * gzip page file into PostgreSQL, match a 500-component image, and re-evaluate 10,000 stored images
 * after an update of 100 vulnerabilities. Prints JSON figures; see bench/RESULTS.md.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres sh bench/vulndb/run.sh
 *
 * Env: BENCH_RECORDS (300000), BENCH_IMAGES (10000), BENCH_UPDATE (100), BENCH_PRODUCTS (50000),
 * BENCH_SKIP_REEVAL=1 (import and matching only), BENCH_KEEP_DB=1.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { Vulndb1764633600400 } from '../../libs/vulndb/src/db/migrations/1764633600400-Vulndb.js';
import { PgVulnStore } from '../../libs/vulndb/src/store/pg-store.js';
import { nvdRecord } from '../../libs/vulndb/src/store/memory.js';
import { readNvdPageFile } from '../../libs/vulndb/src/sources/nvd-stream.js';
import { matchImage } from '../../libs/vulndb/src/match/matcher.js';
import { MemoryImageStore, reevaluate } from '../../libs/vulndb/src/match/reevaluate.js';
import type { MatchComponent, VulnRecord } from '../../libs/vulndb/src/model/types.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 300_000);
const IMAGES = Number(process.env.BENCH_IMAGES ?? 10_000);
const UPDATE = Number(process.env.BENCH_UPDATE ?? 100);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 50_000);
const SKIP_REEVAL = process.env.BENCH_SKIP_REEVAL === '1';
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

// Deterministic pseudo-random numbers (mulberry32).
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const product = (i: number): string => `product${i}`;
const vendor = (i: number): string => `vendor${i % 5000}`;

function cveJson(n: number, rand: () => number, modified: number): Record<string, unknown> {
  const p = Math.floor(rand() * PRODUCTS);
  const major = 1 + Math.floor(rand() * 5);
  const nodes = [
    {
      operator: 'OR',
      negate: false,
      cpeMatch: [
        {
          vulnerable: true,
          criteria: `cpe:2.3:a:${vendor(p)}:${product(p)}:*:*:*:*:*:*:*:*`,
          versionStartIncluding: `${major}.0.0`,
          versionEndExcluding: `${major}.${Math.floor(rand() * 10)}.${Math.floor(rand() * 20)}`,
          matchCriteriaId: '00000000-0000-0000-0000-000000000000',
        },
      ],
    },
  ];
  const score = Math.round(rand() * 100) / 10;
  return {
    id: `CVE-2026-${String(n).padStart(6, '0')}`,
    sourceIdentifier: 'cve@mitre.org',
    published: new Date(T0 + n * 60_000).toISOString().replace('Z', ''),
    lastModified: new Date(modified).toISOString().replace('Z', ''),
    vulnStatus: 'Analyzed',
    descriptions: [
      {
        lang: 'en',
        value: `Generated vulnerability ${n} in ${product(p)} before the fixed release; lorem ipsum dolor sit amet.`,
      },
    ],
    metrics: {
      cvssMetricV31: [
        {
          source: 'nvd@nist.gov',
          type: 'Primary',
          cvssData: {
            version: '3.1',
            vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
            baseScore: score,
            baseSeverity: score >= 9 ? 'CRITICAL' : score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : 'LOW',
          },
          exploitabilityScore: 3.9,
          impactScore: 5.9,
        },
      ],
    },
    weaknesses: [
      { source: 'nvd@nist.gov', type: 'Primary', description: [{ lang: 'en', value: 'CWE-787' }] },
    ],
    configurations: [{ nodes }],
    references: [
      { url: `https://example.org/advisories/${n}`, source: 'cve@mitre.org', tags: ['Vendor Advisory'] },
    ],
  };
}

/** Writes one NVD API page with `count` records, generated as it is written (never all in memory). */
async function writePage(
  path: string,
  count: number,
  seed: number,
  modified: number,
  offset = 0,
): Promise<void> {
  const rand = rng(seed);
  async function* text(): AsyncGenerator<string> {
    yield `{"resultsPerPage":${count},"startIndex":0,"totalResults":${count},"format":"NVD_CVE","version":"2.0","timestamp":"2026-09-01T00:00:00.000","vulnerabilities":[`;
    for (let i = 0; i < count; i++) {
      yield (i ? ',' : '') + JSON.stringify({ cve: cveJson(offset + i, rand, modified) });
    }
    yield ']}';
  }
  await pipeline(Readable.from(text()), createGzip({ level: 1 }), createWriteStream(path));
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mb = (b: number): number => Math.round(b / 1048576);

async function importFile(
  store: PgVulnStore,
  path: string,
): Promise<{ records: number; ms: number; keys: Set<string> }> {
  const t = performance.now();
  let batch: VulnRecord[] = [];
  let records = 0;
  const keys = new Set<string>();
  for await (const cve of readNvdPageFile(path)) {
    batch.push(nvdRecord(cve));
    if (batch.length === 2000) {
      const c = await store.apply('nvd', batch);
      c.keys.forEach((k) => keys.add(k));
      records += batch.length;
      batch = [];
    }
  }
  if (batch.length) {
    const c = await store.apply('nvd', batch);
    c.keys.forEach((k) => keys.add(k));
    records += batch.length;
  }
  return { records, ms: performance.now() - t, keys };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is required');
  const dbName = `drydock_bench_vulndb_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(server);
  url.pathname = `/${dbName}`;
  const ds = new DataSource({
    type: 'postgres',
    url: url.toString(),
    migrations: [Vulndb1764633600400],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    extra: { max: 4 },
  });
  const dir = await mkdtemp(join(tmpdir(), 'drydock-bench-vulndb-'));
  const out: Record<string, unknown> = { records: RECORDS, images: IMAGES, update: UPDATE };
  try {
    await ds.initialize();
    await ds.runMigrations();
    const store = new PgVulnStore(ds);

    // 1. Generate and import.
    const base = join(dir, 'nvd-base.json.gz');
    let t = performance.now();
    await writePage(base, RECORDS, 1, T0 + DAY);
    out.generateMs = Math.round(performance.now() - t);
    out.pageFileMB = mb((await stat(base)).size);
    peakRss = process.memoryUsage().rss;
    const imp = await importFile(store, base);
    out.importMs = Math.round(imp.ms);
    out.importRecordsPerSecond = Math.round(imp.records / (imp.ms / 1000));
    out.importPeakRssMB = mb(peakRss);
    // Fresh statistics for the planner after the bulk load (autovacuum would get there later).
    await ds.query('ANALYZE');
    out.counts = await store.counts();

    // 2. Match one image of 500 components (binaries with CPE candidates; ~1/3 with a vulnerable version).
    const rand = rng(7);
    const component = (i: number): MatchComponent => {
      const p = Math.floor(rand() * PRODUCTS);
      return {
        type: 'binary',
        name: product(p),
        version: `${1 + Math.floor(rand() * 5)}.${Math.floor(rand() * 10)}.${Math.floor(rand() * 20)}`,
        cpes: [`cpe:2.3:a:${vendor(p)}:${product(p)}:*:*:*:*:*:*:*:*`],
        paths: [`/usr/bin/c${i}`],
        layerIndex: i % 5,
      };
    };
    const image = Array.from({ length: 500 }, (_, i) => component(i));
    // Cold: a store without the parsed-record cache, as for the first image after a restart.
    const cold = new PgVulnStore(ds, 0);
    const coldTimes: number[] = [];
    for (let i = 0; i < 11; i++) {
      t = performance.now();
      await matchImage(image, {}, cold);
      coldTimes.push(performance.now() - t);
    }
    out.match500Uncached = { medianMs: Math.round(median(coldTimes.slice(1)) * 10) / 10 };
    const times: number[] = [];
    let findings = 0;
    for (let i = 0; i < 21; i++) {
      t = performance.now();
      findings = (await matchImage(image, {}, store)).length;
      times.push(performance.now() - t);
    }
    // The matcher's own CPU time: the same image against an in-memory index holding its candidates.
    {
      const { MemoryVulnIndex } = await import('../../libs/vulndb/src/store/memory.js');
      const { componentKeys } = await import('../../libs/vulndb/src/match/keys.js');
      const local = new MemoryVulnIndex();
      const keys = [...new Set(image.flatMap((c) => componentKeys(c, {})))];
      for (const r of await store.candidatesForKeys(keys)) local.add(r);
      for (const n of await store.nvdByIds((await matchImage(image, {}, store)).map((f) => f.id)))
        local.addNvd(n);
      const cpu: number[] = [];
      for (let i = 0; i < 21; i++) {
        t = performance.now();
        await matchImage(image, {}, local);
        cpu.push(performance.now() - t);
      }
      out.match500InMemory = { medianMs: Math.round(median(cpu.slice(1)) * 10) / 10 };
    }
    const qt: number[] = [];
    const { componentKeys } = await import('../../libs/vulndb/src/match/keys.js');
    const keys500 = [...new Set(image.flatMap((c) => componentKeys(c, {})))];
    for (let i = 0; i < 11; i++) {
      t = performance.now();
      await store.candidatesForKeys(keys500);
      qt.push(performance.now() - t);
    }
    out.candidateQueryMs = Math.round(median(qt) * 10) / 10;
    out.match500Cached = {
      medianMs: Math.round(median(times.slice(1)) * 10) / 10,
      firstMs: Math.round(times[0]),
      findings,
    };

    if (!SKIP_REEVAL) {
      // 3. 10,000 stored images of 50 components each, matched once (their stored findings).
      const images = new MemoryImageStore();
      t = performance.now();
      for (let i = 0; i < IMAGES; i++) {
        const components = Array.from({ length: 50 }, (_, j) => component(j));
        images.put(`img-${i}`, {
          components,
          context: {},
          findings: await matchImage(components, {}, store),
        });
      }
      out.initialMatchOfAllImagesMs = Math.round(performance.now() - t);

      // 4. Update: UPDATE new vulnerabilities (incremental page), then re-evaluate only affected images.
      const upd = join(dir, 'nvd-update.json.gz');
      await writePage(upd, UPDATE, 99, T0 + 30 * DAY, RECORDS);
      const changed = await importFile(store, upd);
      const loadsBefore = images.loads;
      t = performance.now();
      const result = await reevaluate(changed.keys, images, store);
      out.reevaluate = {
        ms: Math.round(performance.now() - t),
        keysTouched: changed.keys.size,
        imagesVisited: result.imagesVisited,
        imagesChanged: result.imagesChanged,
        findingsAdded: result.diffs.reduce((n, d) => n + d.added.length, 0),
        imagesLoaded: images.loads - loadsBefore,
      };
      // Proportionality: a tenth of the update touches about a tenth of the images.
      const small = join(dir, 'nvd-update-small.json.gz');
      await writePage(small, Math.max(1, Math.round(UPDATE / 10)), 123, T0 + 31 * DAY, RECORDS + UPDATE);
      const smallChanged = await importFile(store, small);
      t = performance.now();
      const r2 = await reevaluate(smallChanged.keys, images, store);
      out.reevaluateSmall = {
        ms: Math.round(performance.now() - t),
        keysTouched: smallChanged.keys.size,
        imagesVisited: r2.imagesVisited,
        imagesChanged: r2.imagesChanged,
      };
    }
    out.peakRssMB = mb(peakRss);
    out.loadAverage = (await import('node:os')).loadavg().map((x) => Math.round(x * 10) / 10);
    out.cpus = (await import('node:os')).cpus().length;
  } finally {
    clearInterval(sampler);
    await ds.destroy().catch(() => undefined);
    if (process.env.BENCH_KEEP_DB) console.error(`kept database ${dbName}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(out, null, 2));
}

await main();
