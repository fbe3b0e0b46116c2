import { comparatorFor, compareGeneric, schemeForEcosystem } from '../versions/index.js';
import { preferredCvss, toSeverity } from '../sources/nvd.js';
import type {
  Configuration,
  ConfigNode,
  Finding,
  FindingMatch,
  ImageContext,
  MatchComponent,
  NvdCve,
  OsvRecord,
  Severity,
  VulnRecord,
} from '../model/types.js';
import {
  componentCpes,
  componentEcosystem,
  componentKeys,
  ecosystemNameVersion,
  isDistroComponent,
  osCpes,
  packageKey,
  recordKeys,
} from './keys.js';
import { describeCriterion, matchCpeCriterion, parseCpe, type Cpe } from './cpe.js';
import { affectedHolds, lastFixed } from './osv-range.js';
import { cvss3BaseScore, severityOfScore } from './cvss.js';

/**
 * Where the matcher gets its records: the in-memory index for offline scans, PostgreSQL for the
 * service. Both answer by package key, so the matcher never scans the whole database.
 */
export interface CandidateProvider {
  /** Records (OSV affected packages, NVD vulnerable CPE vendor:product) under any of these keys. */
  candidatesForKeys(keys: readonly string[]): Promise<VulnRecord[]>;
  /** NVD records by CVE id, for CVSS and summaries of findings that came from other sources. */
  nvdByIds(ids: readonly string[]): Promise<NvdCve[]>;
}

const CVE_RE = /^CVE-\d{4}-\d+$/;

/**
 * The vulnerability ids an OSV record's hit is reported under. A DSA-style record fixes several
 * CVEs (`upstream`), each its own vulnerability; a GHSA or DEBIAN-CVE record is one
 * vulnerability, shown under its CVE when it has one.
 */
export function osvGroupIds(r: OsvRecord): string[] {
  if (CVE_RE.test(r.id)) return [r.id];
  const aliasCves = r.aliases.filter((a) => CVE_RE.test(a));
  if (aliasCves.length > 0) return [aliasCves.sort()[0]];
  const upstreamCves = r.upstream.filter((a) => CVE_RE.test(a));
  if (upstreamCves.length > 0) return [...new Set(upstreamCves)].sort();
  return [r.id];
}

export function advisoryLink(id: string): string {
  if (CVE_RE.test(id)) return `https://nvd.nist.gov/vuln/detail/${id}`;
  if (id.startsWith('GHSA-')) return `https://github.com/advisories/${id}`;
  if (/^(DEBIAN-|DSA-|DLA-|DTSA-)/.test(id))
    return `https://security-tracker.debian.org/tracker/${id.replace(/^DEBIAN-/, '')}`;
  return `https://osv.dev/vulnerability/${id}`;
}

interface Hit {
  record: VulnRecord;
  match: FindingMatch;
  fixed: string | null;
  /** Scheme to order fixed versions of this hit. */
  ecosystem: string | null;
  versionUnknown: boolean;
}

function osvHits(c: MatchComponent, ecosystem: string, record: VulnRecord & { source: 'osv' }): Hit[] {
  const r = record.osv;
  if (r.withdrawn) return [];
  const { name, version } = ecosystemNameVersion(c);
  const key = packageKey(ecosystem, name);
  const hits: Hit[] = [];
  for (const entry of r.affected) {
    if (packageKey(entry.ecosystem, entry.name) !== key) continue;
    if (!version) {
      hits.push({
        record,
        match: {
          source: 'osv',
          recordId: r.id,
          package: `${entry.ecosystem}/${entry.name}`,
          range: 'any (version unknown)',
        },
        fixed: lastFixed(entry),
        ecosystem: entry.ecosystem,
        versionUnknown: true,
      });
      continue;
    }
    const hit = affectedHolds(entry, version);
    if (hit) {
      hits.push({
        record,
        match: {
          source: 'osv',
          recordId: r.id,
          package: `${entry.ecosystem}/${entry.name}`,
          range: hit.description,
        },
        fixed: hit.fixed,
        ecosystem: entry.ecosystem,
        versionUnknown: false,
      });
    }
  }
  return hits;
}

