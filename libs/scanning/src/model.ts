import { z } from 'zod';
import type { Component, ImageScanResult } from '@drydock/scanner';
import type { Finding, MatchComponent, Severity } from '@drydock/vulndb';
import type { ScanProgressView, ScanSeverity, ScanStatus, SeverityCountsView } from '@drydock/contracts';

/** Job names on the `scan` queue (style habit 7: names as enums). */
export const ScanJob = {
  Scan: 'scan-manifest',
  Sweep: 'sweep-stuck-scans',
} as const;

/** Payload of a scan job: the tenant first, then what to scan; validated before the job runs. */
export const ScanJobPayload = z.object({
  organizationId: z.uuid(),
  repositoryId: z.uuid(),
  repository: z.string().min(1),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** Why the scan runs (logs and audit): a push or a person. */
  trigger: z.enum(['push', 'manual']),
});
export type ScanJobPayload = z.infer<typeof ScanJobPayload>;

/** Deterministic job id: a push storm of one digest into one repository scans once (issue 6, "Jobs"). */
export function scanJobId(repositoryId: string, digest: string): string {
  return `scan_${repositoryId}_${digest.replace(':', '-')}`;
}

export type RowStatus = Exclude<ScanStatus, 'not_licensed'>;

export interface ScanRow {
  id: string;
  organizationId: string;
  repositoryId: string;
  digest: string;
  status: RowStatus;
  progress: ScanProgressView;
  error: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  scannedAt: Date | null;
  evaluatedAt: Date | null;
  dbVersion: string | null;
  counts: SeverityCountsView;
  updatedAt: Date;
}

/** What image_analyses.result holds: the scanner's result without findings. */
export type StoredResult = Omit<ImageScanResult, 'findings'>;

export const EMPTY_PROGRESS: ScanProgressView = {
  layersDone: 0,
  layersTotal: 0,
  bytesRead: 0,
  bytesTotal: 0,
};

/** CVSS "none" has no bucket of its own on the shield; it is the lowest, so it counts as low. */
export function bucketOf(s: Severity): ScanSeverity {
  return s === 'none' ? 'low' : s;
}

export const SEVERITY_RANK: Record<ScanSeverity, number> = {
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
  unknown: 0,
};

export function countFindings(findings: readonly { severity: Severity }[]): SeverityCountsView {
  const c: SeverityCountsView = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0, total: 0 };
  for (const f of findings) {
    c[bucketOf(f.severity)]++;
    c.total++;
  }
  return c;
}

export function zeroCounts(): SeverityCountsView {
  return { critical: 0, high: 0, medium: 0, low: 0, unknown: 0, total: 0 };
}

export function addCounts(a: SeverityCountsView, b: SeverityCountsView): SeverityCountsView {
  return {
    critical: a.critical + b.critical,
    high: a.high + b.high,
    medium: a.medium + b.medium,
    low: a.low + b.low,
    unknown: a.unknown + b.unknown,
    total: a.total + b.total,
  };
}

/** The scanner's component as the matcher sees it (the same mapping as `drydock scan --vulndata`). */
export function toMatchComponent(c: Component): MatchComponent {
  return {
    type: c.type,
    name: c.name,
    version: c.version,
    ...(c.sourceName ? { sourceName: c.sourceName } : {}),
    ...(c.sourceVersion ? { sourceVersion: c.sourceVersion } : {}),
    purl: c.purl,
    cpes: c.cpes,
    paths: c.paths,
    layerIndex: c.layerIndex,
    removed: c.removedInLayer !== undefined,
    lockfileOnly: c.lockfileOnly === true,
  };
}

/** One installed component, as findings name it (vulndb's re-evaluation uses the same identity). */
export function componentIdentity(c: {
  type: string;
  name: string;
  version: string | null;
  paths?: readonly string[];
}): string {
  return [c.type, c.name, c.version ?? '', (c.paths ?? []).join('\u0000')].join('\u0001');
}

export function findingIdentity(f: Finding): string {
  return componentIdentity({ ...f.component, paths: f.paths });
}

/** Aggregate of an index: the least settled state wins, so "completed" means every platform is. */
const STATUS_PRIORITY: ScanStatus[] = ['scanning', 'queued', 'failed', 'not_scanned', 'completed'];

export function aggregateStatus(statuses: readonly ScanStatus[]): ScanStatus {
  if (statuses.length === 0) return 'not_scanned';
  return STATUS_PRIORITY.find((s) => statuses.includes(s)) ?? 'not_scanned';
}

/** One CSV cell (RFC 4180 quoting), with spreadsheet formula injection neutralised. */
export function csvCell(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  // Formula injection: spreadsheet apps run cells starting with these characters.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
