/**
 * Registry and scanning shapes as issues 3 and 6 document them (libs/registry's REST DTOs). They are
 * not in `@drydock/contracts` yet; when they move there, re-export them from it here.
 */
import type { RepoLevel } from '@drydock/contracts';

export type Visibility = 'private' | 'public';
export type ScanMode = 'on_push' | 'manual';
export type ScanStatus = 'not_scanned' | 'queued' | 'scanning' | 'completed' | 'failed' | 'not_licensed';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'unknown';

export interface SeverityCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  unknown: number;
  total: number;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

export interface Repository {
  id: string;
  name: string;
  path: string;
  visibility: Visibility;
  scanMode: ScanMode;
  description: string | null;
  tagCount: number;
  level: RepoLevel | null;
  createdAt: string;
  updatedAt: string;
  lastPushedAt?: string | null;
  /** The worst result over the repository's tags, when the API provides it. */
  scan?: Partial<TagScanSummary> | null;
}

/** The per-tag scan fields issue 6 adds to the tag list. */
export interface TagScanSummary {
  status: ScanStatus;
  counts: Partial<SeverityCounts> | null;
}

export interface Tag {
  name: string;
  digest: string;
  mediaType: string;
  totalSize: number;
  platforms: Platform[];
  pushedAt: string;
  pushedBy: string | null;
  scan?: Partial<TagScanSummary> | null;
  scanStatus?: ScanStatus;
  counts?: Partial<SeverityCounts> | null;
}

export interface ScanProgressRaw {
  layersDone?: number;
  layersTotal?: number;
  bytesRead?: number;
  bytesTotal?: number;
  layers?: { done?: number; total?: number };
  bytes?: { done?: number; read?: number; total?: number };
  percent?: number;
}

export interface PlatformScan {
  platform?: Platform | string;
  digest?: string;
  status: ScanStatus;
  counts?: Partial<SeverityCounts> | null;
}

export interface ScanResult {
  status: ScanStatus;
  progress?: ScanProgressRaw | number | null;
  error?: string | null;
  counts?: Partial<SeverityCounts> | null;
  scannedAt?: string | null;
  evaluatedAt?: string | null;
  dbVersion?: string | null;
  digest?: string;
  size?: number;
  totalSize?: number;
  mediaType?: string;
  pushedAt?: string;
  pushedBy?: string | null;
  platform?: Platform | null;
  platforms?: PlatformScan[] | Platform[];
}

export interface Vulnerability {
  id: string;
  aliases?: string[];
  severity: Severity;
  score?: number | null;
  summary?: string | null;
  fixedVersion?: string | null;
  link?: string | null;
  versionUnknown?: boolean;
}

export interface Component {
  type: string;
  name: string;
  version: string | null;
  purl?: string | null;
  licenses?: string[];
  paths?: string[];
  layerIndex?: number | null;
  vulnerabilities: Vulnerability[];
}

export interface LayerComponent {
  type?: string;
  name: string;
  version?: string | null;
  purl?: string | null;
  counts?: Partial<SeverityCounts> | null;
  vulnerabilityCount?: number;
  vulnerabilities?: number | Vulnerability[];
}

export interface Layer {
  index?: number;
  digest?: string | null;
  createdBy?: string | null;
  size?: number | null;
  empty?: boolean;
  emptyLayer?: boolean;
  components?: LayerComponent[];
  added?: LayerComponent[];
  introduced?: LayerComponent[];
  removed?: LayerComponent[];
}
