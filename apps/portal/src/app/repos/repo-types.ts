/**
 * Registry and scanning shapes. The scanning ones come from `@drydock/contracts` (the API's own
 * declarations, issue 6), and so do the registry's repository and tag responses (issue 3).
 */
import type {
  ComponentView,
  LayerComponentView,
  LayerView,
  LayersResponse,
  PlatformScanView,
  PlatformView,
  RepositoryResponse,
  RepositoryScanMode,
  RepositoryVisibility,
  TagResponse,
  ScanProgressView,
  ScanSeverity,
  ScanStatus,
  ScanView,
  SeverityCountsView,
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

export type Visibility = RepositoryVisibility;
export type ScanMode = RepositoryScanMode;
export type Platform = PlatformView;

/** A repository as the list answers it, with `lastPushedAt` and the worst `scan` over its tags. */
export type Repository = RepositoryResponse;

/** A tag as the tag list answers it (the scan fields appear once the add-on is installed). */
export type Tag = TagResponse;
