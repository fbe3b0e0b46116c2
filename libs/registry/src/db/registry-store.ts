import { Inject, Injectable } from '@nestjs/common';
import { TenantDb } from '@drydock/platform';
import type { EntityManager } from 'typeorm';
import type { ParsedManifest } from '../oci/manifest.js';
import { Manifest, Repository, type ScanMode, type UploadPartRow, type Visibility } from './entities.js';

/** How long a repository row found by name is reused in this process (see findRepositoryCached). */
export const REPOSITORY_CACHE_MS = 5_000;
const REPOSITORY_CACHE_MAX = 10_000;

const MANIFEST_SELECT = {
  id: true,
  digest: true,
  mediaType: true,
  size: true,
  content: true,
  subjectDigest: true,
} as const;

export interface UploadRow {
  id: string;
  organizationId: string;
  repositoryId: string;
  uploadedBytes: number;
  parts: UploadPartRow[];
}

const REPOSITORY_COLUMNS =
  'id, organization_id, name, visibility, scan_mode, description, created_at, updated_at';

interface RepositoryRow {
  id: string;
  organization_id: string;
  name: string;
  visibility: Visibility;
  scan_mode: ScanMode;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

function toRepository(r: RepositoryRow): Repository {
  return Object.assign(new Repository(), {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    visibility: r.visibility,
    scanMode: r.scan_mode,
    description: r.description,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
}

export interface StoredManifest {
  id: string;
  digest: string;
  mediaType: string;
  size: number;
  content: Buffer;
  subjectDigest: string | null;
}

/**
 * A transaction-scoped lock on one digest, shared by the garbage collector's sweep of stored
 * objects without a row and an upload that gives such an object its row again.
 */
export async function lockDigest(m: EntityManager, digest: string): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [digest]);
}

/**
 * Registry metadata access. Every method takes the organization explicitly and runs in
 * TenantDb.withTenant, so RLS backs up the WHERE clauses; only blobs (shared, content-addressed)
 * and the maintenance jobs use the system context.
 */
@Injectable()
export class RegistryStore {
  constructor(@Inject(TenantDb) private readonly db: TenantDb) {}

  tenant<T>(orgId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.withTenant(orgId, work);
  }

  system<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.withSystem(work);
  }

  private readonly repositories = new Map<string, { repo: Repository; until: number }>();

  /** Reads the repository row (and refreshes the in-process copy findRepositoryCached hands out). */
  /** One round trip (TenantDb.readTenant): every /v2 request to a repository not cached asks it. */
  async findRepository(orgId: string, name: string): Promise<Repository | null> {
    const rows = await this.db.readTenant<RepositoryRow>(
      orgId,
      `SELECT ${REPOSITORY_COLUMNS} FROM repositories WHERE organization_id = $1 AND name = $2`,
      [orgId, name],
    );
    const repo = rows[0] ? toRepository(rows[0]) : null;
    if (repo) this.rememberRepository(repo);
    else this.forgetRepository(name);
    return repo;
  }

  /**
   * The repository by name, reusing a row read in the last REPOSITORY_CACHE_MS: nearly every /v2
   * request names a repository, and a push or pull is a burst of them. Only the row's identity is
   * safe to take from here — callers that decide access by its visibility read it fresh (`fresh`
   * says whether this answer came from the database). Only found rows are kept: a repository
   * created on another replica is seen at once. One deleted on another replica may linger here for
   * the TTL: reads then find nothing in it, and writes fail their foreign key (the /v2 handler then
   * forgets the copy and answers NAME_UNKNOWN, so the client's retry starts afresh).
   */
  async findRepositoryCached(
    orgId: string,
    name: string,
  ): Promise<{ repo: Repository | null; fresh: boolean }> {
    const hit = this.repositories.get(name);
    if (hit && hit.until > Date.now() && hit.repo.organizationId === orgId)
      return { repo: hit.repo, fresh: false };
    return { repo: await this.findRepository(orgId, name), fresh: true };
  }

