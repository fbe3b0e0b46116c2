import { Inject, Injectable } from '@nestjs/common';
import { TenantDb } from '@drydock/platform';
import type { Finding } from '@drydock/vulndb';
import type { ScanProgressView, SeverityCountsView } from '@drydock/contracts';
import type { EntityManager } from 'typeorm';
import { EMPTY_PROGRESS, type RowStatus, type ScanRow, type StoredResult } from '../model.js';

interface RawScan {
  id: string;
  organization_id: string;
  repository_id: string;
  manifest_digest: string;
  status: RowStatus;
  progress: ScanProgressView;
  error: string | null;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  scanned_at: Date | null;
  evaluated_at: Date | null;
  db_version: string | null;
  critical: number;
  high: number;
  medium: number;
  low: number;
  unknown: number;
  total: number;
  updated_at: Date;
}

function toRow(r: RawScan): ScanRow {
  return {
    id: r.id,
    organizationId: r.organization_id,
    repositoryId: r.repository_id,
    digest: r.manifest_digest,
    status: r.status,
    progress: { ...EMPTY_PROGRESS, ...r.progress },
    error: r.error,
    queuedAt: r.queued_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    scannedAt: r.scanned_at,
    evaluatedAt: r.evaluated_at,
    dbVersion: r.db_version === null ? null : String(r.db_version),
    counts: {
      critical: r.critical,
      high: r.high,
      medium: r.medium,
      low: r.low,
      unknown: r.unknown,
      total: r.total,
    },
    updatedAt: r.updated_at,
  };
}

const PARSED_CACHE_SIZE = 32;

export interface StoredImage {
  id: string;
  organizationId: string;
  repositoryId: string;
  digest: string;
  result: StoredResult;
  findings: Finding[];
}

/**
 * Scan rows and image analyses. Tenant reads and writes go through TenantDb.withTenant with the
 * organization as an argument; the worker-wide passes (sweeper, re-evaluation) use the system
 * context and say so.
 */
@Injectable()
export class ScanStore {
  private readonly parsed = new Map<string, { version: string; image: StoredImage }>();

  constructor(@Inject(TenantDb) private readonly db: TenantDb) {}

  tenant<T>(orgId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.withTenant(orgId, work);
  }

  /**
   * Marks a manifest queued; false when it already was queued or scanning (that row keeps its
   * state, so a push storm does not reset a running scan).
   */
  async markQueued(
    orgId: string,
    repositoryId: string,
    digest: string,
    opts: { rescanCompleted: boolean },
  ): Promise<boolean> {
    // A push never rescans a completed image (same digest, same bytes; re-evaluation keeps its
    // findings current) — decided in this statement, so concurrent push events cannot race it.
    const settled = opts.rescanCompleted ? `'queued', 'scanning'` : `'queued', 'scanning', 'completed'`;
    const rows = await this.tenant(orgId, (m) =>
      m.query<{ id: string }[]>(
        `INSERT INTO scans (organization_id, repository_id, manifest_digest, status)
         VALUES ($1, $2, $3, 'queued')
         ON CONFLICT (repository_id, manifest_digest) DO UPDATE
           SET status = 'queued', error = NULL, queued_at = now(), updated_at = now(),
               progress = '{"layersDone":0,"layersTotal":0,"bytesRead":0,"bytesTotal":0}'
         WHERE scans.status NOT IN (${settled})
         RETURNING id`,
        [orgId, repositoryId, digest],
      ),
    );
    return rows.length > 0;
  }

  async markScanning(orgId: string, repositoryId: string, digest: string, progress: ScanProgressView) {
    await this.tenant(orgId, (m) =>
      m.query(
        `INSERT INTO scans (organization_id, repository_id, manifest_digest, status, started_at, progress, attempts)
         VALUES ($1, $2, $3, 'scanning', now(), $4::jsonb, 1)
         ON CONFLICT (repository_id, manifest_digest) DO UPDATE
           SET status = 'scanning', started_at = now(), finished_at = NULL, error = NULL,
               progress = EXCLUDED.progress, attempts = scans.attempts + 1, updated_at = now()`,
        [orgId, repositoryId, digest, JSON.stringify(progress)],
      ),
    );
  }

