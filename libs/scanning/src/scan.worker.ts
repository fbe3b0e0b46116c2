import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig, JobHandler, LOGGER, QueueName, TenantDb, type Logger } from '@drydock/platform';
import {
  BLOB_STORE,
  MANIFEST_PUSHED,
  RegistryStore,
  type BlobStore,
  type ManifestPushedEvent,
} from '@drydock/registry';
import {
  isForeignLayer,
  isScanError,
  scanImage,
  type ImageConfig,
  type ImageSource,
  type Platform,
} from '@drydock/scanner';
import { componentKeys, matchImage, PgVulnStore, type ImageContext } from '@drydock/vulndb';
import type { ScanProgressView } from '@drydock/contracts';
import { PgLayerAnalysisCache } from './db/layer-cache.js';
import { ScanStore } from './db/scan-store.js';
import { SCANNING_ENTITLEMENTS, type AddonEntitlements } from './entitlements.js';
import { countFindings, ScanJob, ScanJobPayload, toMatchComponent, type StoredResult } from './model.js';
import { imageManifest, isIndex, parseJson } from './oci.js';
import { SCAN_ATTEMPTS, ScanQueue } from './scan-queue.service.js';

class ScanTimeoutError extends Error {}

/** How often progress is written while a layer streams (the final state is always written). */
const PROGRESS_INTERVAL_MS = 250;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function imageContext(result: Pick<StoredResult, 'os'>): ImageContext {
  return { os: result.os ? { id: result.os.id, versionId: result.os.versionId } : null };
}

/**
 * The scan queue's processors (run by apps/worker's JobRunner) and the on-push trigger on the
 * `registry-events` queue.
 */
