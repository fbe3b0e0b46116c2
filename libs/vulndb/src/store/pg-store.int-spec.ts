import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import { createDataSource, mergeSchema, platformSchema } from '@drydock/platform';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { startNvdServer, type NvdCveJson, type NvdServer } from '../../../../e2e/support/nvd-server.js';
import { vulndbSchema } from '../db/schema.js';
import { PgVulnStore } from './pg-store.js';
import { NvdClient, syncNvd, type NvdSyncTarget } from '../sync/nvd-client.js';
import { matchImage } from '../match/matcher.js';
import { MemoryImageStore, reevaluate } from '../match/reevaluate.js';
import { nvdRecord, osvRecord } from './memory.js';
import { loadVulnDataDirectory } from './load.js';
import { parseNvdCve } from '../sources/nvd.js';
import { osv, rawNvdCve } from '../testing/records.js';
import type { MatchComponent } from '../model/types.js';

/** The store in a real PostgreSQL, fed by the sync client from the stand-in NVD server over HTTP. */
const DAY = 86_400_000;
const T0 = Date.parse('2026-09-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '');

function cve(
  n: number,
  product: string,
  opts: { modified?: number; end?: string; score?: number } = {},
): NvdCveJson {
  return rawNvdCve(`CVE-2025-${20000 + n}`, {
    published: iso(T0 - (100 - n) * DAY),
    lastModified: iso(opts.modified ?? T0 - DAY),
    score: opts.score ?? 7.5,
    severity: 'HIGH',
    configurations: [
      {
        nodes: [
          {
            cpeMatch: [
              {
                criteria: `cpe:2.3:a:${product}:${product}:*:*:*:*:*:*:*:*`,
                versionEndExcluding: opts.end ?? '1.0.0',
              },
            ],
          },
        ],
      },
    ],
  }) as NvdCveJson;
}

let db: TestDatabase;
let ds: DataSource;
let store: PgVulnStore;
let server: NvdServer | undefined;

beforeAll(async () => {
  db = await createTestDatabase('drydock_vulndb');
  ds = createDataSource(db.url, mergeSchema(platformSchema, vulndbSchema), 4);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  store = new PgVulnStore(ds);
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('NVD sync into PostgreSQL', () => {
  it('pages, respects the rate limit, resumes an interrupted sync, then syncs an incremental window', async () => {
    // 25 records for 5 products, 5 per page, server limit 2 requests per 300 ms.
    const products = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
    server = await startNvdServer({
      records: Array.from({ length: 25 }, (_, i) => cve(i, products[i % 5])),
      rateLimit: { windowMs: 300, anonymous: 2, withKey: 10 },
      now: () => new Date(T0),
    });
    const client = new NvdClient({
      baseUrl: server.apiUrl,
      resultsPerPage: 5,
      rateLimit: { windowMs: 300, maxRequests: 2 },
      backoffMs: 50,
      maxBackoffMs: 200,
    });

    // The worker dies while saving the third page: nothing of that page is committed.
    const real = store.nvdSyncTarget();
    let pages = 0;
    const crashing: NvdSyncTarget = {
      loadCursor: () => real.loadCursor(),
      savePage: async (records, next) => {
        if (++pages === 3) throw new Error('killed');
        await real.savePage(records, next);
      },
    };
    await expect(syncNvd(client, crashing, () => new Date(T0))).rejects.toThrow('killed');
    expect((await store.counts()).nvd).toBe(10);
    expect(await store.loadCursor('nvd')).toMatchObject({ phase: 'initial', startIndex: 10 });

    const resumed = await syncNvd(client, store.nvdSyncTarget(), () => new Date(T0));
    expect(resumed).toMatchObject({ pages: 3, records: 15 });
    expect(await store.counts()).toMatchObject({ nvd: 25, affectedPackages: 25 });
    expect(server.requests.map((r) => r.query.startIndex)).toEqual(['0', '5', '10', '10', '15', '20']);
    expect(server.requests.every((r) => r.status === 200)).toBe(true);
    expect(await store.loadCursor('nvd')).toMatchObject({ phase: 'incremental', syncedUntil: T0 });
    const versionAfterBase = await store.dbVersion();
    expect(versionAfterBase).toBeGreaterThan(0);

    // Incremental: one record changes product, one is new; the change lists the keys touched.
    const pendingBefore = (await store.pendingChanges()).length;
    server.upsert([cve(3, 'foxtrot', { modified: T0 + DAY }), cve(50, 'golf', { modified: T0 + 2 * DAY })]);
    server.requests.length = 0;
    const inc = await syncNvd(client, store.nvdSyncTarget(), () => new Date(T0 + 5 * DAY));
    expect(inc).toMatchObject({ records: 2 });
    expect(server.requests[0].query).toMatchObject({
      lastModStartDate: '2026-09-01T00:00:00.000+00:00',
      lastModEndDate: '2026-09-06T00:00:00.000+00:00',
    });
    const pending = await store.pendingChanges();
    expect(pending.length).toBe(pendingBefore + 1);
    expect(pending[pending.length - 1].packageKeys).toEqual([
      'cpe:delta:delta',
      'cpe:foxtrot:foxtrot',
      'cpe:golf:golf',
    ]);
    expect(await store.counts()).toMatchObject({ nvd: 26, affectedPackages: 26 });
    expect(await store.dbVersion()).toBeGreaterThan(versionAfterBase);

    // Same page again (a resumed run refetching it): no duplicates, no change.
    const again = await ds.transaction((m) =>
      store.upsert(m, [nvdRecord(parseNvdCve(cve(50, 'golf', { modified: T0 + 2 * DAY })))]),
    );
    expect(again.added).toBe(0);
  }, 30_000);
});

describe('re-evaluation over the PostgreSQL store', () => {
  it('an update adding a CVE changes only the affected image, without reading any layer', async () => {
    const web: MatchComponent[] = [
      { type: 'binary', name: 'hotel', version: '2.0.0', paths: ['/usr/bin/hotel'], layerIndex: 1 },
      {
        type: 'npm',
        name: 'left-pad',
        version: '1.0.0',
        paths: ['/app/node_modules/left-pad/package.json'],
        layerIndex: 2,
      },
    ];
    const other: MatchComponent[] = [
      { type: 'binary', name: 'india', version: '1.0.0', paths: ['/bin/india'], layerIndex: 0 },
    ];
    await store.apply('osv', [
      osvRecord(
        osv(
          'GHSA-lp00-0000-0000',
          [
            {
              ecosystem: 'npm',
              name: 'left-pad',
              ranges: [{ events: [{ introduced: '0' }, { fixed: '1.3.0' }] }],
            },
          ],
          { aliases: ['CVE-2025-30000'] },
        ),
      ),
    ]);
    const images = new MemoryImageStore();
    for (const [id, components] of [
      ['web', web],
      ['other', other],
    ] as const) {
      images.put(id, { components, context: {}, findings: await matchImage(components, {}, store) });
    }
    expect(images.get('web')!.findings.map((f) => f.id)).toEqual(['CVE-2025-30000']);
    await store.markReevaluated((await store.pendingChanges()).map((c) => c.id));

    // The update: hotel < 2.1.0 is vulnerable, and NVD now scores the left-pad CVE.
    server = await startNvdServer({ records: [], rateLimit: null });
    server.upsert([
      cve(60, 'hotel', { modified: T0 + 10 * DAY, end: '2.1.0', score: 9.8 }),
      {
        ...rawNvdCve('CVE-2025-30000', { lastModified: iso(T0 + 10 * DAY), score: 5.3, severity: 'MEDIUM' }),
      } as NvdCveJson,
    ]);
    const target = store.nvdSyncTarget();
    const cursor = await target.loadCursor();
    await ds.query(`UPDATE vulndb_sync_cursors SET cursor = $1 WHERE source = 'nvd'`, [
      JSON.stringify({ ...cursor, syncedUntil: T0 + 9 * DAY }),
    ]);
    await syncNvd(
      new NvdClient({ baseUrl: server.apiUrl, rateLimit: { windowMs: 1, maxRequests: 100 } }),
      target,
      () => new Date(T0 + 11 * DAY),
    );

    const pending = await store.pendingChanges();
    const keys = new Set(pending.flatMap((c) => c.packageKeys));
    expect([...keys].sort()).toEqual(['cpe:hotel:hotel', 'npm/left-pad']);
    const events: string[] = [];
    const result = await reevaluate(
      keys,
      images,
      store,
      (d) =>
        void events.push(
          `${d.imageId}:+${d.added.map((f) => f.id).join(',')}:~${d.changed.map((f) => f.id).join(',')}`,
        ),
    );
    await store.markReevaluated(pending.map((c) => c.id));
    expect(result).toMatchObject({ imagesVisited: 1, imagesChanged: 1 });
    expect(events).toEqual(['web:+CVE-2025-20060:~CVE-2025-30000']);
    expect(images.get('web')!.counts).toMatchObject({ high: 1, medium: 1 });
    expect(images.get('web')!.findings.find((f) => f.id === 'CVE-2025-30000')).toMatchObject({
      score: 5.3,
      aliases: ['GHSA-lp00-0000-0000'],
    });
    expect(images.get('other')!.findings).toEqual([]);
    expect(images.loads).toBe(1);
    expect(await store.pendingChanges()).toEqual([]);
  }, 30_000);
});

describe('caches', () => {
  it("a write by another process (another store instance) invalidates this one's key and record caches", async () => {
    const reader = new PgVulnStore(ds);
    const writer = new PgVulnStore(ds);
    const c: MatchComponent = { type: 'npm', name: 'cache-probe', version: '1.0.0' };
    const rec = (modified: string, fixed: string) =>
      osvRecord(
        osv(
          'GHSA-cach-e000-0000',
          [{ ecosystem: 'npm', name: 'cache-probe', ranges: [{ events: [{ introduced: '0' }, { fixed }] }] }],
          { modified },
        ),
      );
    await writer.apply('osv', [rec('2024-01-01T00:00:00Z', '1.0.1')]);
    expect((await matchImage([c], {}, reader)).map((f) => f.fixedVersion)).toEqual(['1.0.1']);
    await writer.apply('osv', [rec('2024-02-01T00:00:00Z', '1.0.5')]);
    expect((await matchImage([c], {}, reader)).map((f) => f.fixedVersion)).toEqual(['1.0.5']);
    await writer.apply('osv', [rec('2024-03-01T00:00:00Z', '0.9.0')]);
    expect(await matchImage([c], {}, reader)).toEqual([]);
  });
});

describe('PostgreSQL store gives the same findings as the in-memory index', () => {
  it('on the shared vulndata and fixture images (when ../shared exists)', async () => {
    const shared = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared');
    if (!existsSync(join(shared, 'vulndata')) || !existsSync(join(shared, 'fixtures/images'))) return;
    const paths = ['nvd/base', 'osv/ghsa', 'osv/debian'].map((p) => join(shared, 'vulndata', p));
    const memory = await loadVulnDataDirectory(paths);
    const pgDb = await createTestDatabase('drydock_vulndb_eq');
    const pgDs = createDataSource(pgDb.url, vulndbSchema, 2);
    try {
      await pgDs.initialize();
      await pgDs.runMigrations();
      const pgStore = new PgVulnStore(pgDs);
      await pgStore.apply('import', [...memory.all()]);
      for (const image of ['bookworm-app', 'scratch-static']) {
        const doc = JSON.parse(
          readFileSync(join(shared, 'fixtures/images', `${image}.components.json`), 'utf8'),
        ) as {
          os: { name: string; version: string } | null;
          components: MatchComponent[];
        };
        const context = { os: doc.os ? { id: doc.os.name, versionId: doc.os.version } : null };
        const a = await matchImage(doc.components, context, memory);
        const b = await matchImage(doc.components, context, pgStore);
        expect(b).toEqual(a);
        expect(a.length).toBeGreaterThan(0);
      }
      // The migration goes down cleanly.
      await pgDs.undoLastMigration();
      const left = await pgDs.query<unknown[]>(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'vulndb%'`,
      );
      expect(left).toEqual([]);
    } finally {
      await pgDs.destroy().catch(() => undefined);
      await pgDb.drop();
    }
  }, 30_000);
});