  async updateProgress(orgId: string, repositoryId: string, digest: string, progress: ScanProgressView) {
    await this.tenant(orgId, (m) =>
      m.query(
        `UPDATE scans SET progress = $4::jsonb, updated_at = now()
          WHERE organization_id = $1 AND repository_id = $2 AND manifest_digest = $3 AND status = 'scanning'`,
        [orgId, repositoryId, digest, JSON.stringify(progress)],
      ),
    );
  }

  /** A failed attempt: `failed` when no retry follows, else back to `queued` with the reason. */
  async markFailed(orgId: string, repositoryId: string, digest: string, error: string, final: boolean) {
    await this.tenant(orgId, (m) =>
      m.query(
        `UPDATE scans SET status = $4::text, error = $5, finished_at = CASE WHEN $4::text = 'failed' THEN now() END,
                updated_at = now()
          WHERE organization_id = $1 AND repository_id = $2 AND manifest_digest = $3`,
        [orgId, repositoryId, digest, final ? 'failed' : 'queued', error.slice(0, 2000)],
      ),
    );
  }

  /** The layers were read: analysis, findings and counts commit together with the completed state. */
  async complete(
    orgId: string,
    repositoryId: string,
    digest: string,
    input: {
      result: StoredResult;
      findings: Finding[];
      packageKeys: string[];
      counts: SeverityCountsView;
      dbVersion: number;
      progress: ScanProgressView;
    },
  ): Promise<void> {
    await this.tenant(orgId, async (m) => {
      await m.query(
        `INSERT INTO image_analyses (organization_id, repository_id, manifest_digest, result, findings, package_keys)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::text[])
         ON CONFLICT (repository_id, manifest_digest) DO UPDATE
           SET result = EXCLUDED.result, findings = EXCLUDED.findings, package_keys = EXCLUDED.package_keys,
               updated_at = now()`,
        [
          orgId,
          repositoryId,
          digest,
          JSON.stringify(input.result),
          JSON.stringify(input.findings),
          input.packageKeys,
        ],
      );
      const c = input.counts;
      await m.query(
        `UPDATE scans SET status = 'completed', error = NULL, finished_at = now(), scanned_at = now(),
                evaluated_at = now(), db_version = $4, progress = $5::jsonb,
                critical = $6, high = $7, medium = $8, low = $9, unknown = $10, total = $11, updated_at = now()
          WHERE organization_id = $1 AND repository_id = $2 AND manifest_digest = $3`,
        [
          orgId,
          repositoryId,
          digest,
          input.dbVersion,
          JSON.stringify(input.progress),
          c.critical,
          c.high,
          c.medium,
          c.low,
          c.unknown,
          c.total,
        ],
      );
    });
  }

  async scansFor(
    orgId: string,
    repositoryId: string,
    digests: readonly string[],
  ): Promise<Map<string, ScanRow>> {
    if (digests.length === 0) return new Map();
    const rows = await this.tenant(orgId, (m) =>
      m.query<RawScan[]>(
        `SELECT * FROM scans WHERE organization_id = $1 AND repository_id = $2 AND manifest_digest = ANY($3::text[])`,
        [orgId, repositoryId, digests],
      ),
    );
    return new Map(rows.map((r) => [r.manifest_digest, toRow(r)]));
  }

  /**
   * A stored image, parsed. The results views read the same few images over and over (a tag page,
   * its Components and Layers views, exports), and parsing megabytes of jsonb dominates them; so
   * parsed images are kept per row id and revalidated by updated_at on every call, in a
   * tenant-scoped query (a cached image is only handed out after RLS let the caller see its row).
   */
  async image(orgId: string, repositoryId: string, digest: string): Promise<StoredImage | null> {
    const head = await this.tenant(orgId, (m) =>
      m.query<{ id: string; v: string }[]>(
        `SELECT id, updated_at::text AS v FROM image_analyses
          WHERE organization_id = $1 AND repository_id = $2 AND manifest_digest = $3`,
        [orgId, repositoryId, digest],
      ),
    );
    if (!head[0]) return null;
    const hit = this.parsed.get(head[0].id);
    if (hit && hit.version === head[0].v) {
      this.parsed.delete(head[0].id);
      this.parsed.set(head[0].id, hit);
      return hit.image;
    }
    const image = await this.loadImage(orgId, repositoryId, digest);
    if (image) {
      this.parsed.set(image.id, { version: head[0].v, image });
      while (this.parsed.size > PARSED_CACHE_SIZE) this.parsed.delete(this.parsed.keys().next().value!);
    }
    return image;
  }