interface ParsedNode {
  node: ConfigNode;
  cpes: (Cpe | null)[];
}

/**
 * NVD applicability (configurations): a node is an OR/AND over its criteria, a configuration an
 * OR/AND over its nodes. Vulnerable criteria must match this component; platform criteria
 * (`vulnerable: false`, e.g. the OS of an AND node) may be satisfied by anything in the image.
 */
function configurationHits(
  conf: Configuration,
  targets: Cpe[],
  platform: Cpe[],
): { hits: { criterion: string; fixed: string | null; unknown: boolean }[] } | null {
  const nodes: ParsedNode[] = conf.nodes.map((node) => ({
    node,
    cpes: node.cpeMatch.map((m) => parseCpe(m.criteria)),
  }));
  const collected: { criterion: string; fixed: string | null; unknown: boolean }[] = [];
  const results = nodes.map(({ node, cpes }) => {
    const nodeHits: typeof collected = [];
    const each = node.cpeMatch.map((m, i) => {
      const parsed = cpes[i];
      if (!parsed) return false;
      if (m.vulnerable) {
        let ok = false;
        for (const t of targets) {
          const r = matchCpeCriterion(m, t, parsed);
          if (r.matched) {
            ok = true;
            nodeHits.push({
              criterion: describeCriterion(m),
              fixed: m.versionEndExcluding ?? null,
              unknown: r.versionUnknown,
            });
          }
        }
        return ok;
      }
      return [...platform, ...targets].some((t) => matchCpeCriterion(m, t, parsed).matched);
    });
    let ok = node.operator === 'AND' ? each.every(Boolean) && each.length > 0 : each.some(Boolean);
    if (node.negate) ok = !ok;
    if (ok && !node.negate) collected.push(...nodeHits);
    return ok;
  });
  let ok = conf.operator === 'AND' ? results.every(Boolean) && results.length > 0 : results.some(Boolean);
  if (conf.negate) ok = !ok;
  return ok && collected.length > 0 ? { hits: collected } : null;
}

function nvdHits(targets: Cpe[], platform: Cpe[], record: VulnRecord & { source: 'nvd' }): Hit[] {
  const cve = record.nvd;
  // A rejected CVE is not a vulnerability; one without configurations cannot be matched by CPE.
  if (cve.vulnStatus.toLowerCase() === 'rejected') return [];
  const hits: Hit[] = [];
  for (const conf of cve.configurations) {
    const r = configurationHits(conf, targets, platform);
    if (!r) continue;
    for (const h of r.hits) {
      hits.push({
        record,
        match: { source: 'nvd', recordId: cve.id, criteria: h.criterion },
        fixed: h.fixed,
        ecosystem: null,
        versionUnknown: h.unknown,
      });
    }
  }
  return hits;
}

function groupIdsOf(record: VulnRecord): string[] {
  return record.source === 'nvd' ? [record.nvd.id] : osvGroupIds(record.osv);
}

const DEBIAN_URGENCY: Record<string, Severity> = {
  unimportant: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
};

/** The source's own rating when NVD has none: a CVSS v3 vector, else its database_specific severity. */
function sourceSeverity(records: OsvRecord[]): {
  severity: Severity;
  score: number | null;
  vector: string | null;
} {
  for (const r of records) {
    for (const s of [...r.severity, ...r.affected.flatMap((a) => a.severity)]) {
      const score = cvss3BaseScore(s.score);
      if (score !== null) return { severity: severityOfScore(score), score, vector: s.score };
    }
  }
  for (const r of records) {
    const raw =
      r.databaseSpecific?.severity ??
      r.affected.map((a) => a.databaseSpecific?.severity).find((x) => typeof x === 'string');
    if (typeof raw === 'string') {
      const sev = DEBIAN_URGENCY[raw.toLowerCase()] ?? toSeverity(raw);
      if (sev !== 'unknown') {
        const vector = r.severity[0]?.score ?? null;
        return { severity: sev, score: null, vector };
      }
    }
  }
  const vector = records.flatMap((r) => r.severity)[0]?.score ?? null;
  return { severity: 'unknown', score: null, vector };
}

