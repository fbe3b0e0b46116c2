import type {
  Component,
  LayerComponent,
  ScanStatus,
  Severity,
  SeverityCounts,
  Tag,
  Vulnerability,
} from './repo-types.js';

export interface TagScanSummary {
  status: ScanStatus;
  counts: Partial<SeverityCounts> | null;
}

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, unknown: 0 };

export function severityRank(s: string | null | undefined): number {
  const k = (s ?? 'unknown').toLowerCase() as Severity;
  return k in RANK ? RANK[k] : RANK.unknown;
}

export function normalizeSeverity(s: string | null | undefined): Severity {
  const k = (s ?? '').toLowerCase();
  return (SEVERITIES as readonly string[]).includes(k) ? (k as Severity) : 'unknown';
}

/** Fills missing counts with 0 and the total with their sum. */
export function fullCounts(c: Partial<SeverityCounts> | null | undefined): SeverityCounts {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const out = {
    critical: n(c?.critical),
    high: n(c?.high),
    medium: n(c?.medium),
    low: n(c?.low),
    unknown: n(c?.unknown),
    total: 0,
  };
  out.total =
    typeof c?.total === 'number' ? c.total : out.critical + out.high + out.medium + out.low + out.unknown;
  return out;
}

export function countsOf(vulns: readonly Vulnerability[]): SeverityCounts {
  const c = fullCounts({});
  for (const v of vulns) c[normalizeSeverity(v.severity)]++;
  c.total = vulns.length;
  return c;
}

export function worstSeverity(c: SeverityCounts): Severity | undefined {
  return SEVERITIES.find((s) => c[s] > 0);
}

export type ShieldColor = 'green' | 'orange' | 'red' | 'grey';

export interface Shield {
  color: ShieldColor;
  /** Short text on the shield: a check, the count, or the state. */
  text: string;
  /** What a screen reader and the tooltip say. */
  label: string;
  status: ScanStatus;
  counts?: SeverityCounts;
}

/**
 * The seed product's shield (issue 7): green check when the scan found nothing, red with the count
 * when it found critical or high ones, orange for the rest, grey while not scanned, running or not
 * licensed.
 */
export function shieldFor(
  status: ScanStatus | undefined,
  counts: Partial<SeverityCounts> | null | undefined,
): Shield {
  const st: ScanStatus = status ?? 'not_scanned';
  switch (st) {
    case 'completed': {
      const c = fullCounts(counts);
      if (c.total === 0)
        return { color: 'green', text: '✓', label: 'No vulnerabilities found', status: st, counts: c };
      const red = c.critical + c.high > 0;
      const worst = worstSeverity(c) ?? 'unknown';
      return {
        color: red ? 'red' : 'orange',
        text: String(c.total),
        label: `${c.total} ${c.total === 1 ? 'vulnerability' : 'vulnerabilities'}, worst ${worst}`,
        status: st,
        counts: c,
      };
    }
    case 'queued':
      return { color: 'grey', text: 'queued', label: 'Scan queued', status: st };
    case 'scanning':
      return { color: 'grey', text: 'scanning', label: 'Scan running', status: st };
    case 'failed':
      return { color: 'grey', text: 'failed', label: 'The scan failed', status: st };
    case 'not_licensed':
      return {
        color: 'grey',
        text: 'not enabled',
        label: 'Scanning is not enabled for this organization',
        status: st,
      };
    case 'not_scanned':
      return { color: 'grey', text: 'not scanned', label: 'Not scanned yet', status: st };
  }
}

/** A tag's scan fields (issue 6); a tag list without them means the add-on is not there yet. */
export function tagScan(tag: Tag): TagScanSummary {
  return { status: tag.scanStatus ?? 'not_scanned', counts: tag.counts ?? null };
}

/** Most vulnerable first (issue 6): highest severity, then number of vulnerabilities, then name. */
export function compareComponents(a: Component, b: Component): number {
  const ma = Math.max(-1, ...a.vulnerabilities.map((v) => severityRank(v.severity)));
  const mb = Math.max(-1, ...b.vulnerabilities.map((v) => severityRank(v.severity)));
  if (ma !== mb) return mb - ma;
  if (a.vulnerabilities.length !== b.vulnerabilities.length)
    return b.vulnerabilities.length - a.vulnerabilities.length;
  return a.name.localeCompare(b.name) || (a.version ?? '').localeCompare(b.version ?? '');
}

/** A component's vulnerabilities, worst and highest-scored first. */
export function sortVulnerabilities(vs: readonly Vulnerability[]): Vulnerability[] {
  return [...vs].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (b.score ?? -1) - (a.score ?? -1) ||
      a.id.localeCompare(b.id),
  );
}

export interface ComponentFilter {
  severities: readonly Severity[];
  fixableOnly: boolean;
  type: string | undefined;
  search: string;
}

export const NO_FILTER: ComponentFilter = { severities: [], fixableOnly: false, type: undefined, search: '' };

/**
 * The Components view's filters, applied client-side too so the view is right whether or not the
 * API applied the same query parameters. A component stays when one of its vulnerabilities passes;
 * only those are kept.
 */
export function filterComponents(items: readonly Component[], f: ComponentFilter): Component[] {
  const q = f.search.trim().toLowerCase();
  const vulnFilterOn = f.severities.length > 0 || f.fixableOnly;
  const out: Component[] = [];
  for (const c of items) {
    if (f.type && c.type !== f.type) continue;
    if (q) {
      const hay = [
        c.name,
        c.version ?? '',
        c.purl ?? '',
        ...c.vulnerabilities.flatMap((v) => [v.id, ...(v.aliases ?? [])]),
      ]
        .join(' ')
        .toLowerCase();
      if (!hay.includes(q)) continue;
    }
    if (!vulnFilterOn) {
      out.push(c);
      continue;
    }
    const vulns = c.vulnerabilities.filter(
      (v) =>
        (f.severities.length === 0 || f.severities.includes(normalizeSeverity(v.severity))) &&
        (!f.fixableOnly || !!v.fixedVersion),
    );
    if (vulns.length) out.push({ ...c, vulnerabilities: vulns });
  }
  return out.sort(compareComponents);
}

/** Query parameters for the same filter, for the API (issue 6: severity, fixable only, type). */
export function filterParams(f: ComponentFilter): Record<string, string | undefined> {
  return {
    severity: f.severities.length ? f.severities.join(',') : undefined,
    fixable: f.fixableOnly ? 'true' : undefined,
    type: f.type,
    q: f.search.trim() || undefined,
  };
}

/** A layer component's counts (the contract always sends them; old answers may not). */
export function layerComponentCounts(c: LayerComponent): SeverityCounts {
  if (c.counts) return fullCounts(c.counts);
  return { ...fullCounts({}), unknown: c.vulnerabilityCount ?? 0, total: c.vulnerabilityCount ?? 0 };
}

/** The link to a vulnerability's record: the API's, else NVD for CVEs, else OSV. */
export function vulnerabilityLink(v: Vulnerability): string {
  if (v.link) return v.link;
  const cve = [v.id, ...(v.aliases ?? [])].find((id) => /^CVE-\d{4}-\d+$/i.test(id));
  if (cve) return `https://nvd.nist.gov/vuln/detail/${cve.toUpperCase()}`;
  return `https://osv.dev/vulnerability/${encodeURIComponent(v.id)}`;
}
