/** Small record builders for tests (the project's own tests never read ../shared). */
import type { OsvRecord } from '../model/types.js';
import { parseNvdCve } from '../sources/nvd.js';
import { parseOsvRecord } from '../sources/osv.js';
import type { NvdCve } from '../model/types.js';

export interface CpeSpec {
  criteria: string;
  vulnerable?: boolean;
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
}

/** A raw NVD API 2.0 `cve` object. */
export function rawNvdCve(
  id: string,
  opts: {
    lastModified?: string;
    published?: string;
    vulnStatus?: string;
    description?: string;
    score?: number;
    severity?: string;
    configurations?: {
      operator?: 'AND' | 'OR';
      nodes: { operator?: 'AND' | 'OR'; negate?: boolean; cpeMatch: CpeSpec[] }[];
    }[];
  } = {},
): Record<string, unknown> {
  const cve: Record<string, unknown> = {
    id,
    sourceIdentifier: 'cve@mitre.org',
    published: opts.published ?? '2024-01-01T00:00:00.000',
    lastModified: opts.lastModified ?? '2024-01-02T00:00:00.000',
    vulnStatus: opts.vulnStatus ?? 'Analyzed',
    cveTags: [],
    descriptions: [
      { lang: 'es', value: 'descripción' },
      { lang: 'en', value: opts.description ?? `Description of ${id}` },
    ],
    metrics:
      opts.score === undefined
        ? {}
        : {
            cvssMetricV31: [
              {
                source: 'nvd@nist.gov',
                type: 'Primary',
                cvssData: {
                  version: '3.1',
                  vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
                  baseScore: opts.score,
                  baseSeverity: opts.severity ?? 'CRITICAL',
                },
              },
            ],
          },
    references: [{ url: `https://example.org/${id}`, source: 'cve@mitre.org', tags: ['Patch'] }],
  };
  if (opts.configurations) {
    cve.configurations = opts.configurations.map((c) => ({
      ...(c.operator ? { operator: c.operator } : {}),
      nodes: c.nodes.map((n) => ({
        operator: n.operator ?? 'OR',
        negate: n.negate ?? false,
        cpeMatch: n.cpeMatch.map((m) => ({
          vulnerable: true,
          ...m,
          matchCriteriaId: '00000000-0000-0000-0000-000000000000',
        })),
      })),
    }));
  }
  return cve;
}

export function nvdCve(id: string, opts: Parameters<typeof rawNvdCve>[1] = {}): NvdCve {
  return parseNvdCve(rawNvdCve(id, opts));
}

export function nvdPage(
  records: Record<string, unknown>[],
  startIndex = 0,
  totalResults = records.length,
  timestamp = '2026-09-01T00:00:00.000',
): Record<string, unknown> {
  return {
    resultsPerPage: records.length,
    startIndex,
    totalResults,
    format: 'NVD_CVE',
    version: '2.0',
    timestamp,
    vulnerabilities: records.map((cve) => ({ cve })),
  };
}

export function osv(
  id: string,
  affected: {
    ecosystem: string;
    name: string;
    ranges?: { type?: string; events: Record<string, string>[] }[];
    versions?: string[];
    databaseSpecific?: Record<string, unknown>;
  }[],
  opts: {
    aliases?: string[];
    upstream?: string[];
    modified?: string;
    withdrawn?: string;
    summary?: string;
    severity?: { type: string; score: string }[];
    databaseSpecific?: Record<string, unknown>;
  } = {},
): OsvRecord {
  return parseOsvRecord(rawOsv(id, affected, opts));
}

export function rawOsv(
  id: string,
  affected: {
    ecosystem: string;
    name: string;
    ranges?: { type?: string; events: Record<string, string>[] }[];
    versions?: string[];
    databaseSpecific?: Record<string, unknown>;
  }[],
  opts: {
    aliases?: string[];
    upstream?: string[];
    modified?: string;
    withdrawn?: string;
    summary?: string;
    severity?: { type: string; score: string }[];
    databaseSpecific?: Record<string, unknown>;
  } = {},
): Record<string, unknown> {
  return {
    schema_version: '1.7.0',
    id,
    modified: opts.modified ?? '2024-01-01T00:00:00Z',
    published: '2024-01-01T00:00:00Z',
    ...(opts.withdrawn ? { withdrawn: opts.withdrawn } : {}),
    aliases: opts.aliases ?? [],
    ...(opts.upstream ? { upstream: opts.upstream } : {}),
    summary: opts.summary ?? `Summary of ${id}`,
    severity: opts.severity ?? [],
    affected: affected.map((a) => ({
      package: { ecosystem: a.ecosystem, name: a.name },
      ranges: (a.ranges ?? []).map((r) => ({ type: r.type ?? 'ECOSYSTEM', events: r.events })),
      ...(a.versions ? { versions: a.versions } : {}),
      ...(a.databaseSpecific ? { database_specific: a.databaseSpecific } : {}),
    })),
    references: [{ type: 'ADVISORY', url: `https://example.org/${id}` }],
    ...(opts.databaseSpecific ? { database_specific: opts.databaseSpecific } : {}),
  };
}