function minFixed(hits: Hit[]): string | null {
  let best: { v: string; eco: string | null } | null = null;
  for (const h of hits) {
    if (h.fixed === null) continue;
    const cmp = h.ecosystem ? comparatorFor(schemeForEcosystem(h.ecosystem)) : compareGeneric;
    if (!best || cmp(h.fixed, best.v) < 0) best = { v: h.fixed, eco: h.ecosystem };
  }
  return best?.v ?? null;
}

/** Hits per vulnerability id for one component, before enrichment. */
export function matchComponent(
  c: MatchComponent,
  context: ImageContext,
  records: readonly VulnRecord[],
  platform: Cpe[],
): Map<string, Hit[]> {
  const groups = new Map<string, Hit[]>();
  if (c.removed || c.lockfileOnly) return groups;
  const ecosystem = componentEcosystem(c, context);
  let hits: Hit[] = [];
  if (ecosystem) {
    for (const r of records) if (r.source === 'osv') hits.push(...osvHits(c, ecosystem, r));
  } else if (!isDistroComponent(c)) {
    const targets = componentCpes(c);
    for (const r of records) if (r.source === 'nvd') hits.push(...nvdHits(targets, platform, r));
  }
  // NVD's exact "version unknown" answers only count when nothing knew the version.
  hits = hits.filter(
    (h, _, all) => !h.versionUnknown || !all.some((o) => o.record === h.record && !o.versionUnknown),
  );
  for (const h of hits) {
    for (const id of groupIdsOf(h.record)) {
      const list = groups.get(id) ?? [];
      list.push(h);
      groups.set(id, list);
    }
  }
  return groups;
}

export type { Hit as MatchHit };

/**
 * Matches the components of one image. Removed and lockfile-only components produce nothing;
 * distro packages are matched by source package in the release's ecosystem, language packages in
 * theirs, everything else by NVD CPE configurations.
 */
export interface MatchOptions {
  /** Match only these components (re-evaluation); the others still count as the image's platform. */
  only?: (c: MatchComponent) => boolean;
}

export async function matchImage(
  components: readonly MatchComponent[],
  context: ImageContext,
  provider: CandidateProvider,
  options: MatchOptions = {},
): Promise<Finding[]> {
  const selected = options.only ? components.filter(options.only) : components;
  const perComponent = selected.map((c) => ({ c, keys: componentKeys(c, context) }));
  const allKeys = [...new Set(perComponent.flatMap((x) => x.keys))];
  if (allKeys.length === 0) return [];
  const records = await provider.candidatesForKeys(allKeys);
  const byKey = indexByKey(records);
  const platform = [
    ...osCpes(context),
    ...components
      .filter(
        (c) => !c.removed && !c.lockfileOnly && !isDistroComponent(c) && !componentEcosystem(c, context),
      )
      .flatMap(componentCpes),
  ];

  const matched: { c: MatchComponent; groups: Map<string, Hit[]> }[] = [];
  for (const { c, keys } of perComponent) {
    if (keys.length === 0) continue;
    const candidates = [...new Set(keys.flatMap((k) => byKey.get(k) ?? []))];
    const groups = matchComponent(c, context, candidates, platform);
    if (groups.size > 0) matched.push({ c, groups });
  }
  // NVD records that were candidates themselves (CPE matches) need no second lookup.
  const nvd = new Map<string, NvdCve>();
  for (const r of records) if (r.source === 'nvd') nvd.set(r.id, r.nvd);
  const cveIds = [
    ...new Set(matched.flatMap((m) => [...m.groups.keys()].filter((id) => CVE_RE.test(id) && !nvd.has(id)))),
  ];
  if (cveIds.length > 0) for (const n of await provider.nvdByIds(cveIds)) nvd.set(n.id, n);

  const findings: Finding[] = [];
  for (const { c, groups } of matched) {
    for (const [id, hits] of groups) findings.push(buildFinding(id, hits, c, nvd.get(id) ?? null));
  }
  return findings.sort(
    (a, b) => a.component.name.localeCompare(b.component.name) || a.id.localeCompare(b.id),
  );
}

