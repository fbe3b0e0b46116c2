import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Inject, Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  AppError,
  JobHandler,
  LOGGER,
  QUEUES,
  QueueName,
  type Logger,
  type Queues,
} from '@drydock/platform';
import { PgVulnStore } from '../store/pg-store.js';
import { nvdRecord, osvRecord } from '../store/memory.js';
import { loadVulnDataPath } from '../sources/loader.js';
import { NvdClient, syncNvd, type NvdClientOptions } from '../sync/nvd-client.js';
import { fetchOsvSource } from '../sync/osv-fetch.js';
import {
  reevaluate,
  type FindingsDiff,
  type IndexedImageStore,
  type ReevaluationResult,
} from '../match/reevaluate.js';
import type { VulnRecord } from '../model/types.js';
import { openSecret, sealSecret } from './secret-box.js';
import {
  VulndbSettingsRequest,
  type VulndbImportResult,
  type VulndbSettingsView,
  type VulndbStatusView,
  type VulndbSyncProgress,
  type VulndbSyncRequestedView,
} from '@drydock/contracts';
import { VulndbJob } from './settings.js';

/** Provided by the scanning add-on: stored components and findings of indexed images. */
export const VULNDB_IMAGE_STORE = Symbol('VULNDB_IMAGE_STORE');
/** Optional sink for "new findings" events, one per image whose findings changed. */
export const VULNDB_EVENTS = Symbol('VULNDB_EVENTS');
/** Optional NVD client overrides (tests: small rate-limit windows). */
export const VULNDB_NVD_CLIENT_OPTIONS = Symbol('VULNDB_NVD_CLIENT_OPTIONS');

export interface VulndbEvents {
  findingsChanged(diff: FindingsDiff): Promise<void>;
}

interface SettingsRow {
  nvd_enabled: boolean;
  nvd_url: string | null;
  nvd_api_key_enc: string | null;
  interval_minutes: number;
  osv_sources: { ecosystem: string; url: string }[];
}

const SCHEDULER_ID = 'vulndb-sync-schedule';
const BATCH = 1000;
// A run whose worker died leaves a row in "running"; after this long it no longer counts as running.
const STALE_RUN_MS = 6 * 3_600_000;

/**
 * The vulnerability database service: admin settings (API key sealed at rest), status, the sync job
 * (NVD, then every OSV source), offline import, and re-evaluation of indexed images after changes.
 * Platform-wide data: callers (admin controllers, worker) are platform-level, not tenant-scoped.
 */
