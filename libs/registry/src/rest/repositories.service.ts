import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppError } from '@drydock/platform';
import type { EntityManager } from 'typeorm';
import { worstTagScan, type TagScanView } from '@drydock/contracts';
import { actionsFor } from '../auth/actions.js';
import {
  REGISTRY_IDENTITY,
  type RegistryIdentity,
  type RegistryPrincipal,
  type RepoLevel,
} from '../auth/identity-port.js';
import { RegistryStore } from '../db/registry-store.js';
import { Repository, type ScanMode, type Visibility } from '../db/entities.js';
import { MediaTypes } from '../oci/media-types.js';
import { isValidName } from '../oci/names.js';
import type { Platform } from '../oci/manifest.js';
import { BLOB_STORE, type BlobStore } from '../storage/blob-store.js';
import type { RepositoryResponse, TagResponse } from './dto.js';
import { TAG_SCAN_SUMMARY, type TagScanSummaryProvider } from './tag-scan-hook.js';

export interface OrgRefLike {
  id: string;
  slug: string;
}

const LEVEL_RANK: Record<RepoLevel, number> = { read: 1, write: 2, admin: 3 };

/**
 * Image configs are a few KiB (the history of a large image stays well under this); a bigger
 * "config" is not read for a platform, so one request never buffers more than this.
 */
const MAX_CONFIG_BYTES = 1024 * 1024;

const IMAGE_MANIFEST_TYPES: readonly string[] = [MediaTypes.ociManifest, MediaTypes.dockerManifest];
const IMAGE_CONFIG_TYPES: readonly string[] = [MediaTypes.ociConfig, MediaTypes.dockerConfig];

/** A tag row of the list and of the single-tag read (one SELECT list, so the two cannot differ). */
interface TagRow {
  name: string;
  digest: string;
  media_type: string;
  total_size: string;
  platforms: Platform[] | null;
  pushed_at: Date;
  pushed_by: string | null;
}

// An index's size is the sum over its child images; an image's is its config plus layers.
const TAG_COLUMNS = `t.name, mf.digest, mf.media_type, mf.platforms,
                COALESCE((SELECT sum(c.total_size) FROM manifest_references r
                            JOIN manifests c ON c.repository_id = mf.repository_id AND c.digest = r.digest
                           WHERE r.manifest_id = mf.id AND r.kind = 'manifest'), mf.total_size) AS total_size,
                t.pushed_at, t.pushed_by`;

