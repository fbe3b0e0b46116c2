import { Inject, Injectable } from '@nestjs/common';
import { TenantDb } from '@drydock/platform';
import type { EntityManager } from 'typeorm';
import type { ParsedManifest } from '../oci/manifest.js';
import { Manifest, Repository, Tag, type ScanMode, type UploadPartRow, type Visibility } from './entities.js';

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

export interface StoredManifest {
  id: string;
  digest: string;
  mediaType: string;
  size: number;
  content: Buffer;
  subjectDigest: string | null;
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

  findRepository(orgId: string, name: string): Promise<Repository | null> {
    return this.tenant(orgId, (m) => m.findOne(Repository, { where: { organizationId: orgId, name } }));
  }

  /** Creates the repository on first push (or returns it); concurrent first pushes converge on one row. */
  async ensureRepository(orgId: string, name: string): Promise<Repository> {
    return this.tenant(orgId, async (m) => {
      await m.query(
        `INSERT INTO repositories (organization_id, name) VALUES ($1, $2) ON CONFLICT (organization_id, name) DO NOTHING`,
        [orgId, name],
      );
      return m.findOneOrFail(Repository, { where: { organizationId: orgId, name } });
    });
  }

  async createRepository(
    orgId: string,
    name: string,
    opts: { visibility?: Visibility; scanMode?: ScanMode; description?: string | null },
  ): Promise<Repository | null> {
    return this.tenant(orgId, async (m) => {
      const rows: { id: string }[] = await m.query(
        `INSERT INTO repositories (organization_id, name, visibility, scan_mode, description)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id, name) DO NOTHING RETURNING id`,
        [orgId, name, opts.visibility ?? 'private', opts.scanMode ?? 'on_push', opts.description ?? null],
      );
      if (rows.length === 0) return null;
      return m.findOneOrFail(Repository, { where: { id: rows[0].id } });
    });
  }

  // ---- blobs ----

  async blobLinked(orgId: string, repositoryId: string, digest: string): Promise<{ size: number } | null> {
    return this.tenant(orgId, async (m) => {
      const rows: { size: string }[] = await m.query(
        `SELECT b.size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest
          WHERE rb.organization_id = $1 AND rb.repository_id = $2 AND rb.digest = $3`,
        [orgId, repositoryId, digest],
      );
      return rows[0] ? { size: Number(rows[0].size) } : null;
    });
  }

  async linkBlob(orgId: string, repositoryId: string, digest: string): Promise<void> {
    await this.tenant(orgId, (m) =>
      m.query(
        `INSERT INTO repository_blobs (repository_id, digest, organization_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [repositoryId, digest, orgId],
      ),
    );
  }

  async unlinkBlob(orgId: string, repositoryId: string, digest: string): Promise<boolean> {
    return this.tenant(orgId, async (m) => {
      const [, count] = await m.query<[unknown, number]>(
        `DELETE FROM repository_blobs WHERE organization_id = $1 AND repository_id = $2 AND digest = $3`,
        [orgId, repositoryId, digest],
      );
      return count > 0;
    });
  }

  /** Blobs are shared across tenants; the row only says the bytes are stored (system context). */
  async blobExists(digest: string): Promise<{ size: number } | null> {
    const rows: { size: string }[] = await this.system((m) =>
      m.query(`SELECT size FROM blobs WHERE digest = $1`, [digest]),
    );
    return rows[0] ? { size: Number(rows[0].size) } : null;
  }

  async recordBlob(digest: string, size: number, storageKey: string): Promise<void> {
    await this.system((m) =>
      m.query(
        `INSERT INTO blobs (digest, size, storage_key) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING`,
        [digest, size, storageKey],
      ),
    );
  }

  // ---- uploads ----

  async completeUpload(
    orgId: string,
    repositoryId: string,
    uploadId: string,
    blob: { digest: string; size: number; record: boolean },
  ): Promise<void> {
    await this.tenant(orgId, async (m) => {
      if (blob.record) {
        await m.query(
          `INSERT INTO blobs (digest, size, storage_key) VALUES ($1, $2, $1) ON CONFLICT (digest) DO NOTHING`,
          [blob.digest, blob.size],
        );
      }
      await m.query(
        `INSERT INTO repository_blobs (repository_id, digest, organization_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [repositoryId, blob.digest, orgId],
      );
      await m.query(`DELETE FROM upload_sessions WHERE organization_id = $1 AND id = $2`, [orgId, uploadId]);
    });
  }

  async createUpload(orgId: string, repositoryId: string, id: string): Promise<void> {
    await this.tenant(orgId, (m) =>
      m.query(`INSERT INTO upload_sessions (id, organization_id, repository_id) VALUES ($1, $2, $3)`, [
        id,
        orgId,
        repositoryId,
      ]),
    );
  }

  async findUpload(orgId: string, repositoryId: string, id: string): Promise<UploadRow | null> {
    return this.tenant(orgId, async (m) => {
      const rows: {
        id: string;
        organization_id: string;
        repository_id: string;
        uploaded_bytes: string;
        parts: UploadPartRow[];
      }[] = await m.query(
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
    });
  }

  /**
   * Records a written part. Optimistic: only succeeds when nobody moved the offset meanwhile, so two
   * racing PATCHes on one upload (possibly on two replicas) cannot both claim the same range.
   */
  async appendPart(orgId: string, id: string, expectedOffset: number, size: number): Promise<boolean> {
    return this.tenant(orgId, async (m) => {
      const [, count] = await m.query<[unknown, number]>(
        `UPDATE upload_sessions
            SET uploaded_bytes = uploaded_bytes + $3,
                parts = parts || jsonb_build_array(jsonb_build_object('offset', $2::bigint, 'size', $3::bigint)),
                updated_at = now()
          WHERE organization_id = $4 AND id = $1 AND uploaded_bytes = $2`,
        [id, expectedOffset, size, orgId],
      );
      return count === 1;
    });
  }

  async deleteUpload(orgId: string, id: string): Promise<void> {
    await this.tenant(orgId, (m) =>
      m.query(`DELETE FROM upload_sessions WHERE organization_id = $1 AND id = $2`, [orgId, id]),
    );
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
    return this.tenant(orgId, async (m) => {
      const t = await m.findOne(Tag, { where: { organizationId: orgId, repositoryId, name: tag } });
      if (!t) return null;
      return m.findOne(Manifest, {
        where: { organizationId: orgId, id: t.manifestId },
        select: MANIFEST_SELECT,
      });
    });
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
        `INSERT INTO manifests (organization_id, repository_id, digest, media_type, size, content, config_digest,
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
        const refs = new Map(p.references.map((r) => [`${r.kind} ${r.digest}`, r]));
        for (const r of refs.values()) {
          await m.query(
            `INSERT INTO manifest_references (manifest_id, digest, kind, organization_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
            [manifestId, r.digest, r.kind, orgId],
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
      await m.query(`UPDATE repositories SET updated_at = now() WHERE id = $1`, [repositoryId]);
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