  /** Drops the in-process copy (after a change here, or a write that found the row gone). */
  forgetRepository(name: string): void {
    this.repositories.delete(name);
  }

  private rememberRepository(repo: Repository): void {
    if (this.repositories.size >= REPOSITORY_CACHE_MAX) this.repositories.clear();
    // Keyed by name alone: names are unique across organizations (repositories_name_idx).
    this.repositories.set(repo.name, {
      repo,
      until: Date.now() + REPOSITORY_CACHE_MS,
    });
  }

  /** Creates the repository on first push (or returns it); concurrent first pushes converge on one row. */
  async ensureRepository(orgId: string, name: string): Promise<Repository> {
    // One round trip: the new row, or the one already there. A row committed by a concurrent first
    // push after this statement's snapshot is invisible to its SELECT; the read after it sees it.
    // ON CONFLICT without a target: two unique indexes hold the name ((organization_id, name) and
    // name alone), and a conflict target makes only its own index an arbiter, so a racing insert
    // could still fail on the other one with a unique violation (a 500 on a parallel first push).
    const { rows } = await this.db.writeTenant<RepositoryRow>(
      orgId,
      `WITH created AS (
         INSERT INTO repositories (organization_id, name) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING ${REPOSITORY_COLUMNS})
       SELECT * FROM created
       UNION ALL SELECT ${REPOSITORY_COLUMNS} FROM repositories WHERE organization_id = $1 AND name = $2
       LIMIT 1`,
      [orgId, name],
    );
    if (rows[0]) {
      const repo = toRepository(rows[0]);
      this.rememberRepository(repo);
      return repo;
    }
    const repo = await this.findRepository(orgId, name);
    if (!repo) throw new Error(`repository ${name} vanished while it was created`);
    return repo;
  }

