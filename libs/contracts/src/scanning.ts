import { z } from 'zod';

/*
 * The scanning add-on's REST shapes (issue 6, "Results API"), shared by the API and the portal.
 */

export const SCAN_STATUSES = [
  'not_scanned',
  'queued',
  'scanning',
  'completed',
  'failed',
  'not_licensed',
] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/** The five buckets of the shield; CVSS "none" counts as low. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;
export type ScanSeverity = (typeof SEVERITIES)[number];

export interface SeverityCountsView {
  critical: number;
  high: number;
  medium: number;
  low: number;
  unknown: number;
  total: number;
}

export interface ScanProgressView {
  layersDone: number;
  layersTotal: number;
  bytesRead: number;
  bytesTotal: number;
}

/** OpenAPI (3.0) schemas of the two fields every scan view carries, for the registry and scanning docs. */
export const SCAN_STATUS_OPENAPI = { type: 'string', enum: [...SCAN_STATUSES] };
export const SEVERITY_COUNTS_OPENAPI = {
  type: 'object',
  nullable: true,
  properties: Object.fromEntries([...SEVERITIES, 'total'].map((k) => [k, { type: 'integer' }])),
};

/** What the tag list gains per tag. */
export interface TagScanView {
  scanStatus: ScanStatus;
  counts: SeverityCountsView | null;
}

/** What the repository list gains per repository: the worst result over its tags. */
export interface RepositoryScanView {
  /** The tag the result is from. */
  tag: string;
  status: ScanStatus;
  counts: SeverityCountsView | null;
}

/** Shield order: red (critical/high) > orange (other findings) > green (clean) > grey (not completed). */
function shieldRank(t: TagScanView): number {
  if (t.scanStatus !== 'completed' || !t.counts) return 0;
  if (t.counts.critical + t.counts.high > 0) return 3;
  return t.counts.total > 0 ? 2 : 1;
}

/** Among grey tags, the most telling state: a running scan, then queued, failed, not scanned, not licensed. */
const GREY_ORDER: readonly ScanStatus[] = ['scanning', 'queued', 'failed', 'not_scanned', 'not_licensed'];

/**
 * The worst shield over a repository's tags (issue 7's repository list): the highest shield colour,
 * then the most vulnerabilities (critical first), then the tag name; `null` for no tags.
 */
export function worstTagScan(tags: readonly (TagScanView & { tag: string })[]): RepositoryScanView | null {
  let worst: (TagScanView & { tag: string }) | undefined;
  const key = (t: TagScanView) => {
    const c = t.counts;
    return [
      shieldRank(t),
      c?.critical ?? 0,
      c?.high ?? 0,
      c?.total ?? 0,
      -GREY_ORDER.indexOf(t.scanStatus),
    ] as const;
  };
  for (const t of tags) {
    if (!worst) {
      worst = t;
      continue;
    }
    const [a, b] = [key(t), key(worst)];
    const i = a.findIndex((v, k) => v !== b[k]);
    if (i >= 0 && a[i] > b[i]) worst = t;
  }
  return worst ? { tag: worst.tag, status: worst.scanStatus, counts: worst.counts } : null;
}

export interface PlatformScanView {
  digest: string;
  platform: { os: string; architecture: string; variant?: string } | null;
  status: ScanStatus;
  progress: ScanProgressView | null;
  error: string | null;
  counts: SeverityCountsView | null;
  scannedAt: string | null;
  evaluatedAt: string | null;
  dbVersion: string | null;
}

export interface ScanView {
  status: ScanStatus;
  progress: ScanProgressView | null;
  error: string | null;
  counts: SeverityCountsView | null;
  scannedAt: string | null;
  evaluatedAt: string | null;
  dbVersion: string | null;
  digest: string;
  mediaType: string;
  size: number;
  pushedAt: string;
  pushedBy: string | null;
  /** An index: each platform's scan (the fields above are their aggregate). */
  platforms?: PlatformScanView[];
}

export interface VulnerabilityView {
  id: string;
  aliases: string[];
  severity: ScanSeverity;
  score: number | null;
  summary: string | null;
  fixedVersion: string | null;
  link: string;
  versionUnknown?: boolean;
}

export interface ComponentView {
  type: string;
  name: string;
  version: string | null;
  purl: string;
  licenses: string[];
  paths: string[];
  layerIndex: number;
  /** Set on an index tag: the platform manifest the component was found in. */
  platform?: string;
  vulnerabilities: VulnerabilityView[];
}

export interface ComponentPage {
  items: ComponentView[];
  total: number;
  limit: number;
  offset: number;
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface LayerComponentView {
  type: string;
  name: string;
  version: string | null;
  purl: string;
  counts: SeverityCountsView;
  vulnerabilityCount: number;
}

export interface LayerView {
  index: number;
  digest: string;
  diffId: string | null;
  mediaType: string;
  size: number;
  createdBy: string | null;
  status: 'scanned' | 'not-scanned';
  reason?: string;
  /** Components this layer introduced that are still in the final image. */
  components: LayerComponentView[];
  /** Components of lower layers this layer deleted. */
  removed: LayerComponentView[];
}

export interface LayersPlatformView {
  digest: string;
  platform: { os: string; architecture: string; variant?: string } | null;
  layers: LayerView[];
}

export interface LayersResponse {
  digest: string;
  /** Of the image (for an index: of its first platform; see `platforms`). */
  layers: LayerView[];
  platforms?: LayersPlatformView[];
}

// The descriptions are the OpenAPI document's (libs/scanning's `queryParams` lifts them to the parameters).
export const ComponentsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).optional(),
  cursor: z.string().max(200).optional().describe("Opaque position from a previous page's `nextCursor`"),
  severity: z
    .string()
    .regex(/^(critical|high|medium|low|unknown)(,(critical|high|medium|low|unknown))*$/)
    .optional()
    .describe('Only components with a vulnerability of one of these severities (comma-separated)'),
  fixable: z
    .enum(['true', 'false'])
    .optional()
    .describe('`true`: only components with a vulnerability that has a fixed version'),
  type: z.string().max(200).optional().describe('Component types (deb, npm, binary, ...), comma-separated'),
  q: z
    .string()
    .max(200)
    .optional()
    .describe(
      "Case-insensitive substring of the component's name or purl, or of the id or an alias of one of its " +
        'vulnerabilities (`cve-2023-1234`, `GHSA-…`): the "Name or CVE" search. With `severity`/`fixable`, ' +
        'only the vulnerabilities those keep are searched.',
    ),
});
export type ComponentsQuery = z.infer<typeof ComponentsQuery>;

export const SbomQuery = z.object({ format: z.enum(['cyclonedx', 'spdx']).default('cyclonedx') });
export const ReportQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });

export interface ScanRequestedView {
  digest: string;
  /** The platform manifests queued (an index queues each). */
  queued: string[];
  status: ScanStatus;
}
