import type {
  Configuration,
  ConfigNode,
  CpeMatchCriterion,
  CvssMetric,
  CvssVersion,
  NvdCve,
  Reference,
  Severity,
} from '../model/types.js';

/**
 * Reader for the `cve` objects of NVD CVE API 2.0 responses
 * (https://nvd.nist.gov/developers/vulnerabilities, schema cve_api_json_2.0). Unknown keys
 * (`cveTags`, CNA `affected`, `ssvcV203`, ...) are ignored; missing optional blocks are empty.
 */

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function toSeverity(v: unknown): Severity {
  switch (typeof v === 'string' ? v.toUpperCase() : '') {
    case 'CRITICAL':
      return 'critical';
    case 'HIGH':
      return 'high';
    case 'MEDIUM':
    case 'MODERATE':
      return 'medium';
    case 'LOW':
      return 'low';
    case 'NONE':
      return 'none';
    default:
      return 'unknown';
  }
}

const METRIC_KEYS: [string, CvssVersion][] = [
  ['cvssMetricV40', '4.0'],
  ['cvssMetricV31', '3.1'],
  ['cvssMetricV30', '3.0'],
  ['cvssMetricV2', '2.0'],
];

function parseMetrics(metrics: Json): CvssMetric[] {
  const out: CvssMetric[] = [];
  for (const [key, version] of METRIC_KEYS) {
    for (const m of arr(metrics[key])) {
      const entry = obj(m);
      const data = obj(entry.cvssData);
      const score = data.baseScore;
      if (typeof score !== 'number') continue;
      out.push({
        version,
        source: str(entry.source) ?? '',
        type: str(entry.type) ?? '',
        baseScore: score,
        // CVSS v2 keeps baseSeverity next to cvssData, not inside it.
        baseSeverity: toSeverity(
          version === '2.0' ? (entry.baseSeverity ?? data.baseSeverity) : data.baseSeverity,
        ),
        vector: str(data.vectorString) ?? '',
      });
    }
  }
  return out;
}

function parseCpeMatch(v: unknown): CpeMatchCriterion | null {
  const m = obj(v);
  const criteria = str(m.criteria);
  if (!criteria) return null;
  const out: CpeMatchCriterion = { criteria, vulnerable: m.vulnerable !== false };
  for (const k of [
    'versionStartIncluding',
    'versionStartExcluding',
    'versionEndIncluding',
    'versionEndExcluding',
    'matchCriteriaId',
  ] as const) {
    const s = str(m[k]);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function parseNode(v: unknown): ConfigNode {
  const n = obj(v);
  return {
    operator: n.operator === 'AND' ? 'AND' : 'OR',
    negate: n.negate === true,
    cpeMatch: arr(n.cpeMatch)
      .map(parseCpeMatch)
      .filter((m): m is CpeMatchCriterion => m !== null),
  };
}

function parseConfiguration(v: unknown): Configuration {
  const c = obj(v);
  return {
    operator: c.operator === 'AND' ? 'AND' : 'OR',
    negate: c.negate === true,
    nodes: arr(c.nodes).map(parseNode),
  };
}

export function parseNvdCve(input: unknown): NvdCve {
  const c = obj(input);
  const id = str(c.id);
  if (!id) throw new Error('NVD record without an id');
  const english = arr(c.descriptions)
    .map(obj)
    .find((d) => d.lang === 'en');
  const cwes = new Set<string>();
  for (const w of arr(c.weaknesses)) {
    for (const d of arr(obj(w).description)) {
      const value = str(obj(d).value);
      if (value && value.startsWith('CWE-')) cwes.add(value);
    }
  }
  const references: Reference[] = arr(c.references)
    .map(obj)
    .filter((r) => typeof r.url === 'string')
    .map((r) => {
      const ref: Reference = { url: r.url as string };
      if (typeof r.source === 'string') ref.source = r.source;
      const tags = arr(r.tags).filter((t): t is string => typeof t === 'string');
      if (tags.length > 0) ref.tags = tags;
      return ref;
    });
  const out: NvdCve = {
    id,
    published: str(c.published) ?? '',
    lastModified: str(c.lastModified) ?? str(c.published) ?? '',
    vulnStatus: str(c.vulnStatus) ?? '',
    description: str(english?.value) ?? null,
    cvss: parseMetrics(obj(c.metrics)),
    cwes: [...cwes],
    references,
    configurations: arr(c.configurations).map(parseConfiguration),
  };
  const sourceIdentifier = str(c.sourceIdentifier);
  if (sourceIdentifier) out.sourceIdentifier = sourceIdentifier;
  return out;
}

export function isRejected(cve: NvdCve): boolean {
  return cve.vulnStatus.toLowerCase() === 'rejected';
}

/** The metric that decides severity: v4.0 > v3.1 > v3.0 > v2, NVD's own (Primary) score first. */
export function preferredCvss(cve: NvdCve): CvssMetric | null {
  for (const version of ['4.0', '3.1', '3.0', '2.0'] as const) {
    const metrics = cve.cvss.filter((m) => m.version === version);
    if (metrics.length === 0) continue;
    return (
      metrics.find((m) => m.type === 'Primary') ??
      metrics.find((m) => m.source === 'nvd@nist.gov') ??
      metrics[0]
    );
  }
  return null;
}

/** An API 2.0 response page: the envelope and its `vulnerabilities[].cve` objects. */
export interface NvdPage {
  resultsPerPage: number;
  startIndex: number;
  totalResults: number;
  format?: string;
  version?: string;
  timestamp?: string;
  vulnerabilities: NvdCve[];
}

export function parseNvdPage(input: unknown): NvdPage {
  const p = obj(input);
  return {
    resultsPerPage: Number(p.resultsPerPage ?? 0),
    startIndex: Number(p.startIndex ?? 0),
    totalResults: Number(p.totalResults ?? 0),
    format: str(p.format),
    version: str(p.version),
    timestamp: str(p.timestamp),
    vulnerabilities: arr(p.vulnerabilities).map((v) => parseNvdCve(obj(v).cve)),
  };
}
