import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, AppError } from '@drydock/platform';
import { AccessService, type OrgContext, type Principal } from '@drydock/identity';
import { RegistryStore, isValidName, type Repository } from '@drydock/registry';
import { toCycloneDx, toSpdx, type Component, type ImageScanResult } from '@drydock/scanner';
import type { Finding } from '@drydock/vulndb';
import {
  levelAllows,
  RepoAction,
  type ComponentPage,
  type ComponentsQuery,
  type ComponentView,
  type LayerComponentView,
  type LayersResponse,
  type LayerView,
  type PlatformScanView,
  type RepoLevel,
  type ScanRequestedView,
  type ScanSeverity,
  type ScanView,
  type SeverityCountsView,
  type TagScanView,
  type VulnerabilityView,
} from '@drydock/contracts';
import { ScanStore, type StoredImage } from './db/scan-store.js';
import { ADDON_REQUIRED_MESSAGE, SCANNING_ENTITLEMENTS, type AddonEntitlements } from './entitlements.js';
import {
  addCounts,
  bucketOf,
  componentIdentity,
  countFindings,
  findingIdentity,
  SEVERITY_RANK,
  aggregateStatus,
  csvCell,
  type ScanRow,
} from './model.js';
import { isIndex, parseJson, platformChildren } from './oci.js';
import { ScanQueue } from './scan-queue.service.js';

interface ManifestMeta {
  digest: string;
  mediaType: string;
  content: Buffer;
  size: number;
  pushedAt: Date;
  pushedBy: string | null;
}

/** One image behind a tag: the tag's manifest itself, or one platform of an index. */
interface ImageRef {
  digest: string;
  platform: { os: string; architecture: string; variant?: string } | null;
}

interface Target {
  repo: Repository;
  level: RepoLevel;
  manifest: ManifestMeta;
  images: ImageRef[];
  index: boolean;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function maxDate(ds: readonly (Date | null)[]): Date | null {
  const t = ds.filter((d): d is Date => !!d).map((d) => new Date(d).getTime());
  return t.length ? new Date(Math.max(...t)) : null;
}

function platformLabel(p: ImageRef['platform']): string | undefined {
  return p ? `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}` : undefined;
}

function vulnView(f: Finding): VulnerabilityView {
  return {
    id: f.id,
    aliases: f.aliases,
    severity: bucketOf(f.severity),
    score: f.score,
    summary: f.summary,
    fixedVersion: f.fixedVersion,
    link: f.link,
    ...(f.versionUnknown ? { versionUnknown: true } : {}),
  };
}

function worst(vs: readonly VulnerabilityView[]): number {
  return vs.reduce((m, v) => Math.max(m, SEVERITY_RANK[v.severity]), -1);
}

function byRisk(a: ComponentView, b: ComponentView): number {
  return (
    worst(b.vulnerabilities) - worst(a.vulnerabilities) ||
    b.vulnerabilities.length - a.vulnerabilities.length ||
    a.name.localeCompare(b.name) ||
    (a.version ?? '').localeCompare(b.version ?? '')
  );
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof v.o === 'number' && Number.isSafeInteger(v.o) && v.o >= 0) return v.o;
  } catch {
    /* fall through */
  }
  throw AppError.validation([{ field: 'cursor', message: 'Not a cursor from a previous page' }]);
}

const CSV_HEADER = [
  'platform',
  'component',
  'version',
  'type',
  'purl',
  'layerIndex',
  'vulnerability',
  'aliases',
  'severity',
  'score',
  'fixedVersion',
  'link',
];

/**
 * The results API (issue 6): every call resolves the repository and the caller's level first and
 * answers 404 when the caller cannot see it (another organization's repository looks missing);
 * reading needs the add-on (402), starting a scan needs write access (403).
 */
@Injectable()
export class ScanResultsService {
  // Derived views of a parsed image; keyed by the object ScanStore caches, so they go with it.
  private readonly layerMemo = new WeakMap<StoredImage, LayerView[]>();
  private readonly componentMemo = new WeakMap<StoredImage, Map<string, ComponentView[]>>();
  private readonly sbomMemo = new WeakMap<StoredImage, Map<string, string>>();

