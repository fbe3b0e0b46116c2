import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  createLogger,
  mergeSchema,
  parseConfig,
  platformSchema,
  PlatformModule,
  QUEUES,
  QueueName,
  type Queues,
} from '@drydock/platform';
import { createTestDatabase, redisUrl, type TestDatabase } from '../../../../test/support/database.js';
import {
  startNvdServer,
  storedZip,
  type NvdCveJson,
  type NvdServer,
} from '../../../../e2e/support/nvd-server.js';
import { vulndbSchema } from '../db/schema.js';
import { VulndbModule } from './vulndb.module.js';
import {
  VulndbService,
  VULNDB_EVENTS,
  VULNDB_IMAGE_STORE,
  VULNDB_NVD_CLIENT_OPTIONS,
} from './vulndb.service.js';
import { VulndbJob } from './settings.js';
import { MemoryImageStore, type FindingsDiff } from '../match/reevaluate.js';
import { nvdPage, rawNvdCve, rawOsv } from '../testing/records.js';
import type { MatchComponent } from '../model/types.js';

/** The Nest service wired by DI over real PostgreSQL and Redis, fed by the stand-in NVD/OSV server. */
let db: TestDatabase;
let dataDir: string;
let moduleRef: TestingModule;
let service: VulndbService;
let server: NvdServer;
const images = new MemoryImageStore();
const events: FindingsDiff[] = [];
const prefix = `vulndb-test-${randomBytes(4).toString('hex')}`;

const busybox: MatchComponent = {
  type: 'binary',
  name: 'busybox',
  version: '1.35.0',
  paths: ['/bin/busybox'],
  layerIndex: 0,
};
const lodash: MatchComponent = {
  type: 'npm',
  name: 'lodash',
  version: '4.17.15',
  paths: ['/app/node_modules/lodash/package.json'],
  layerIndex: 1,
};

beforeAll(async () => {
  db = await createTestDatabase('drydock_vulndb_svc');
  dataDir = await mkdtemp(join(tmpdir(), 'vulndb-svc-'));
  server = await startNvdServer({
    rateLimit: null,
    apiKeys: ['the-key'],
    records: [
      rawNvdCve('CVE-2022-48174', {
        lastModified: '2025-06-25T14:24:41.033',
        score: 9.8,
        configurations: [
          {
            nodes: [
              {
                cpeMatch: [
                  { criteria: 'cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*', versionEndIncluding: '1.36.1' },
                ],
              },
            ],
          },
        ],
      }) as NvdCveJson,
    ],
    osvFiles: {
      'npm/all.zip': storedZip({
        'GHSA-35jh-r3h4-6jhm.json': JSON.stringify(
          rawOsv(
            'GHSA-35jh-r3h4-6jhm',
            [
              {
                ecosystem: 'npm',
                name: 'lodash',
                ranges: [{ events: [{ introduced: '0' }, { fixed: '4.17.21' }] }],
              },
            ],
            { aliases: ['CVE-2021-23337'] },
          ),
        ),
      }),
    },
  });
  const config = new AppConfig(
    parseConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: prefix,
      SECRETS_KEY: randomBytes(32).toString('hex'),
      NVD_URL: server.apiUrl,
      LOG_LEVEL: 'silent',
    }),
  );
  moduleRef = await Test.createTestingModule({
    imports: [
      PlatformModule.forRoot({
        config,
        schema: mergeSchema(platformSchema, vulndbSchema),
        logger: createLogger('silent'),
        migrate: true,
      }),
      VulndbModule.register({
        providers: [
          { provide: VULNDB_IMAGE_STORE, useValue: images },
          {
            provide: VULNDB_EVENTS,
            useValue: { findingsChanged: async (d: FindingsDiff) => void events.push(d) },
          },
          {
            provide: VULNDB_NVD_CLIENT_OPTIONS,
            useValue: { rateLimit: { windowMs: 1, maxRequests: 100 }, backoffMs: 10 },
          },
        ],
      }),
    ],
  }).compile();
  await moduleRef.init();
  service = moduleRef.get(VulndbService);
});

