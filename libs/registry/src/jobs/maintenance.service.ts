import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  AppConfig,
  JobHandler,
  LOGGER,
  QUEUES,
  QueueName,
  TenantDb,
  type Logger,
  type Queues,
} from '@drydock/platform';
import { lockDigest } from '../db/registry-store.js';
import { BLOB_STORE, type BlobStore } from '../storage/blob-store.js';
import { UploadsService } from '../services/uploads.service.js';

export const RegistryJob = {
  CleanUploads: 'registry-clean-uploads',
  CollectGarbage: 'registry-gc',
} as const;

const HOUR = 3_600_000;

/**
 * Registry housekeeping on the maintenance queue: abandoned uploads and unreferenced blobs. Both
 * span every tenant by design, hence the system context.
 */
@Injectable()
export class RegistryMaintenance implements OnApplicationBootstrap {
  constructor(
    @Inject(TenantDb) private readonly db: TenantDb,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(UploadsService) private readonly uploads: UploadsService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(QUEUES) private readonly queues: Queues,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.roles.worker) return;
    const q = this.queues[QueueName.Maintenance];
    // Job schedulers are upserts keyed by id: every replica may call this; one schedule results.
    await q.upsertJobScheduler(RegistryJob.CleanUploads, { every: HOUR }, { name: RegistryJob.CleanUploads });
    await q.upsertJobScheduler(
      RegistryJob.CollectGarbage,
      { every: 6 * HOUR },
      { name: RegistryJob.CollectGarbage },
    );
  }

  private cutoff(now: Date): Date {
    return new Date(now.getTime() - this.config.registry.uploadMaxAgeHours * HOUR);
  }

  /** Drops uploads untouched for `registry.uploadMaxAgeHours` (REGISTRY_UPLOAD_MAX_AGE_HOURS), and orphaned upload objects. */
  @JobHandler(QueueName.Maintenance, RegistryJob.CleanUploads)
  async cleanUploads(now: unknown = new Date()): Promise<{ sessions: number; orphans: number }> {
    // As a job handler the first argument is the BullMQ job, not a date.
    const cutoff = this.cutoff(now instanceof Date ? now : new Date());
    const rows: { id: string }[] = await this.db.withSystem((m) =>
      m
        .query(`DELETE FROM upload_sessions WHERE updated_at < $1 RETURNING id`, [cutoff])
        .then((r: [{ id: string }[], number]) => r[0]),
    );
    for (const r of rows) {
      this.uploads.forget(r.id);
      await this.blobs.deleteUpload(r.id);
    }
    let orphans = 0;
    for await (const u of this.blobs.listUploads()) {
      if (u.modifiedAt >= cutoff) continue;
      const known: unknown[] = await this.db.withSystem((m) =>
        m.query(`SELECT 1 FROM upload_sessions WHERE id::text = $1`, [u.uploadId]),
      );
      if (known.length === 0) {
        await this.blobs.deleteUpload(u.uploadId);
        orphans++;
      }
    }
    if (rows.length || orphans)
      this.logger.info({ sessions: rows.length, orphans }, 'abandoned uploads removed');
    return { sessions: rows.length, orphans };
  }

  /**
   * Removes blobs no manifest in any repository references. A blob younger than the upload max age
   * is kept (its manifest may still be on its way). Each candidate is locked FOR UPDATE and
   * re-checked in a fresh statement, so a manifest PUT that share-locked it first wins.
   * The storage object goes before the row commits, so a row never outlives its bytes.
   *
   * Then it sweeps stored objects that have no row at all (left by a crash between publishing the
   * bytes and inserting the row), again only those older than the upload max age: a just-published
   * object's row may still be on its way.
   */
  @JobHandler(QueueName.Maintenance, RegistryJob.CollectGarbage)
  async collectGarbage(now: unknown = new Date()): Promise<{ deleted: string[]; orphans: string[] }> {
    const cutoff = this.cutoff(now instanceof Date ? now : new Date());
    const candidates: { digest: string }[] = await this.db.withSystem((m) =>
      m.query(
        `SELECT b.digest FROM blobs b
          WHERE b.created_at < $1 AND NOT EXISTS (SELECT 1 FROM manifest_references r WHERE r.digest = b.digest)`,
        [cutoff],
      ),
    );
    const deleted: string[] = [];
    for (const { digest } of candidates) {
      const gone = await this.db.withSystem(async (m) => {
        const locked: unknown[] = await m.query(`SELECT digest FROM blobs WHERE digest = $1 FOR UPDATE`, [
          digest,
        ]);
        if (locked.length === 0) return false;
        const refs: unknown[] = await m.query(`SELECT 1 FROM manifest_references WHERE digest = $1 LIMIT 1`, [
          digest,
        ]);
        if (refs.length) return false;
        await this.blobs.delete(digest);
        await m.query(`DELETE FROM blobs WHERE digest = $1`, [digest]);
        return true;
      });
      if (gone) deleted.push(digest);
    }
    if (deleted.length) this.logger.info({ count: deleted.length }, 'unreferenced blobs removed');
    const orphans = await this.sweepOrphanObjects(cutoff);
    if (orphans.length) this.logger.info({ count: orphans.length }, 'stored blobs without a row removed');
    return { deleted, orphans };
  }

  private async sweepOrphanObjects(cutoff: Date): Promise<string[]> {
    const removed: string[] = [];
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const known: { digest: string }[] = await this.db.withSystem((m) =>
        m.query(`SELECT digest FROM blobs WHERE digest = ANY($1)`, [batch]),
      );
      const have = new Set(known.map((r) => r.digest));
      for (const digest of batch.filter((d) => !have.has(d))) {
        const gone = await this.db.withSystem(async (m) => {
          // Under the digest's lock, which an upload reviving these bytes takes too
          // (RegistryStore.completeUpload): either its row is visible here, or it re-publishes.
          await lockDigest(m, digest);
          const rows: unknown[] = await m.query(`SELECT 1 FROM blobs WHERE digest = $1`, [digest]);
          if (rows.length) return false;
          await this.blobs.delete(digest);
          return true;
        });
        if (gone) removed.push(digest);
      }
      batch = [];
    };
    for await (const b of this.blobs.listBlobs()) {
      if (b.modifiedAt >= cutoff) continue;
      batch.push(b.digest);
      if (batch.length >= 500) await flush();
    }
    await flush();
    return removed;
  }
}
