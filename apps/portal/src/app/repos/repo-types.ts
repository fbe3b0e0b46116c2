/**
 * Registry and scanning shapes. The scanning ones come from `@drydock/contracts` (the API's own
 * declarations, issue 6); the registry's repository and tag DTOs live in libs/registry and are
 * mirrored here until they move to the contracts.
 */
import type {
  ComponentView,
  LayerComponentView,
  LayerView,
  LayersResponse,
  PlatformScanView,
  RepoLevel,
  ScanProgressView,
  ScanSeverity,
  ScanStatus,
  ScanView,
  SeverityCountsView,
  TagScanView,
  VulnerabilityView,
} from '@drydock/contracts';

export type { LayersResponse, ScanStatus };
export type Severity = ScanSeverity;
export type SeverityCounts = SeverityCountsView;
export type ScanProgress = ScanProgressView;
export type ScanResult = ScanView;
export type PlatformScan = PlatformScanView;
export type Vulnerability = VulnerabilityView;
export type Component = ComponentView;
export type LayerComponent = LayerComponentView;
export type Layer = LayerView;

export type Visibility = 'private' | 'public';
export type ScanMode = 'on_push' | 'manual';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

/** libs/registry RepositoryResponse. */
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
  /** The worst result over the repository's tags, if the API adds it to the list. */
  scan?: { status: ScanStatus; counts: SeverityCounts | null } | null;
}

/** libs/registry TagResponse, plus the scan fields issue 6 adds (absent before the add-on exists). */
export interface Tag extends Partial<TagScanView> {
  name: string;
  digest: string;
  mediaType: string;
  totalSize: number;
  platforms: Platform[];
  pushedAt: string;
  pushedBy: string | null;
}