function toTag(r: TagRow): TagResponse {
  return {
    name: r.name,
    digest: r.digest,
    mediaType: r.media_type,
    totalSize: Number(r.total_size),
    platforms: r.platforms ?? [],
    pushedAt: new Date(r.pushed_at).toISOString(),
    pushedBy: r.pushed_by,
  };
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

/** The config descriptor of an OCI image / Docker schema 2 manifest, when it names an image config. */
function imageConfigOf(content: Buffer): { digest: string; size: number } | null {
  try {
    const doc = JSON.parse(content.toString('utf8')) as { config?: Record<string, unknown> };
    const c = doc.config;
    if (!c || !IMAGE_CONFIG_TYPES.includes(c.mediaType as string)) return null;
    return nonEmpty(c.digest) && typeof c.size === 'number' ? { digest: c.digest, size: c.size } : null;
  } catch {
    return null;
  }
}

function atLeast(level: RepoLevel | null, needed: RepoLevel): boolean {
  return !!level && LEVEL_RANK[level] >= LEVEL_RANK[needed];
}

/**
 * The REST side of repositories. Every method first resolves the caller's level on the repository
 * and answers "not found" when the caller cannot see it (another tenant's or a private repository
 * without a grant look the same: 404, never 403).
 */
@Injectable()
export class RepositoriesService {
  constructor(
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(REGISTRY_IDENTITY) private readonly identity: RegistryIdentity,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Optional() @Inject(TAG_SCAN_SUMMARY) private readonly scanSummary: TagScanSummaryProvider | null = null,
  ) {}

  /** `web`, `payments/api` (relative to the org) or the full `acme/payments/api`. */
  fullName(org: OrgRefLike, name: string): string {
    const full = name.startsWith(`${org.slug}/`) ? name : `${org.slug}/${name}`;
    if (!isValidName(full)) {
      throw AppError.validation([
        { field: 'name', message: 'Not a valid repository name (OCI distribution-spec name rules)' },
      ]);
    }
    return full;
  }

  private async access(org: OrgRefLike, p: RegistryPrincipal, name: string, needed: RepoLevel) {
    const full = this.fullName(org, name);
    const [repo, level] = await Promise.all([
      this.store.findRepository(org.id, full),
      this.identity.repositoryLevel(p, org.id, full),
    ]);
    if (!repo || !level) throw AppError.notFound('Repository');
    if (!atLeast(level, needed)) {
      // Read-only users are told what they lack (issue 6: scan mode changes need read-write).
      if (needed === 'write')
        throw new AppError(
          'write_access_required',
          `This needs write access (read-write or admin) to ${full}`,
        );
      throw AppError.forbidden(`This needs ${needed} access to ${full}`);
    }
    return { repo, level };
  }

  private async toResponse(
    m: EntityManager,
    r: Repository,
    level: RepoLevel | null,
  ): Promise<RepositoryResponse> {
    const rows: { n: string; last: Date | null }[] = await m.query(
      `SELECT count(*) AS n, max(pushed_at) AS last FROM tags WHERE organization_id = $1 AND repository_id = $2`,
      [r.organizationId, r.id],
    );
    const last = rows[0]?.last;
    return {
      id: r.id,
      name: r.name,
      path: r.name.slice(r.name.indexOf('/') + 1),
      visibility: r.visibility,
      scanMode: r.scanMode,
      description: r.description,
      tagCount: Number(rows[0]?.n ?? 0),
      lastPushedAt: last ? new Date(last).toISOString() : null,
      level,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }

  async list(
    org: OrgRefLike,
    p: RegistryPrincipal,
    q: { limit: number; offset: number; q?: string | undefined },
  ) {
    const all = await this.store.tenant(org.id, (m) =>
      m
        .createQueryBuilder(Repository, 'r')
        .where('r.organization_id = :org', { org: org.id })
        .andWhere(q.q ? 'strpos(r.name, :q) > 0' : 'TRUE', { q: q.q })
        .orderBy('r.name', 'ASC')
        .getMany(),
    );
    const visible: { repo: Repository; level: RepoLevel }[] = [];
    for (const repo of all) {
      const level = await this.identity.repositoryLevel(p, org.id, repo.name);
      if (level) visible.push({ repo, level });
    }
    const page = visible.slice(q.offset, q.offset + q.limit);
    const items = await this.store.tenant(org.id, (m) =>
      Promise.all(page.map((v) => this.toResponse(m, v.repo, v.level))),
    );
    return {
      items: await this.withScan(org, items),
      total: visible.length,
      limit: q.limit,
      offset: q.offset,
    };
  }

  /**
   * With the scanning add-on installed, each repository gains `scan`: the worst shield over all its
   * tags, from the same per-tag summaries the tag list shows (one call per repository).
   */
  private async withScan(org: OrgRefLike, items: RepositoryResponse[]): Promise<RepositoryResponse[]> {
    const hook = this.scanSummary;
    if (!hook) return items;
    const tags = await this.store.tenant(org.id, (m) =>
      m.query<{ repository_id: string; name: string; digest: string }[]>(
        `SELECT t.repository_id, t.name, mf.digest FROM tags t JOIN manifests mf ON mf.id = t.manifest_id
          WHERE t.organization_id = $1 AND t.repository_id = ANY($2::uuid[])`,
        [org.id, items.map((i) => i.id)],
      ),
    );
    const byRepository = new Map<string, typeof tags>();
    for (const t of tags) {
      const list = byRepository.get(t.repository_id);
      if (list) list.push(t);
      else byRepository.set(t.repository_id, [t]);
    }
    return Promise.all(
      items.map(async (item) => {
        const own = byRepository.get(item.id);
        if (!own) return { ...item, scan: null };
        const scans = await hook.tagSummaries(
          org.id,
          item.id,
          own.map((t) => t.digest),
        );
        const none: TagScanView = { scanStatus: 'not_scanned', counts: null };
        const views = own.map((t) => ({
          tag: t.name,
          ...((scans.get(t.digest) as TagScanView | undefined) ?? none),
        }));
        return { ...item, scan: worstTagScan(views) };
      }),
    );
  }

  async create(
    org: OrgRefLike,
    p: RegistryPrincipal,
    b: { name: string; visibility: Visibility; scanMode: ScanMode; description?: string | null | undefined },
  ): Promise<RepositoryResponse> {
    const full = this.fullName(org, b.name);
    const level = await this.identity.repositoryLevel(p, org.id, full);
    if (!atLeast(level, 'write')) throw AppError.forbidden(`Creating ${full} needs write access to it`);
    const repo = await this.store.createRepository(org.id, full, {
      visibility: b.visibility,
      scanMode: b.scanMode,
      description: b.description ?? null,
    });
    if (!repo) throw new AppError('already_exists', `Repository ${full} already exists`);
    return this.store.tenant(org.id, (m) => this.toResponse(m, repo, level));
  }

  async get(org: OrgRefLike, p: RegistryPrincipal, name: string): Promise<RepositoryResponse> {
    const { repo, level } = await this.access(org, p, name, 'read');
    const item = await this.store.tenant(org.id, (m) => this.toResponse(m, repo, level));
    return (await this.withScan(org, [item]))[0];
  }

  /** Visibility and description are settings (admin); the scanning mode needs read-write (issue 3). */
  async update(
    org: OrgRefLike,
    p: RegistryPrincipal,
    name: string,
    b: {
      visibility?: Visibility | undefined;
      scanMode?: ScanMode | undefined;
      description?: string | null | undefined;
    },
  ): Promise<RepositoryResponse> {
    const needed: RepoLevel = b.visibility !== undefined || b.description !== undefined ? 'admin' : 'write';
    const { repo, level } = await this.access(org, p, name, needed);
    const response = await this.store.tenant(org.id, async (m) => {
      const patch: Partial<Repository> = {};
      if (b.visibility !== undefined) patch.visibility = b.visibility;
      if (b.scanMode !== undefined) patch.scanMode = b.scanMode;
      if (b.description !== undefined) patch.description = b.description;
      await m.update(Repository, { id: repo.id, organizationId: org.id }, patch);
      const updated = await m.findOneOrFail(Repository, { where: { id: repo.id, organizationId: org.id } });
      return this.toResponse(m, updated, level);
    });
    this.store.forgetRepository(repo.name);
    return response;
  }

  /** Deletes the repository's metadata; its blobs become garbage for the GC if nothing else uses them. */
  async remove(org: OrgRefLike, p: RegistryPrincipal, name: string): Promise<void> {
    const { repo } = await this.access(org, p, name, 'admin');
    await this.store.tenant(org.id, (m) => m.delete(Repository, { id: repo.id, organizationId: org.id }));
    this.store.forgetRepository(repo.name);
  }

  async tags(org: OrgRefLike, p: RegistryPrincipal, name: string, q: { limit: number; offset: number }) {
    const { repo } = await this.access(org, p, name, 'read');
    const page = await this.store.tenant(org.id, async (m) => {
      const rows: (TagRow & { total: string })[] = await m.query(
        `SELECT ${TAG_COLUMNS}, count(*) OVER () AS total
           FROM tags t JOIN manifests mf ON mf.id = t.manifest_id
          WHERE t.organization_id = $1 AND t.repository_id = $2
          ORDER BY t.name COLLATE "C" LIMIT $3 OFFSET $4`,
        [org.id, repo.id, q.limit, q.offset],
      );
      const items = rows.map(toTag);
      let total = Number(rows[0]?.total ?? 0);
      if (rows.length === 0 && q.offset > 0) {
        const c: { n: string }[] = await m.query(
          `SELECT count(*) AS n FROM tags WHERE organization_id = $1 AND repository_id = $2`,
          [org.id, repo.id],
        );
        total = Number(c[0]?.n ?? 0);
      }
      return { items, total, limit: q.limit, offset: q.offset };
    });
    return { ...page, items: await this.withTagScan(org, repo.id, page.items) };
  }

  /**
   * One tag, shaped as an item of the tag list. An image manifest (not an index) also gets its
   * platform, read from the image's config blob: the list leaves it `[]` because that is a blob read
   * per tag, and the manifest PUT does not store it so that pushes stay as fast as they are.
   */
  async tag(org: OrgRefLike, p: RegistryPrincipal, name: string, tag: string): Promise<TagResponse> {
    const { repo } = await this.access(org, p, name, 'read');
    const row = await this.store.tenant(org.id, async (m) => {
      const rows: (TagRow & { content: Buffer | null })[] = await m.query(
        `SELECT ${TAG_COLUMNS},
                CASE WHEN mf.media_type = ANY($4::text[]) AND mf.platforms IS NULL THEN mf.content END AS content
           FROM tags t JOIN manifests mf ON mf.id = t.manifest_id
          WHERE t.organization_id = $1 AND t.repository_id = $2 AND t.name = $3`,
        [org.id, repo.id, tag, IMAGE_MANIFEST_TYPES],
      );
      return rows[0];
    });
    if (!row) throw AppError.notFound('Tag');
    const item = toTag(row);
    const config = row.content ? imageConfigOf(row.content) : null;
    if (item.platforms.length === 0 && config) item.platforms = await this.configPlatform(config);
    return (await this.withTagScan(org, repo.id, [item]))[0];
  }

  /**
   * `{os, architecture, variant?}` of an image config (image-spec config.md: both required); `[]`
   * when the blob is missing, too large or not such a JSON document: the tag is still shown.
   */
  private async configPlatform(config: { digest: string; size: number }): Promise<Platform[]> {
    if (config.size > MAX_CONFIG_BYTES) return [];
    try {
      // A missing blob rejects here; one larger than its descriptor said stops at the cap below.
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of await this.blobs.read(config.digest)) {
        size += (chunk as Buffer).length;
        if (size > MAX_CONFIG_BYTES) return [];
        chunks.push(chunk as Buffer);
      }
      const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      if (!nonEmpty(doc.os) || !nonEmpty(doc.architecture)) return [];
      return [
        {
          os: doc.os,
          architecture: doc.architecture,
          ...(nonEmpty(doc.variant) ? { variant: doc.variant } : {}),
        },
      ];
    } catch {
      return [];
    }
  }

  /** With the scanning add-on installed, each tag gains its scan status and counts. */
  private async withTagScan(
    org: OrgRefLike,
    repositoryId: string,
    items: TagResponse[],
  ): Promise<TagResponse[]> {
    if (!this.scanSummary || items.length === 0) return items;
    const scan = await this.scanSummary.tagSummaries(
      org.id,
      repositoryId,
      items.map((t) => t.digest),
    );
    return items.map((t) => ({ ...t, ...scan.get(t.digest) }));
  }

  async deleteTag(org: OrgRefLike, p: RegistryPrincipal, name: string, tag: string): Promise<void> {
    const { repo } = await this.access(org, p, name, 'write');
    if (!actionsFor(p, 'write').has('delete') && p.scopes?.length)
      throw AppError.forbidden('This token may not delete');
    if (!(await this.store.deleteTag(org.id, repo.id, tag))) throw AppError.notFound('Tag');
  }
}