afterAll(async () => {
  const queues = moduleRef?.get<Queues>(QUEUES);
  if (queues)
    for (const q of Object.values(queues)) await q.obliterate({ force: true }).catch(() => undefined);
  await moduleRef?.close();
  await server?.close();
  await db?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('VulndbService', () => {
  it('settings: defaults, validation, write-only API key sealed at rest, and the schedule', async () => {
    expect(await service.getSettings()).toEqual({
      nvd: { enabled: true, url: server.apiUrl, apiKeySet: false, intervalMinutes: 120 },
      osv: { sources: [] },
    });
    await expect(service.putSettings({ nvd: { intervalMinutes: 1 } })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(service.putSettings({ nvd: { bogus: true } })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    const view = await service.putSettings({
      nvd: { apiKey: 'the-key', intervalMinutes: 60 },
      osv: { sources: [{ ecosystem: 'npm', url: `${server.osvUrl}/npm/all.zip` }] },
    });
    expect(view).toEqual({
      nvd: { enabled: true, url: server.apiUrl, apiKeySet: true, intervalMinutes: 60 },
      osv: { sources: [{ ecosystem: 'npm', url: `${server.osvUrl}/npm/all.zip` }] },
    });
    expect(JSON.stringify(view)).not.toContain('the-key');
    const ds = moduleRef.get(DataSource);
    const [row] = await ds.query<{ nvd_api_key_enc: string }[]>(
      `SELECT nvd_api_key_enc FROM vulndb_settings`,
    );
    expect(row.nvd_api_key_enc).toMatch(/^v1\./);
    expect(row.nvd_api_key_enc).not.toContain('the-key');
    // Absent keeps the key.
    expect((await service.putSettings({ nvd: { enabled: true } })).nvd.apiKeySet).toBe(true);
    const schedulers = await moduleRef.get<Queues>(QUEUES)[QueueName.VulndbSync].getJobSchedulers();
    expect(schedulers.find((s) => s.key === 'vulndb-sync-schedule')).toMatchObject({ every: 3_600_000 });
  });

  it('sync: queues one job, runs NVD with the key and the OSV sources, status reports it, re-evaluation updates images', async () => {
    images.put('scratch', { components: [busybox], context: {}, findings: [] });
    images.put('app', { components: [lodash], context: {}, findings: [] });
    images.put('unrelated', {
      components: [{ type: 'npm', name: 'left-pad', version: '1.0.0' }],
      context: {},
      findings: [],
    });

    expect(await service.requestSync()).toEqual({ queued: true });
    await service.requestSync();
    const syncQueue = moduleRef.get<Queues>(QUEUES)[QueueName.VulndbSync];
    const queued = await syncQueue.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(queued.filter((j) => j.name === VulndbJob.Sync && j.id === VulndbJob.Sync)).toHaveLength(1);

    // The worker's handler, run directly here.
    const result = await service.runSync();
    expect(result).toMatchObject({ nvd: 1, osv: 1 });
    expect(
      server.requests.filter((r) => r.path.startsWith('/rest')).every((r) => r.apiKey === 'the-key'),
    ).toBe(true);
    const status = await service.status();
    expect(status).toMatchObject({ state: 'idle', lastError: null, counts: { nvd: 1, osv: 1 } });
    expect(status.lastSuccessAt).not.toBeNull();
    expect(status.dbVersion).toBeGreaterThan(0);

    const re = await service.runReevaluation();
    expect(re).toMatchObject({ imagesVisited: 2, imagesChanged: 2 });
    expect(images.get('scratch')!.findings.map((f) => f.id)).toEqual(['CVE-2022-48174']);
    expect(images.get('app')!.findings.map((f) => [f.id, f.aliases])).toEqual([
      ['CVE-2021-23337', ['GHSA-35jh-r3h4-6jhm']],
    ]);
    expect(images.get('unrelated')!.findings).toEqual([]);
    expect(events.map((e) => e.imageId).sort()).toEqual(['app', 'scratch']);
    expect((await service.runReevaluation()).changes).toBe(0);
  });

  it('a failing sync is reported in status; import of uploaded NVD pages and OSV files', async () => {
    await service.putSettings({ nvd: { url: `${server.url}/nowhere`, apiKey: null }, osv: { sources: [] } });
    await expect(service.runSync()).rejects.toThrow();
    expect((await service.status()).lastError).toMatch(/NVD API/);

    const result = await service.importFiles([
      {
        name: 'page-1.json.gz',
        data: gzipSync(JSON.stringify(nvdPage([rawNvdCve('CVE-2024-0001'), rawNvdCve('CVE-2024-0002')]))),
      },
      {
        name: '../../etc/GHSA-x.json',
        data: Buffer.from(
          JSON.stringify(
            rawOsv('GHSA-xxxx-0000-0000', [
              { ecosystem: 'npm', name: 'left-pad', ranges: [{ events: [{ introduced: '0' }] }] },
            ]),
          ),
        ),
      },
      { name: 'notes.txt', data: Buffer.from('hello') },
    ]);
    expect(result).toMatchObject({ nvd: 2, osv: 1 });
    expect(result.skipped).toHaveLength(1);
    const status = await service.status();
    expect(status).toMatchObject({ lastError: null, counts: { nvd: 3, osv: 2 } });
    await service.runReevaluation();
    expect(images.get('unrelated')!.findings.map((f) => f.id)).toEqual(['GHSA-xxxx-0000-0000']);
    await expect(service.importFiles([])).rejects.toMatchObject({ code: 'bad_request' });
  });
});