  async createRepository(
    orgId: string,
    name: string,
    opts: { visibility?: Visibility; scanMode?: ScanMode; description?: string | null },
  ): Promise<Repository | null> {
    return this.tenant(orgId, async (m) => {
      const rows: { id: string }[] = await m.query(
        `INSERT INTO repositories (organization_id, name, visibility, scan_mode, description)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
        [orgId, name, opts.visibility ?? 'private', opts.scanMode ?? 'on_push', opts.description ?? null],
      );
      if (rows.length === 0) return null;
      return m.findOneOrFail(Repository, { where: { id: rows[0].id } });
    });
  }

  // ---- blobs ----

  /** Every blob HEAD and GET asks this: one indexed lookup, one round trip (TenantDb.readTenant). */
  async blobLinked(orgId: string, repositoryId: string, digest: string): Promise<{ size: number } | null> {
    const rows = await this.db.readTenant<{ size: string }>(
      orgId,
      `SELECT b.size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest
        WHERE rb.organization_id = $1 AND rb.repository_id = $2 AND rb.digest = $3`,
      [orgId, repositoryId, digest],
    );
    return rows[0] ? { size: Number(rows[0].size) } : null;
  }

  async linkBlob(orgId: string, repositoryId: string, digest: string): Promise<void> {
    await this.db.writeTenant(
      orgId,
      `INSERT INTO repository_blobs (repository_id, digest, organization_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [repositoryId, digest, orgId],
    );
  }

  async unlinkBlob(orgId: string, repositoryId: string, digest: string): Promise<boolean> {
    const { rowCount } = await this.db.writeTenant(
      orgId,
      `DELETE FROM repository_blobs WHERE organization_id = $1 AND repository_id = $2 AND digest = $3`,
      [orgId, repositoryId, digest],
    );
    return rowCount > 0;
  }

  // ---- uploads ----

  /**
   * Finishes an upload in one transaction: records the blob, links it to the repository and closes
   * the session. Bytes this upload published (`revive` false) are stored before the row: the three
   * changes are one statement, one round trip. With `revive` (the bytes were found in storage, not
   * published by this upload) it takes the digest's lock when it creates the row, which the
   * collector's sweep of objects without a row holds too, so that sweep cannot remove the bytes
   * while their row is on its way; `recorded` then runs inside the transaction, so the caller can
   * make sure the bytes are still stored before the row becomes visible.
   */
  async completeUpload(
    orgId: string,
    repositoryId: string,
    uploadId: string,
    blob: { digest: string; size: number; revive: boolean },
    recorded: () => Promise<void>,
  ): Promise<void> {
    if (!blob.revive) {
      // The blob row (if new) is visible to the link's foreign key: a statement's CTEs run before
      // its constraints are checked.
      await this.db.writeTenant(
        orgId,
        `WITH recorded AS (
           INSERT INTO blobs (digest, size, storage_key) VALUES ($2, $5, $2) ON CONFLICT (digest) DO NOTHING),
         closed AS (DELETE FROM upload_sessions WHERE organization_id = $3 AND id = $4)
         INSERT INTO repository_blobs (repository_id, digest, organization_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [repositoryId, blob.digest, orgId, uploadId, blob.size],
      );
      return;
    }
    await this.tenant(orgId, async (m) => {
      const inserted: unknown[] = await m.query(
        `INSERT INTO blobs (digest, size, storage_key) VALUES ($1, $2, $1) ON CONFLICT (digest) DO NOTHING RETURNING digest`,
        [blob.digest, blob.size],
      );
      if (inserted.length) {
        await lockDigest(m, blob.digest);
        await recorded();
      }
      await m.query(
        `WITH closed AS (DELETE FROM upload_sessions WHERE organization_id = $3 AND id = $4)
         INSERT INTO repository_blobs (repository_id, digest, organization_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [repositoryId, blob.digest, orgId, uploadId],
      );
    });
  }

  async createUpload(orgId: string, repositoryId: string, id: string): Promise<void> {
    await this.db.writeTenant(
      orgId,
      `INSERT INTO upload_sessions (id, organization_id, repository_id) VALUES ($1, $2, $3)`,
      [id, orgId, repositoryId],
    );
  }

  async findUpload(orgId: string, repositoryId: string, id: string): Promise<UploadRow | null> {
    const rows = await this.db.readTenant<{
      id: string;
      organization_id: string;
      repository_id: string;
      uploaded_bytes: string;
      parts: UploadPartRow[];
    }>(
      orgId,
      `SELECT id, organization_id, repository_id, uploaded_bytes, parts FROM upload_sessions
          WHERE organization_id = $1 AND repository_id = $2 AND id = $3`,
      [orgId, repositoryId, id],
    );
    const r = rows[0];
    return r
      ? {
          id: r.id,
          organizationId: r.organization_id,
          repositoryId: r.repository_id,
          uploadedBytes: Number(r.uploaded_bytes),
          parts: r.parts,
        }
      : null;
  }

  /**
   * Records a written part. Optimistic: only succeeds when nobody moved the offset meanwhile, so two
   * racing PATCHes on one upload (possibly on two replicas) cannot both claim the same range.
   */
  async appendPart(orgId: string, id: string, expectedOffset: number, size: number): Promise<boolean> {
    const { rowCount } = await this.db.writeTenant(
      orgId,
      `UPDATE upload_sessions
          SET uploaded_bytes = uploaded_bytes + $3,
              parts = parts || jsonb_build_array(jsonb_build_object('offset', $2::bigint, 'size', $3::bigint)),
              updated_at = now()
        WHERE organization_id = $4 AND id = $1 AND uploaded_bytes = $2`,
      [id, expectedOffset, size, orgId],
    );
    return rowCount === 1;
  }

  async deleteUpload(orgId: string, id: string): Promise<void> {
    await this.db.writeTenant(orgId, `DELETE FROM upload_sessions WHERE organization_id = $1 AND id = $2`, [
      orgId,
      id,
    ]);
  }

  // ---- manifests ----

  async findManifestByDigest(
    orgId: string,
    repositoryId: string,
    digest: string,
  ): Promise<StoredManifest | null> {
    return this.tenant(orgId, (m) =>
      m.findOne(Manifest, {
        where: { organizationId: orgId, repositoryId, digest },
        select: MANIFEST_SELECT,
      }),
    );
  }

  async findManifestByTag(orgId: string, repositoryId: string, tag: string): Promise<StoredManifest | null> {
    const rows = await this.db.readTenant<{
      id: string;
      digest: string;
      media_type: string;
      size: number;
      content: Buffer;
      subject_digest: string | null;
    }>(
      orgId,
      `SELECT mf.id, mf.digest, mf.media_type, mf.size, mf.content, mf.subject_digest
         FROM tags t JOIN manifests mf ON mf.id = t.manifest_id AND mf.organization_id = t.organization_id
        WHERE t.organization_id = $1 AND t.repository_id = $2 AND t.name = $3`,
      [orgId, repositoryId, tag],
    );
    const r = rows[0];
    return r
      ? {
          id: r.id,
          digest: r.digest,
          mediaType: r.media_type,
          size: r.size,
          content: r.content,
          subjectDigest: r.subject_digest,
        }
      : null;
  }

  /** Stores a manifest (idempotent by digest), its references, and moves the tag if one is given. */
  async putManifest(
    orgId: string,
    repositoryId: string,
    input: {
      digest: string;
      content: Buffer;
      parsed: ParsedManifest;
      tag: string | null;
      pushedBy: string;
      requiredBlobs: string[];
      requiredManifests: string[];
    },
  ): Promise<{ missing: string[] }> {
    const p = input.parsed;
    return this.tenant(orgId, async (m) => {
      // Checked in the same transaction as the insert, with the blob rows share-locked, so the
      // garbage collector (which locks a blob FOR UPDATE before deleting it) cannot remove a blob
      // between the check and the new references becoming visible.
      const missing: string[] = [];
      if (input.requiredBlobs.length) {
        const rows: { digest: string }[] = await m.query(
          `SELECT b.digest FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest
            WHERE rb.organization_id = $1 AND rb.repository_id = $2 AND rb.digest = ANY($3) FOR SHARE OF b`,
          [orgId, repositoryId, input.requiredBlobs],
        );
        const have = new Set(rows.map((r) => r.digest));
        missing.push(...input.requiredBlobs.filter((d) => !have.has(d)));
      }
      if (input.requiredManifests.length) {
        const rows: { digest: string }[] = await m.query(
          `SELECT digest FROM manifests WHERE organization_id = $1 AND repository_id = $2 AND digest = ANY($3) FOR SHARE`,
          [orgId, repositoryId, input.requiredManifests],
        );
        const have = new Set(rows.map((r) => r.digest));
        missing.push(...input.requiredManifests.filter((d) => !have.has(d)));
      }
      if (missing.length) return { missing: [...new Set(missing)] };
      const inserted: { id: string }[] = await m.query(
        `WITH touched AS (UPDATE repositories SET updated_at = now() WHERE organization_id = $1 AND id = $2)
         INSERT INTO manifests (organization_id, repository_id, digest, media_type, size, content, config_digest,
                                subject_digest, artifact_type, annotations, total_size, platforms, pushed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (repository_id, digest) DO NOTHING RETURNING id`,
        [
          orgId,
          repositoryId,
          input.digest,
          p.mediaType,
          input.content.length,
          input.content,
          p.configDigest,
          p.subject?.digest ?? null,
          p.artifactType,
          p.annotations ? JSON.stringify(p.annotations) : null,
          p.totalSize,
          p.platforms.length ? JSON.stringify(p.platforms) : null,
          input.pushedBy,
        ],
      );
      let manifestId: string;
      if (inserted[0]) {
        manifestId = inserted[0].id;
        const refs = [...new Map(p.references.map((r) => [`${r.kind} ${r.digest}`, r])).values()];
        if (refs.length) {
          await m.query(
            `INSERT INTO manifest_references (manifest_id, digest, kind, organization_id)
             SELECT $1, d, k, $4 FROM unnest($2::text[], $3::text[]) AS r(d, k) ON CONFLICT DO NOTHING`,
            [manifestId, refs.map((r) => r.digest), refs.map((r) => r.kind), orgId],
          );
        }
      } else {
        const rows: { id: string }[] = await m.query(
          `SELECT id FROM manifests WHERE organization_id = $1 AND repository_id = $2 AND digest = $3`,
          [orgId, repositoryId, input.digest],
        );
        manifestId = rows[0].id;
      }
      if (input.tag) {
        await m.query(
          `INSERT INTO tags (repository_id, name, organization_id, manifest_id, pushed_at, pushed_by)
           VALUES ($1, $2, $3, $4, now(), $5)
           ON CONFLICT (repository_id, name) DO UPDATE SET manifest_id = EXCLUDED.manifest_id, pushed_at = now(), pushed_by = EXCLUDED.pushed_by`,
          [repositoryId, input.tag, orgId, manifestId, input.pushedBy],
        );
      }
      return { missing: [] };
    });
  }

  async deleteManifest(orgId: string, repositoryId: string, digest: string): Promise<boolean> {
    return this.tenant(orgId, async (m) => {
      const [, count] = await m.query<[unknown, number]>(
        `DELETE FROM manifests WHERE organization_id = $1 AND repository_id = $2 AND digest = $3`,
        [orgId, repositoryId, digest],
      );
      return count > 0;
    });
  }

  async deleteTag(orgId: string, repositoryId: string, tag: string): Promise<boolean> {
    return this.tenant(orgId, async (m) => {
      const [, count] = await m.query<[unknown, number]>(
        `DELETE FROM tags WHERE organization_id = $1 AND repository_id = $2 AND name = $3`,
        [orgId, repositoryId, tag],
      );
      return count > 0;
    });
  }

  /** Tags in lexical (byte) order, as the spec's pagination with `last` requires. */
  async listTags(
    orgId: string,
    repositoryId: string,
    limit: number | null,
    last: string | null,
  ): Promise<string[]> {
    return this.tenant(orgId, async (m) => {
      const rows: { name: string }[] = await m.query(
        `SELECT name FROM tags WHERE organization_id = $1 AND repository_id = $2 AND ($3::text IS NULL OR name COLLATE "C" > $3::text COLLATE "C")
          ORDER BY name COLLATE "C" LIMIT $4`,
        [orgId, repositoryId, last, limit],
      );
      return rows.map((r) => r.name);
    });
  }

  async referrers(
    orgId: string,
    repositoryId: string,
    subject: string,
    artifactType: string | null,
  ): Promise<
    {
      mediaType: string;
      digest: string;
      size: number;
      artifactType: string | null;
      annotations: Record<string, string> | null;
    }[]
  > {
    return this.tenant(orgId, async (m) => {
      const rows: {
        media_type: string;
        digest: string;
        size: number;
        artifact_type: string | null;
        annotations: Record<string, string> | null;
      }[] = await m.query(
        `SELECT media_type, digest, size, artifact_type, annotations FROM manifests
            WHERE organization_id = $1 AND repository_id = $2 AND subject_digest = $3 AND ($4::text IS NULL OR artifact_type = $4)
            ORDER BY pushed_at, digest`,
        [orgId, repositoryId, subject, artifactType],
      );
      return rows.map((r) => ({
        mediaType: r.media_type,
        digest: r.digest,
        size: r.size,
        artifactType: r.artifact_type,
        annotations: r.annotations,
      }));
    });
  }

  async listRepositories(orgId: string, last: string | null, limit: number): Promise<Repository[]> {
    return this.tenant(orgId, async (m) => {
      const rows: { id: string }[] = await m.query(
        `SELECT id FROM repositories WHERE organization_id = $1 AND ($2::text IS NULL OR name COLLATE "C" > $2::text COLLATE "C")
          ORDER BY name COLLATE "C" LIMIT $3`,
        [orgId, last, limit],
      );
      if (rows.length === 0) return [];
      const repos = await m.find(Repository, {
        where: rows.map((r) => ({ id: r.id, organizationId: orgId })),
      });
      return repos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }
}
