import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Worker } from 'bullmq';
import { IdentityService } from '@drydock/identity';
import { createLogger, createRedis, QueueName } from '@drydock/platform';
import { CoreModule } from '../../../apps/api/src/core.module.js';
import { WorkerModule } from '../../../apps/worker/src/worker.module.js';
import { ApiClient, signup } from '../../../test/support/http.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';
import { startNvdServer, type NvdServer } from '../../../e2e/support/nvd-server.js';
import { OciTestClient } from '../../registry/src/testing/oci-test-client.js';
import { ScanStore } from './db/scan-store.js';
import { ScanJob, type ScanJobPayload } from './model.js';
import { debianImage } from './testing/images.js';
import { pushBuilt, scanUrl, waitFor, waitForScan } from './testing/helpers.js';

/*
 * Stalled-job recovery (issue 6, "Jobs"): a worker takes a scan, marks it scanning and dies without
 * finishing; a worker started afterwards on the same database and Redis prefix picks the job up
 * again once the dead worker's lock expires (its stalled-job check, every 15 s, moves the job back to
 * waiting on its second pass), and the scan completes.
 */

const ADMIN = { email: 'recovery-admin@example.test', password: 'recovery-admin-password' };

let t: TestApp;
let nvd: NvdServer;
let worker: INestApplicationContext | undefined;

beforeAll(async () => {
  // The API alone: nothing processes the scan queue until the test says so.
  // The vulndb sync scheduled at boot talks to a local stand-in, never to the public NVD.
  nvd = await startNvdServer({ rateLimit: null });
  t = await startTestApp({ worker: false, env: { NVD_URL: nvd.apiUrl } });
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await t?.close();
  await nvd?.close();
}, 30_000);

describe('a worker killed in the middle of a scan', () => {
  it('ends with the scan completed after a new worker starts', async () => {
    const api = new ApiClient(t.url);
    await t.app.get(IdentityService).ensurePlatformAdmin(ADMIN.email, ADMIN.password);
    const admin = api.as((await api.post('/api/v1/auth/login', ADMIN)).body.accessToken as string);
    const owner = await signup(api, 'recover');
    expect(
      (await admin.put(`/api/v1/admin/orgs/${owner.organization}/addons/scanning`, { enabled: true })).status,
    ).toBe(200);
    const repo = `${owner.organization}/app`;
    const img = debianImage('recover', [{ name: 'libssl3', version: '3.0.11-1~deb12u1', source: 'openssl' }]);
    const oci = new OciTestClient(t.url, { username: owner.email, password: owner.password });
    await pushBuilt(oci, repo, 'v1', img);
    expect((await owner.api.post(scanUrl(owner.organization, repo, 'v1'))).status).toBe(202);

    // The doomed worker: takes the job, starts the scan, never finishes, then vanishes.
    const store = t.app.get(ScanStore);
    let taken!: () => void;
    const tookIt = new Promise<void>((r) => (taken = r));
    const connection = createRedis(t.config.redis.url!);
    const doomed = new Worker(
      QueueName.Scan,
      async (job) => {
        if (job.name !== ScanJob.Scan) return;
        const p = job.data as ScanJobPayload;
        await store.markScanning(p.organizationId, p.repositoryId, p.digest, {
          layersDone: 0,
          layersTotal: 2,
          bytesRead: 0,
          bytesTotal: 1,
        });
        taken();
        await new Promise(() => undefined);
      },
      // Its lock lapses 3 s after it dies. It runs no stalled-job check of its own: BullMQ lets one
      // worker per stalledInterval run that check (a Redis key), so a long interval here would hold off
      // the new worker's check for that long.
      { connection, prefix: t.config.redis.prefix, lockDuration: 3_000, skipStalledCheck: true },
    );
    await tookIt;
    await doomed.close(true);
    await connection.quit();
    const mid = await owner.api.get(scanUrl(owner.organization, repo, 'v1'));
    expect(mid.body.status).toBe('scanning');

    // A new worker process on the same database, storage and Redis prefix.
    const logger = createLogger('silent');
    worker = await NestFactory.createApplicationContext(
      {
        module: class RecoveryWorker {},
        imports: [CoreModule.forRoot(t.config, logger, { migrate: false }), WorkerModule],
      },
      { logger: false },
    );
    await worker.init();
    const done = await waitFor(
      () => owner.api.get(scanUrl(owner.organization, repo, 'v1')),
      (r) => r.body.status === 'completed' || r.body.status === 'failed',
      'the recovered scan',
      90_000,
    );
    expect(done.body).toMatchObject({ status: 'completed', error: null, counts: { total: 0 } });
    await waitForScan(owner.api, owner.organization, repo, 'v1');
  }, 120_000);
});