  private async loadImage(orgId: string, repositoryId: string, digest: string): Promise<StoredImage | null> {
    const rows = await this.tenant(orgId, (m) =>
      m.query<
        {
          id: string;
          organization_id: string;
          repository_id: string;
          manifest_digest: string;
          result: StoredResult;
          findings: Finding[];
        }[]
      >(
        `SELECT id, organization_id, repository_id, manifest_digest, result, findings FROM image_analyses
          WHERE organization_id = $1 AND repository_id = $2 AND manifest_digest = $3`,
        [orgId, repositoryId, digest],
      ),
    );
    const r = rows[0];
    return r
      ? {
          id: r.id,
          organizationId: r.organization_id,
          repositoryId: r.repository_id,
          digest: r.manifest_digest,
          result: r.result,
          findings: r.findings,
        }
      : null;
  }

  // ---- worker-wide passes (system context by design: they span every tenant) ----

  /** Rows in queued/scanning not touched for `olderThanSeconds` (the sweeper checks their jobs). */
  async staleActive(olderThanSeconds: number): Promise<ScanRow[]> {
    const rows = await this.db.withSystem((m) =>
      m.query<RawScan[]>(
        `SELECT * FROM scans WHERE status IN ('queued', 'scanning') AND updated_at < now() - $1::interval
          ORDER BY updated_at LIMIT 500`,
        [`${olderThanSeconds} seconds`],
      ),
    );
    return rows.map(toRow);
  }

  async imagesWithKeys(keys: readonly string[]): Promise<string[]> {
    const rows = await this.db.withSystem((m) =>
      m.query<{ id: string }[]>(`SELECT id FROM image_analyses WHERE package_keys && $1::text[]`, [keys]),
    );
    return rows.map((r) => r.id);
  }

  async imageById(id: string): Promise<StoredImage | null> {
    const rows = await this.db.withSystem((m) =>
      m.query<
        {
          id: string;
          organization_id: string;
          repository_id: string;
          manifest_digest: string;
          result: StoredResult;
          findings: Finding[];
        }[]
      >(
        `SELECT id, organization_id, repository_id, manifest_digest, result, findings FROM image_analyses WHERE id = $1`,
        [id],
      ),
    );
    const r = rows[0];
    return r
      ? {
          id: r.id,
          organizationId: r.organization_id,
          repositoryId: r.repository_id,
          digest: r.manifest_digest,
          result: r.result,
          findings: r.findings,
        }
      : null;
  }

  /**
   * Findings recomputed without reading layers (re-evaluation): evaluated_at and db_version move,
   * scanned_at stays. Written in the image's own tenant context.
   */
  async saveEvaluation(
    image: Pick<StoredImage, 'organizationId' | 'repositoryId' | 'digest'>,
    findings: Finding[],
    counts: SeverityCountsView,
    dbVersion: number,
  ): Promise<void> {
    await this.tenant(image.organizationId, async (m) => {
      await m.query(
        `UPDATE image_analyses SET findings = $4::jsonb, updated_at = now()
          WHERE organization_id = $1 AND repository_id = $2 AND manifest_digest = $3`,
        [image.organizationId, image.repositoryId, image.digest, JSON.stringify(findings)],
      );
      await m.query(
        `UPDATE scans SET evaluated_at = now(), db_version = $4,
                critical = $5, high = $6, medium = $7, low = $8, unknown = $9, total = $10, updated_at = now()
          WHERE organization_id = $1 AND repository_id = $2 AND manifest_digest = $3`,
        [
          image.organizationId,
          image.repositoryId,
          image.digest,
          dbVersion,
          counts.critical,
          counts.high,
          counts.medium,
          counts.low,
          counts.unknown,
          counts.total,
        ],
      );
    });
  }
}