@Injectable()
export class ScanWorker implements OnApplicationBootstrap {
  /** Layer blobs opened by scans in this process (tests prove re-evaluation reads none). */
  blobReads = 0;
  private readonly vulns: PgVulnStore;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(TenantDb) private readonly db: TenantDb,
    @Inject(DataSource) ds: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(RegistryStore) private readonly registry: RegistryStore,
    @Inject(ScanStore) private readonly scans: ScanStore,
    @Inject(ScanQueue) private readonly queue: ScanQueue,
    @Inject(SCANNING_ENTITLEMENTS) private readonly entitlements: AddonEntitlements,
  ) {
    this.vulns = new PgVulnStore(ds);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.roles.worker) await this.queue.scheduleSweep();
  }

  /**
   * On push (issue 6, "When scans run"): with the add-on and the repository in `on_push` mode, every
   * manifest push queues its images. An image already scanned (same digest, same bytes) is not
   * scanned again: re-evaluation keeps its findings current.
   */
  @JobHandler(QueueName.RegistryEvents, MANIFEST_PUSHED, { concurrency: 4 })
  async onManifestPushed(job: Job<ManifestPushedEvent>): Promise<{ queued: string[] }> {
    const e = job.data;
    if (!this.config.scanning.enabled) return { queued: [] };
    if (!(await this.entitlements.hasAddon(e.organizationId, 'scanning'))) return { queued: [] };
    const repo = await this.registry.findRepository(e.organizationId, e.repository);
    if (!repo || repo.scanMode !== 'on_push') return { queued: [] };
    const todo = (await this.queue.imagesOf(e.organizationId, repo.id, e.digest)) ?? [];
    const queued = await this.queue.enqueue(
      {
        organizationId: e.organizationId,
        repositoryId: repo.id,
        repository: repo.name,
        digest: e.digest,
        trigger: 'push',
      },
      todo,
    );
    return { queued };
  }

  @JobHandler(QueueName.Scan, ScanJob.Scan, { concurrency: (c) => c.scanning.concurrency })
  async scan(job: Job): Promise<{ digest: string; components: number; findings: number }> {
    // Validate before anything runs (Harbor's scan job): a malformed payload is never retried.
    const parsed = ScanJobPayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid scan job payload: ${parsed.error.message}`);
    const p = parsed.data;
    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? SCAN_ATTEMPTS);
    try {
      return await this.run(p);
    } catch (e) {
      const err = e as Error;
      const unrecoverable =
        err instanceof UnrecoverableError || err instanceof ScanTimeoutError || isScanError(err);
      const reason = err instanceof ScanTimeoutError ? err.message : `Scan failed: ${err.message}`;
      await this.scans.markFailed(p.organizationId, p.repositoryId, p.digest, reason, final || unrecoverable);
      this.logger.warn(
        { digest: p.digest, repository: p.repository, err: err.message, final },
        'scan failed',
      );
      if (unrecoverable && !(err instanceof UnrecoverableError)) throw new UnrecoverableError(reason);
      throw err;
    }
  }

  private async run(p: ScanJobPayload): Promise<{ digest: string; components: number; findings: number }> {
    const stored = await this.registry.findManifestByDigest(p.organizationId, p.repositoryId, p.digest);
    if (!stored) throw new UnrecoverableError('the manifest no longer exists');
    const doc = parseJson(stored.content);
    if (isIndex(stored.mediaType, doc)) throw new UnrecoverableError('an index is scanned per platform');
    const manifest = imageManifest(stored.content);
    const config = JSON.parse(
      (await readAll(await this.blobs.read(manifest.config.digest))).toString('utf8'),
    ) as ImageConfig;
    const layers = manifest.layers.filter((l) => !isForeignLayer(l));
    const progress: ScanProgressView = {
      layersDone: 0,
      layersTotal: layers.length,
      bytesRead: 0,
      bytesTotal: layers.reduce((s, l) => s + l.size, 0),
    };
    await this.scans.markScanning(p.organizationId, p.repositoryId, p.digest, progress);

    // Progress: bytes per layer, written at most every PROGRESS_INTERVAL_MS, one write at a time.
    const perLayer = new Map<number, number>();
    let lastWrite = 0;
    let writing: Promise<void> = Promise.resolve();
    const flush = (force = false) => {
      const now = Date.now();
      if (!force && now - lastWrite < PROGRESS_INTERVAL_MS) return;
      lastWrite = now;
      const snapshot = { ...progress };
      writing = writing
        .then(() => this.scans.updateProgress(p.organizationId, p.repositoryId, p.digest, snapshot))
        .catch(() => undefined);
    };

    const open = new Set<Readable>();
    const platform: Platform = {
      os: config.os ?? 'linux',
      architecture: config.architecture ?? 'amd64',
      ...(config.variant ? { variant: config.variant } : {}),
    };
    const source: ImageSource = {
      reference: `${p.repository}@${p.digest}`,
      manifest,
      manifestDigest: p.digest,
      config,
      configDigest: manifest.config.digest,
      platform,
      openBlob: async (digest) => {
        this.blobReads++;
        const s = await this.blobs.read(digest);
        open.add(s);
        s.once('close', () => open.delete(s));
        return s;
      },
    };
    const diffIds = config.rootfs?.diff_ids ?? [];
    const cache = new PgLayerAnalysisCache(
      this.db,
      new Map(manifest.layers.map((l, i) => [diffIds[i] ?? '', l.digest] as const)),
    );

    const timeoutSeconds = this.config.scanning.timeoutSeconds;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        for (const s of open) s.destroy();
        reject(new ScanTimeoutError(`Scan timed out after ${timeoutSeconds} s`));
      }, timeoutSeconds * 1000);
    });
    let result;
    try {
      result = await Promise.race([
        scanImage(source, {
          cache,
          concurrency: 2,
          onProgress: (ev) => {
            perLayer.set(ev.layerIndex, ev.compressedBytesRead);
            progress.layersDone = ev.layersDone;
            progress.bytesRead = Math.min(
              progress.bytesTotal,
              [...perLayer.values()].reduce((s, n) => s + n, 0),
            );
            flush();
          },
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
    flush(true);
    await writing;

    const { findings: _unused, ...rest } = result;
    void _unused;
    const stored2: StoredResult = rest;
    const context = imageContext(stored2);
    const components = stored2.components.map(toMatchComponent);
    const dbVersion = await this.vulns.dbVersion();
    const findings = await matchImage(components, context, this.vulns);
    const packageKeys = [...new Set(components.flatMap((c) => componentKeys(c, context)))];
    progress.layersDone = progress.layersTotal;
    progress.bytesRead = progress.bytesTotal;
    await this.scans.complete(p.organizationId, p.repositoryId, p.digest, {
      result: stored2,
      findings,
      packageKeys,
      counts: countFindings(findings),
      dbVersion,
      progress,
    });
    this.logger.info(
      {
        digest: p.digest,
        repository: p.repository,
        components: components.length,
        findings: findings.length,
        cacheHits: cache.hits,
      },
      'image scanned',
    );
    return { digest: p.digest, components: components.length, findings: findings.length };
  }

  /**
   * Nothing stays "queued" or "scanning" forever: a row not touched for longer than the timeout
   * whose job is gone (worker lost past the stalled-job limit, queue flushed) is marked failed.
   * Spans every tenant by design (system context in ScanStore.staleActive).
   */
  @JobHandler(QueueName.Scan, ScanJob.Sweep)
  async sweep(): Promise<{ failed: number }> {
    const stale = await this.scans.staleActive(this.config.scanning.timeoutSeconds + 60);
    let failed = 0;
    for (const row of stale) {
      if (await this.queue.jobAlive(row.repositoryId, row.digest)) continue;
      await this.scans.markFailed(
        row.organizationId,
        row.repositoryId,
        row.digest,
        `Scan did not finish: its job was lost (worker stopped or timed out); start the scan again`,
        true,
      );
      failed++;
    }
    return { failed };
  }
}