@Injectable()
export class VulndbService implements OnApplicationBootstrap {
  readonly store: PgVulnStore;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(QUEUES) private readonly queues: Queues,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(VULNDB_IMAGE_STORE) private readonly images: IndexedImageStore | null = null,
    @Optional() @Inject(VULNDB_EVENTS) private readonly events: VulndbEvents | null = null,
    @Optional()
    @Inject(VULNDB_NVD_CLIENT_OPTIONS)
    private readonly clientOptions: NvdClientOptions | null = null,
  ) {
    this.store = new PgVulnStore(ds);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.roles.worker) return;
    await this.schedule();
  }

  private async row(): Promise<SettingsRow> {
    const rows = await this.ds.query<SettingsRow[]>(
      `SELECT nvd_enabled, nvd_url, nvd_api_key_enc, interval_minutes, osv_sources FROM vulndb_settings WHERE id = 1`,
    );
    return (
      rows[0] ?? {
        nvd_enabled: true,
        nvd_url: null,
        nvd_api_key_enc: null,
        interval_minutes: 120,
        osv_sources: [],
      }
    );
  }

  async getSettings(): Promise<VulndbSettingsView> {
    const r = await this.row();
    return {
      nvd: {
        enabled: r.nvd_enabled,
        url: r.nvd_url ?? this.config.vulndb.nvdUrl,
        apiKeySet: r.nvd_api_key_enc !== null,
        intervalMinutes: r.interval_minutes,
      },
      osv: { sources: r.osv_sources },
    };
  }

  async putSettings(input: unknown): Promise<VulndbSettingsView> {
    const parsed = VulndbSettingsRequest.safeParse(input);
    if (!parsed.success) {
      throw AppError.validation(
        parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
      );
    }
    const s: VulndbSettingsRequest = parsed.data;
    const cur = await this.row();
    const apiKey = s.nvd?.apiKey;
    const sealed =
      apiKey === undefined
        ? cur.nvd_api_key_enc
        : apiKey === null
          ? null
          : sealSecret(this.config.secretsKey, apiKey);
    await this.ds.query(
      `INSERT INTO vulndb_settings (id, nvd_enabled, nvd_url, nvd_api_key_enc, interval_minutes, osv_sources, updated_at)
       VALUES (1, $1, $2, $3, $4, $5::jsonb, now())
       ON CONFLICT (id) DO UPDATE SET nvd_enabled = EXCLUDED.nvd_enabled, nvd_url = EXCLUDED.nvd_url,
         nvd_api_key_enc = EXCLUDED.nvd_api_key_enc, interval_minutes = EXCLUDED.interval_minutes,
         osv_sources = EXCLUDED.osv_sources, updated_at = now()`,
      [
        s.nvd?.enabled ?? cur.nvd_enabled,
        s.nvd?.url ?? cur.nvd_url,
        sealed,
        s.nvd?.intervalMinutes ?? cur.interval_minutes,
        JSON.stringify(s.osv?.sources ?? cur.osv_sources),
      ],
    );
    if (this.config.roles.worker) await this.schedule();
    return this.getSettings();
  }

  /** The sync schedule from the settings; an upsert keyed by id, so every replica may call it. */
  async schedule(): Promise<void> {
    const r = await this.row();
    await this.queues[QueueName.VulndbSync].upsertJobScheduler(
      SCHEDULER_ID,
      { every: r.interval_minutes * 60_000 },
      { name: VulndbJob.Sync, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  async status(): Promise<VulndbStatusView> {
    const running = await this.ds.query<{ progress: VulndbSyncProgress }[]>(
      `SELECT progress FROM vulndb_sync_runs WHERE state = 'running' AND started_at > now() - $1::interval
        ORDER BY started_at DESC LIMIT 1`,
      [`${STALE_RUN_MS} milliseconds`],
    );
    const success = await this.ds.query<{ at: Date | null }[]>(
      `SELECT max(finished_at) AS at FROM vulndb_sync_runs WHERE state = 'succeeded'`,
    );
    const failed = await this.ds.query<{ error: string; finished_at: Date }[]>(
      `SELECT error, finished_at FROM vulndb_sync_runs WHERE state = 'failed' ORDER BY finished_at DESC LIMIT 1`,
    );
    const lastSuccess = success[0]?.at ?? null;
    const lastFailure = failed[0];
    return {
      state: running.length > 0 ? 'running' : 'idle',
      progress: running[0]?.progress ?? null,
      lastSuccessAt: lastSuccess ? lastSuccess.toISOString() : null,
      lastError:
        lastFailure && (!lastSuccess || lastFailure.finished_at > lastSuccess) ? lastFailure.error : null,
      counts: await this.store.counts(),
      dbVersion: await this.store.dbVersion(),
    };
  }

  /** `POST /admin/vulndb/sync`: queues a sync (one at a time: a deterministic job id). */
  async requestSync(): Promise<VulndbSyncRequestedView> {
    const job = await this.queues[QueueName.VulndbSync].add(
      VulndbJob.Sync,
      {},
      { jobId: VulndbJob.Sync, removeOnComplete: true, removeOnFail: true },
    );
    return { queued: job !== undefined };
  }

  private async startRun(kind: 'sync' | 'import'): Promise<string> {
    const rows = await this.ds.query<{ id: string }[]>(
      `INSERT INTO vulndb_sync_runs (kind, state) VALUES ($1, 'running') RETURNING id`,
      [kind],
    );
    return rows[0].id;
  }

  private async progress(runId: string, progress: VulndbSyncProgress, records: number): Promise<void> {
    await this.ds.query(`UPDATE vulndb_sync_runs SET progress = $2::jsonb, records = $3 WHERE id = $1`, [
      runId,
      JSON.stringify(progress),
      records,
    ]);
  }

  private async finishRun(runId: string, error: string | null, records: number): Promise<void> {
    await this.ds.query(
      `UPDATE vulndb_sync_runs SET state = $2, error = $3, records = $4, finished_at = now() WHERE id = $1`,
      [runId, error ? 'failed' : 'succeeded', error, records],
    );
  }

  /** The sync job: NVD (resumes from its cursor), then every OSV source; then re-evaluation. */
  @JobHandler(QueueName.VulndbSync, VulndbJob.Sync)
  async runSync(): Promise<{ runId: string; nvd: number; osv: number }> {
    const settings = await this.row();
    const runId = await this.startRun('sync');
    let nvd = 0;
    let osv = 0;
    try {
      if (settings.nvd_enabled) {
        const apiKey = settings.nvd_api_key_enc
          ? openSecret(this.config.secretsKey, settings.nvd_api_key_enc)
          : null;
        const client = new NvdClient({
          ...this.clientOptions,
          baseUrl: settings.nvd_url ?? this.config.vulndb.nvdUrl,
          apiKey,
        });
        const result = await syncNvd(client, this.store.nvdSyncTarget(runId), () => new Date(), {
          onProgress: (p) =>
            void this.progress(runId, { source: 'nvd', ...p }, nvd + p.fetched).catch(() => undefined),
        });
        nvd = result.records;
      }
      for (const source of settings.osv_sources) {
        let batch: VulnRecord[] = [];
        const flush = async (): Promise<void> => {
          if (batch.length === 0) return;
          await this.store.apply('osv', batch, runId);
          osv += batch.length;
          batch = [];
          await this.progress(runId, { source: 'osv', ecosystem: source.ecosystem, fetched: osv }, nvd + osv);
        };
        await fetchOsvSource(source.url, {
          nvd: () => undefined,
          osv: async (r) => {
            batch.push(osvRecord(r));
            if (batch.length >= BATCH) await flush();
          },
        });
        await flush();
      }
      await this.finishRun(runId, null, nvd + osv);
      this.logger.info({ runId, nvd, osv }, 'vulnerability database synced');
    } catch (e) {
      await this.finishRun(runId, (e as Error).message, nvd + osv);
      this.logger.warn({ runId, err: (e as Error).message }, 'vulnerability database sync failed');
      throw e;
    } finally {
      await this.requestReevaluation();
    }
    return { runId, nvd, osv };
  }

  /**
   * Offline import (`POST /admin/vulndb/import`, CLI): NVD pages (plain/gzip) and OSV files or zips.
   * Files are spooled to a private temporary directory under their base name only.
   */
  async importFiles(files: readonly { name: string; data: Buffer }[]): Promise<VulndbImportResult> {
    if (files.length === 0) throw new AppError('bad_request', 'No files uploaded');
    const dir = await mkdtemp(join(tmpdir(), 'drydock-vulndb-import-'));
    try {
      for (const [i, f] of files.entries()) {
        const name = basename(f.name).replace(/[^A-Za-z0-9._-]/g, '_') || 'upload.json';
        await writeFile(join(dir, `${String(i).padStart(4, '0')}-${name}`), f.data);
      }
      return await this.importPath(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async importPath(path: string): Promise<VulndbImportResult> {
    const runId = await this.startRun('import');
    const result: VulndbImportResult = { runId, nvd: 0, osv: 0, skipped: [] };
    let nvdBatch: VulnRecord[] = [];
    let osvBatch: VulnRecord[] = [];
    const flush = async (): Promise<void> => {
      if (nvdBatch.length > 0) await this.store.apply('nvd', nvdBatch, runId);
      if (osvBatch.length > 0) await this.store.apply('osv', osvBatch, runId);
      nvdBatch = [];
      osvBatch = [];
    };
    try {
      await loadVulnDataPath(path, {
        nvd: async (c) => {
          nvdBatch.push(nvdRecord(c));
          result.nvd++;
          if (nvdBatch.length >= BATCH) await flush();
        },
        osv: async (r) => {
          osvBatch.push(osvRecord(r));
          result.osv++;
          if (osvBatch.length >= BATCH) await flush();
        },
        skipped: (p) => result.skipped.push(basename(p)),
      });
      await flush();
      await this.finishRun(runId, null, result.nvd + result.osv);
    } catch (e) {
      await this.finishRun(runId, (e as Error).message, result.nvd + result.osv);
      throw new AppError('unprocessable', `Import failed: ${(e as Error).message}`);
    }
    await this.requestReevaluation();
    return result;
  }

  /**
   * No deterministic job id on purpose: a request made while a re-evaluation runs must still get a run
   * of its own (the running one may have read the pending changes before this request's data landed).
   * The queue's concurrency is 1, and a run with nothing pending returns at once.
   */
  async requestReevaluation(): Promise<void> {
    await this.queues[QueueName.Reevaluate].add(
      VulndbJob.Reevaluate,
      {},
      {
        removeOnComplete: true,
        removeOnFail: 100,
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
      },
    );
  }

  /**
   * The reevaluate job: the package keys of every pending change, then only the stored images with
   * components under them. Without an image store (no scanning add-on) changes stay pending.
   */
  @JobHandler(QueueName.Reevaluate, VulndbJob.Reevaluate)
  async runReevaluation(): Promise<ReevaluationResult & { changes: number }> {
    const pending = await this.store.pendingChanges(10_000);
    if (!this.images || pending.length === 0)
      return { imagesVisited: 0, imagesChanged: 0, diffs: [], changes: 0 };
    const keys = new Set(pending.flatMap((c) => c.packageKeys));
    const result = await reevaluate(keys, this.images, this.store, (d) => this.events?.findingsChanged(d));
    await this.store.markReevaluated(pending.map((c) => c.id));
    this.logger.info(
      { changes: pending.length, keys: keys.size, images: result.imagesChanged },
      'findings re-evaluated',
    );
    return { ...result, changes: pending.length };
  }
}