  constructor(
    @Inject(RegistryStore) private readonly registry: RegistryStore,
    @Inject(ScanStore) private readonly scans: ScanStore,
    @Inject(ScanQueue) private readonly queue: ScanQueue,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(SCANNING_ENTITLEMENTS) private readonly entitlements: AddonEntitlements,
  ) {}

  async licensed(orgId: string): Promise<boolean> {
    return this.config.scanning.enabled && (await this.entitlements.hasAddon(orgId, 'scanning'));
  }

  private async requireLicense(org: OrgContext): Promise<void> {
    if (!this.config.scanning.enabled) {
      throw new AppError(
        'addon_required',
        'Scanning is turned off for this installation by a platform admin.',
        {
          addon: 'scanning',
        },
      );
    }
    if (!(await this.entitlements.hasAddon(org.id, 'scanning'))) {
      throw new AppError('addon_required', ADDON_REQUIRED_MESSAGE, {
        addon: 'scanning',
        enableAt: `/orgs/${org.slug}/billing`,
      });
    }
  }

  private async repository(org: OrgContext, p: Principal, name: string) {
    const full = name.startsWith(`${org.slug}/`) ? name : `${org.slug}/${name}`;
    if (!isValidName(full)) throw AppError.notFound('Repository');
    const [repo, level] = await Promise.all([
      this.registry.findRepository(org.id, full),
      this.access.repositoryLevel(p, org.id, full),
    ]);
    if (!repo || !level) throw AppError.notFound('Repository');
    return { repo, level };
  }

  private async manifestMeta(
    org: OrgContext,
    repo: Repository,
    ref: { tag: string } | { digest: string },
  ): Promise<ManifestMeta> {
    const rows = await this.scans.tenant(org.id, (m) =>
      'tag' in ref
        ? m.query<Record<string, unknown>[]>(
            `SELECT mf.digest, mf.media_type, mf.content, mf.total_size, t.pushed_at, t.pushed_by,
                    COALESCE((SELECT sum(c.total_size) FROM manifest_references r
                                JOIN manifests c ON c.repository_id = mf.repository_id AND c.digest = r.digest
                               WHERE r.manifest_id = mf.id AND r.kind = 'manifest'), mf.total_size) AS size
               FROM tags t JOIN manifests mf ON mf.id = t.manifest_id
              WHERE t.organization_id = $1 AND t.repository_id = $2 AND t.name = $3`,
            [org.id, repo.id, ref.tag],
          )
        : m.query<Record<string, unknown>[]>(
            `SELECT mf.digest, mf.media_type, mf.content, mf.pushed_at, mf.pushed_by,
                    COALESCE((SELECT sum(c.total_size) FROM manifest_references r
                                JOIN manifests c ON c.repository_id = mf.repository_id AND c.digest = r.digest
                               WHERE r.manifest_id = mf.id AND r.kind = 'manifest'), mf.total_size) AS size
               FROM manifests mf WHERE mf.organization_id = $1 AND mf.repository_id = $2 AND mf.digest = $3`,
            [org.id, repo.id, ref.digest],
          ),
    );
    const r = rows[0];
    if (!r) throw AppError.notFound('tag' in ref ? 'Tag' : 'Manifest');
    return {
      digest: r.digest as string,
      mediaType: r.media_type as string,
      content: r.content as Buffer,
      size: Number(r.size),
      pushedAt: r.pushed_at as Date,
      pushedBy: (r.pushed_by as string | null) ?? null,
    };
  }

  private imagesOf(meta: ManifestMeta): { index: boolean; images: ImageRef[] } {
    const doc = parseJson(meta.content);
    if (!isIndex(meta.mediaType, doc))
      return { index: false, images: [{ digest: meta.digest, platform: null }] };
    return {
      index: true,
      images: platformChildren(meta.content).map((c) => ({ digest: c.digest, platform: c.platform })),
    };
  }