export function indexByKey(records: readonly VulnRecord[]): Map<string, VulnRecord[]> {
  const out = new Map<string, VulnRecord[]>();
  for (const r of records) {
    for (const k of recordKeysCached(r)) {
      const list = out.get(k) ?? [];
      list.push(r);
      out.set(k, list);
    }
  }
  return out;
}

const keyCache = new WeakMap<VulnRecord, string[]>();
function recordKeysCached(r: VulnRecord): string[] {
  let k = keyCache.get(r);
  if (!k) {
    k = recordKeys(r);
    keyCache.set(r, k);
  }
  return k;
}

export function buildFinding(id: string, hits: Hit[], c: MatchComponent, nvd: NvdCve | null): Finding {
  const records = [...new Map(hits.map((h) => [`${h.record.source}:${h.record.id}`, h.record])).values()];
  const osv = records
    .filter((r): r is VulnRecord & { source: 'osv' } => r.source === 'osv')
    .map((r) => r.osv);
  // GHSA summaries are written for humans; Debian's are truncated tracker text.
  osv.sort(
    (a, b) => Number(b.id.startsWith('GHSA-')) - Number(a.id.startsWith('GHSA-')) || a.id.localeCompare(b.id),
  );
  const nvdRecord =
    nvd ?? records.find((r): r is VulnRecord & { source: 'nvd' } => r.source === 'nvd')?.nvd ?? null;
  const aliases = new Set<string>();
  for (const r of records) {
    aliases.add(r.id);
    if (r.source === 'osv') {
      r.osv.aliases.forEach((a) => aliases.add(a));
      // Upstream ids belong to this finding only when they are its own id (a DSA lists many CVEs).
      r.osv.upstream
        .filter((u) => !CVE_RE.test(u) || osvGroupIds(r.osv).length === 1)
        .forEach((u) => aliases.add(u));
    }
  }
  aliases.delete(id);

  const metric =
    nvdRecord && nvdRecord.vulnStatus.toLowerCase() !== 'rejected' ? preferredCvss(nvdRecord) : null;
  const rating = metric
    ? {
        severity: metric.baseSeverity === 'unknown' ? severityOfScore(metric.baseScore) : metric.baseSeverity,
        score: metric.baseScore,
        vector: metric.vector,
      }
    : sourceSeverity(osv);
  const summary = nvdRecord?.description ?? osv.map((r) => r.summary ?? r.details).find((s) => !!s) ?? null;
  const osvHitsOnly = hits.filter((h) => h.record.source === 'osv');
  const fixedVersion = minFixed(osvHitsOnly.length > 0 ? osvHitsOnly : hits);
  const versionUnknown = hits.every((h) => h.versionUnknown);
  const matches = [...new Map(hits.map((h) => [JSON.stringify(h.match), h.match])).values()];
  // The deciding match: the ecosystem's own advisory (GHSA, DEBIAN-CVE) before a DSA, OSV before NVD.
  const rank = (m: FindingMatch): number => (m.source === 'nvd' ? 2 : /^(DSA|DLA)-/.test(m.recordId) ? 1 : 0);
  const matchedBy = [...matches].sort((a, b) => rank(a) - rank(b))[0];
  const finding: Finding = {
    id,
    aliases: [...aliases].sort(),
    severity: rating.severity,
    score: rating.score,
    vector: rating.vector,
    summary,
    fixedVersion,
    link: advisoryLink(id),
    component: { type: c.type, name: c.name, version: c.version || null, purl: c.purl ?? null },
    paths: c.paths ?? [],
    layerIndex: c.layerIndex ?? null,
    matchedBy,
    matches,
  };
  if (versionUnknown) finding.versionUnknown = true;
  return finding;
}
