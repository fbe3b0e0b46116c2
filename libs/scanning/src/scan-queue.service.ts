import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, QUEUES, QueueName, type Queues } from '@drydock/platform';
import { RegistryStore } from '@drydock/registry';
import { ScanStore } from './db/scan-store.js';
import { ScanJob, scanJobId, type ScanJobPayload } from './model.js';
import { isIndex, parseJson, platformChildren } from './oci.js';

/** Retry policy of a scan (issue 6: three attempts with backoff). */
export const SCAN_ATTEMPTS = 3;
const BACKOFF_MS = 2_000;

/**
 * Puts scans on the `scan` queue: one job per manifest digest and repository, with a deterministic
 * job id so that a storm of pushes of one digest scans it once; an index puts one job per platform
 * manifest (each platform is its own image; issue 6, "Jobs").
 */
@Injectable()
export class ScanQueue {
  constructor(
    @Inject(QUEUES) private readonly queues: Queues,
    @Inject(RegistryStore) private readonly registry: RegistryStore,
    @Inject(ScanStore) private readonly scans: ScanStore,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** The image manifests a digest stands for: itself, or an index's platform manifests. */
  async imagesOf(orgId: string, repositoryId: string, digest: string): Promise<string[] | null> {
    const m = await this.registry.findManifestByDigest(orgId, repositoryId, digest);
    if (!m) return null;
    const doc = parseJson(m.content);
    if (!isIndex(m.mediaType, doc)) return [m.digest];
    return platformChildren(m.content).map((c) => c.digest);
  }

  /** Queues every image of `digest`; returns the image digests queued. */
  async enqueue(
    job: Omit<ScanJobPayload, 'digest'> & { digest: string },
    images?: readonly string[],
  ): Promise<string[]> {
    const digests = images ?? (await this.imagesOf(job.organizationId, job.repositoryId, job.digest)) ?? [];
    const queue = this.queues[QueueName.Scan];
    for (const digest of digests) {
      // Row first: a worker that picks the job up at once finds it and moves it to "scanning".
      const fresh = await this.scans.markQueued(job.organizationId, job.repositoryId, digest, {
        rescanCompleted: job.trigger === 'manual',
      });
      // Already queued or scanning: its job runs (a push storm adds nothing). A person asking
      // again re-adds a job that was lost; the deterministic id makes that a no-op otherwise.
      if (!fresh && (job.trigger === 'push' || (await this.jobAlive(job.repositoryId, digest)))) continue;
      const payload: ScanJobPayload = { ...job, digest };
      await queue.add(ScanJob.Scan, payload, {
        jobId: scanJobId(job.repositoryId, digest),
        attempts: SCAN_ATTEMPTS,
        backoff: { type: 'exponential', delay: BACKOFF_MS },
        removeOnComplete: true,
        removeOnFail: true,
      });
    }
    return [...digests];
  }

  /** Whether the job of an image is still somewhere in the queue (waiting, active, delayed). */
  async jobAlive(repositoryId: string, digest: string): Promise<boolean> {
    const job = await this.queues[QueueName.Scan].getJob(scanJobId(repositoryId, digest));
    if (!job) return false;
    const state = await job.getState();
    return state !== 'completed' && state !== 'failed' && state !== 'unknown';
  }

  /** The periodic sweep of rows stuck in queued/scanning (see ScanWorker.sweep). */
  async scheduleSweep(): Promise<void> {
    const every = Math.max(60, Math.min(this.config.scanning.timeoutSeconds, 900)) * 1000;
    await this.queues[QueueName.Scan].upsertJobScheduler(
      'scan-sweeper',
      { every },
      { name: ScanJob.Sweep, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }
}