  private async target(
    org: OrgContext,
    p: Principal,
    name: string,
    ref: { tag: string } | { digest: string },
    opts: { license: boolean },
  ): Promise<Target> {
    // The license check runs beside the lookups; a 404 still wins over a 402 (no existence leak).
    const license = opts.license
      ? this.requireLicense(org).then(
          () => null,
          (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
        )
      : null;
    const { repo, level } = await this.repository(org, p, name);
    const refused = await license;
    if (refused) throw refused;
    const manifest = await this.manifestMeta(org, repo, ref);
    return { repo, level, manifest, ...this.imagesOf(manifest) };
  }

  // ---- starting a scan ----

  async start(
    org: OrgContext,
    p: Principal,
    name: string,
    ref: { tag: string } | { digest: string },
  ): Promise<ScanRequestedView> {
    const { repo, level } = await this.repository(org, p, name);
    if (!levelAllows(level, RepoAction.StartScan)) {
      throw new AppError(
        'write_access_required',
        `Starting a scan needs write access (read-write or admin) to ${repo.name}; you have read-only access.`,
      );
    }
    await this.requireLicense(org);
    const manifest = await this.manifestMeta(org, repo, ref);
    const { images } = this.imagesOf(manifest);
    const queued = await this.queue.enqueue(
      {
        organizationId: org.id,
        repositoryId: repo.id,
        repository: repo.name,
        digest: manifest.digest,
        trigger: 'manual',
      },
      images.map((i) => i.digest),
    );
    const rows = await this.scans.scansFor(org.id, repo.id, queued);
    return {
      digest: manifest.digest,
      queued,
      status: aggregateStatus(queued.map((d) => rows.get(d)?.status ?? 'queued')),
    };
  }

  // ---- summaries ----

  private platformView(img: ImageRef, row: ScanRow | undefined): PlatformScanView {
    return {
      digest: img.digest,
      platform: img.platform,
      status: row?.status ?? 'not_scanned',
      progress: row ? row.progress : null,
      error: row?.error ?? null,
      counts: row && row.scannedAt ? row.counts : null,
      scannedAt: iso(row?.scannedAt ?? null),
      evaluatedAt: iso(row?.evaluatedAt ?? null),
      dbVersion: row?.dbVersion ?? null,
    };
  }

  async scan(
    org: OrgContext,
    p: Principal,
    name: string,
    ref: { tag: string } | { digest: string },
  ): Promise<ScanView> {
    const t = await this.target(org, p, name, ref, { license: true });
    const rows = await this.scans.scansFor(
      org.id,
      t.repo.id,
      t.images.map((i) => i.digest),
    );
    const platforms = t.images.map((i) => this.platformView(i, rows.get(i.digest)));
    const base = {
      digest: t.manifest.digest,
      mediaType: t.manifest.mediaType,
      size: t.manifest.size,
      pushedAt: new Date(t.manifest.pushedAt).toISOString(),
      pushedBy: t.manifest.pushedBy,
    };
    if (!t.index) {
      const v = platforms[0];
      return {
        status: v.status,
        progress: v.progress,
        error: v.error,
        counts: v.counts,
        scannedAt: v.scannedAt,
        evaluatedAt: v.evaluatedAt,
        dbVersion: v.dbVersion,
        ...base,
      };
    }
    const scanned = platforms.filter((v) => v.counts);
    const progress = platforms.some((v) => v.progress)
      ? platforms.reduce(
          (acc, v) => ({
            layersDone: acc.layersDone + (v.progress?.layersDone ?? 0),
            layersTotal: acc.layersTotal + (v.progress?.layersTotal ?? 0),
            bytesRead: acc.bytesRead + (v.progress?.bytesRead ?? 0),
            bytesTotal: acc.bytesTotal + (v.progress?.bytesTotal ?? 0),
          }),
          { layersDone: 0, layersTotal: 0, bytesRead: 0, bytesTotal: 0 },
        )
      : null;
    const rowList = [...rows.values()];
    const versions = rowList.map((r) => Number(r.dbVersion ?? 0)).filter((n) => n > 0);
    return {
      status: aggregateStatus(platforms.map((v) => v.status)),
      progress,
      error:
        platforms
          .filter((v) => v.error)
          .map((v) => `${platformLabel(v.platform) ?? v.digest}: ${v.error}`)
          .join('; ') || null,
      counts: scanned.length ? scanned.reduce((a, v) => addCounts(a, v.counts!), countFindings([])) : null,
      scannedAt: iso(maxDate(rowList.map((r) => r.scannedAt))),
      evaluatedAt: iso(maxDate(rowList.map((r) => r.evaluatedAt))),
      dbVersion: versions.length ? String(Math.min(...versions)) : null,
      ...base,
      platforms,
    };
  }

  /**
   * The tag list's shield (called by the registry's tag list): status and counts per tag digest, in
   * two queries for the whole page. Without the add-on every tag says `not_licensed`.
   */
  async tagSummaries(
    orgId: string,
    repositoryId: string,
    digests: readonly string[],
  ): Promise<Map<string, TagScanView>> {
    const out = new Map<string, TagScanView>();
    if (digests.length === 0) return out;
    if (!(await this.licensed(orgId))) {
      for (const d of digests) out.set(d, { scanStatus: 'not_licensed', counts: null });
      return out;
    }
    const manifests = await this.scans.tenant(orgId, (m) =>
      m.query<{ digest: string; media_type: string; content: Buffer }[]>(
        `SELECT digest, media_type, content FROM manifests
          WHERE organization_id = $1 AND repository_id = $2 AND digest = ANY($3::text[])`,
        [orgId, repositoryId, [...new Set(digests)]],
      ),
    );
    const imagesByTag = new Map<string, string[]>();
    for (const mf of manifests) {
      const { images } = this.imagesOf({
        digest: mf.digest,
        mediaType: mf.media_type,
        content: mf.content,
        size: 0,
        pushedAt: new Date(),
        pushedBy: null,
      });
      imagesByTag.set(
        mf.digest,
        images.map((i) => i.digest),
      );
    }
    const rows = await this.scans.scansFor(orgId, repositoryId, [
      ...new Set([...imagesByTag.values()].flat()),
    ]);
    for (const d of digests) {
      const images = imagesByTag.get(d) ?? [d];
      const rs = images.map((i) => rows.get(i));
      const status = aggregateStatus(rs.map((r) => r?.status ?? 'not_scanned'));
      const done = rs.filter((r): r is ScanRow => !!r?.scannedAt);
      out.set(d, {
        scanStatus: status,
        counts: done.length ? done.reduce((a, r) => addCounts(a, r.counts), countFindings([])) : null,
      });
    }
    return out;
  }

  // ---- the Layers and Components views ----

  private async loadImages(
    t: Target,
    orgId: string,
  ): Promise<{ ref: ImageRef; image: StoredImage | null }[]> {
    return Promise.all(
      t.images.map(async (ref) => ({ ref, image: await this.scans.image(orgId, t.repo.id, ref.digest) })),
    );
  }

  private requireScanned(list: { ref: ImageRef; image: StoredImage | null }[]) {
    const scanned = list.filter((x): x is { ref: ImageRef; image: StoredImage } => !!x.image);
    if (scanned.length === 0) {
      throw new AppError('not_found', 'This image has not been scanned yet', { scanStatus: 'not_scanned' });
    }
    return scanned;
  }

  private findingsByComponent(findings: readonly Finding[]): Map<string, Finding[]> {
    const map = new Map<string, Finding[]>();
    for (const f of findings) {
      const k = findingIdentity(f);
      const list = map.get(k);
      if (list) list.push(f);
      else map.set(k, [f]);
    }
    return map;
  }

  private layerComponent(c: Component, fs: readonly Finding[]): LayerComponentView {
    const counts: SeverityCountsView = countFindings(fs);
    return {
      type: c.type,
      name: c.name,
      version: c.version,
      purl: c.purl,
      counts,
      vulnerabilityCount: counts.total,
    };
  }

  private layersOf(image: StoredImage): LayerView[] {
    const hit = this.layerMemo.get(image);
    if (hit) return hit;
    const byComp = this.findingsByComponent(image.findings);
    const views = image.result.layers.map((l): LayerView => {
      const introduced = image.result.components.filter(
        (c) => c.layerIndex === l.index && c.removedInLayer === undefined,
      );
      const removed = image.result.components.filter((c) => c.removedInLayer === l.index);
      return {
        index: l.index,
        digest: l.digest,
        diffId: l.diffId,
        mediaType: l.mediaType,
        size: l.size,
        createdBy: l.createdBy,
        status: l.status,
        ...(l.reason ? { reason: l.reason } : {}),
        components: introduced
          .map((c) => this.layerComponent(c, byComp.get(componentIdentity(c)) ?? []))
          .sort((a, b) => b.vulnerabilityCount - a.vulnerabilityCount || a.name.localeCompare(b.name)),
        removed: removed.map((c) => this.layerComponent(c, [])),
      };
    });
    this.layerMemo.set(image, views);
    return views;
  }

  async layers(
    org: OrgContext,
    p: Principal,
    name: string,
    ref: { tag: string } | { digest: string },
  ): Promise<LayersResponse> {
    const t = await this.target(org, p, name, ref, { license: true });
    const scanned = this.requireScanned(await this.loadImages(t, org.id));
    const platforms = scanned.map((s) => ({
      digest: s.ref.digest,
      platform: s.ref.platform ?? s.image.result.image.platform,
      layers: this.layersOf(s.image),
    }));
    return {
      digest: t.manifest.digest,
      layers: platforms[0].layers,
      ...(t.index ? { platforms } : {}),
    };
  }

  private componentViews(list: { ref: ImageRef; image: StoredImage }[], index: boolean): ComponentView[] {
    if (list.length === 1 && !index) return this.imageComponentViews(list[0].image, undefined);
    return list
      .flatMap(({ ref, image }) =>
        this.imageComponentViews(image, platformLabel(ref.platform ?? image.result.image.platform)),
      )
      .sort(byRisk);
  }

  /** One image's components, riskiest first; memoised per parsed image (see ScanStore.image). */
  private imageComponentViews(image: StoredImage, label: string | undefined): ComponentView[] {
    const memo = this.componentMemo.get(image);
    const key = label ?? '';
    const hit = memo?.get(key);
    if (hit) return hit;
    const out: ComponentView[] = [];
    {
      const byComp = this.findingsByComponent(image.findings);
      for (const c of image.result.components) {
        if (c.removedInLayer !== undefined) continue;
        const vulns = (byComp.get(componentIdentity(c)) ?? [])
          .map(vulnView)
          .sort(
            (a, b) =>
              SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
              (b.score ?? -1) - (a.score ?? -1) ||
              a.id.localeCompare(b.id),
          );
        out.push({
          type: c.type,
          name: c.name,
          version: c.version,
          purl: c.purl,
          licenses: c.licenses,
          paths: c.paths,
          layerIndex: c.layerIndex,
          ...(label ? { platform: label } : {}),
          vulnerabilities: vulns,
        });
      }
    }
    out.sort(byRisk);
    if (memo) memo.set(key, out);
    else this.componentMemo.set(image, new Map([[key, out]]));
    return out;
  }

  async components(
    org: OrgContext,
    p: Principal,
    name: string,
    ref: { tag: string } | { digest: string },
    q: ComponentsQuery,
  ): Promise<ComponentPage> {
    const t = await this.target(org, p, name, ref, { license: true });
    const scanned = this.requireScanned(await this.loadImages(t, org.id));
    let items = this.componentViews(scanned, t.index);
    const severities = q.severity ? new Set(q.severity.split(',') as ScanSeverity[]) : null;
    const types = q.type ? new Set(q.type.split(',').map((s) => s.trim().toLowerCase())) : null;
    const fixable = q.fixable === 'true';
    const needle = q.q?.toLowerCase();
    if (severities || fixable) {
      // The vulnerabilities shown are the ones the filter asked for, so counts and rows agree.
      items = items
        .map((c) => ({
          ...c,
          vulnerabilities: c.vulnerabilities.filter(
            (v) => (!severities || severities.has(v.severity)) && (!fixable || !!v.fixedVersion),
          ),
        }))
        .filter((c) => c.vulnerabilities.length > 0);
    }
    if (types) items = items.filter((c) => types.has(c.type));
    if (needle) {
      // The search box says "Name or CVE": a vulnerability id or alias of the component counts too
      // (of the vulnerabilities shown, so a row found by a CVE lists that CVE).
      items = items.filter(
        (c) =>
          c.name.toLowerCase().includes(needle) ||
          c.purl.toLowerCase().includes(needle) ||
          c.vulnerabilities.some(
            (v) =>
              v.id.toLowerCase().includes(needle) || v.aliases.some((a) => a.toLowerCase().includes(needle)),
          ),
      );
    }
    const offset = q.cursor ? decodeCursor(q.cursor) : (q.offset ?? 0);
    const page = items.slice(offset, offset + q.limit);
    const next = offset + page.length;
    return {
      items: page,
      total: items.length,
      limit: q.limit,
      offset,
      nextCursor: next < items.length ? encodeCursor(next) : null,
    };
  }

  // ---- exports ----

  private fullResult(image: StoredImage): ImageScanResult {
    return { ...image.result, findings: image.findings };
  }

  async sbom(
    org: OrgContext,
    p: Principal,
    name: string,
    ref: { tag: string } | { digest: string },
    format: 'cyclonedx' | 'spdx',
    platform?: string,
  ): Promise<{ body: string; contentType: string; filename: string }> {
    const t = await this.target(org, p, name, ref, { license: true });
    const scanned = this.requireScanned(await this.loadImages(t, org.id));
    const chosen = platform
      ? scanned.find((s) => platformLabel(s.ref.platform ?? s.image.result.image.platform) === platform)
      : scanned[0];
    if (!chosen) throw AppError.notFound('Platform');
    const label = 'tag' in ref ? `${t.repo.name}:${ref.tag}` : `${t.repo.name}@${ref.digest}`;
    const result = this.fullResult(chosen.image);
    // The document's timestamp is when its findings were computed, so the same state gives the
    // same document (and it can be memoised per parsed image).
    const rows = await this.scans.scansFor(org.id, t.repo.id, [chosen.ref.digest]);
    const opts = { name: label, created: rows.get(chosen.ref.digest)?.evaluatedAt ?? new Date() };
    const memoKey = `${format} ${label}`;
    const memo = this.sbomMemo.get(chosen.image);
    const cached = memo?.get(memoKey);
    const slug = label.replace(/[^A-Za-z0-9._-]+/g, '_');
    const body =
      cached ?? JSON.stringify(format === 'cyclonedx' ? toCycloneDx(result, opts) : toSpdx(result, opts));
    if (!cached) {
      if (memo) memo.set(memoKey, body);
      else this.sbomMemo.set(chosen.image, new Map([[memoKey, body]]));
    }
    return format === 'cyclonedx'
      ? { body, contentType: 'application/vnd.cyclonedx+json', filename: `${slug}.cdx.json` }
      : { body, contentType: 'application/spdx+json', filename: `${slug}.spdx.json` };
  }

  async report(
    org: OrgContext,
    p: Principal,
    name: string,
    ref: { tag: string } | { digest: string },
    format: 'json' | 'csv',
  ): Promise<{ body: string; contentType: string; filename: string }> {
    const [summary, t] = await Promise.all([
      this.scan(org, p, name, ref),
      this.target(org, p, name, ref, { license: true }),
    ]);
    const scanned = this.requireScanned(await this.loadImages(t, org.id));
    const label = 'tag' in ref ? `${t.repo.name}:${ref.tag}` : `${t.repo.name}@${ref.digest}`;
    const slug = label.replace(/[^A-Za-z0-9._-]+/g, '_');
    if (format === 'json') {
      const body = {
        repository: t.repo.name,
        reference: 'tag' in ref ? ref.tag : ref.digest,
        scan: summary,
        images: scanned.map((s) => ({
          digest: s.ref.digest,
          platform: s.ref.platform ?? s.image.result.image.platform,
          os: s.image.result.os,
          layers: s.image.result.layers,
          components: s.image.result.components,
          findings: s.image.findings,
        })),
      };
      return { body: JSON.stringify(body), contentType: 'application/json', filename: `${slug}.report.json` };
    }
    const lines = [CSV_HEADER.join(',')];
    for (const s of scanned) {
      const plat = platformLabel(s.ref.platform ?? s.image.result.image.platform) ?? '';
      const sorted = [...s.image.findings].sort(
        (a, b) =>
          SEVERITY_RANK[bucketOf(b.severity)] - SEVERITY_RANK[bucketOf(a.severity)] ||
          a.component.name.localeCompare(b.component.name) ||
          a.id.localeCompare(b.id),
      );
      for (const f of sorted) {
        lines.push(
          [
            plat,
            f.component.name,
            f.component.version,
            f.component.type,
            f.component.purl,
            f.layerIndex,
            f.id,
            f.aliases.join(' '),
            bucketOf(f.severity),
            f.score,
            f.fixedVersion,
            f.link,
          ]
            .map(csvCell)
            .join(','),
        );
      }
    }
    return {
      body: `${lines.join('\r\n')}\r\n`,
      contentType: 'text/csv; charset=utf-8',
      filename: `${slug}.report.csv`,
    };
  }
}
