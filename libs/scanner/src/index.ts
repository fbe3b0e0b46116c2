export { ANALYZER_VERSION } from './types.js';
export type {
  Component,
  ComponentType,
  DetectedComponent,
  FileEntry,
  FileType,
  FlaggedEntry,
  HistoryReport,
  ImageScanResult,
  LayerAnalysis,
  LayerReport,
  LayerSource,
  LayerWarning,
  OsInfo,
  Platform,
  ScanProgress,
} from './types.js';
export { ScanError, isScanError, type ScanErrorCode } from './errors.js';
export { DEFAULT_LIMITS, resolveLimits, type ScanLimits } from './limits.js';
export { analyzeLayer, type AnalyzeLayerOptions, type LayerProgress } from './layer/analyze-layer.js';
export { sniffCompression, type Compression } from './layer/decompress.js';
export { mergeLayers, mapHistory, type MergeLayerInput, type MergeResult } from './merge.js';
export {
  scanImage,
  presentComponents,
  type ScanImageOptions,
  type LayerAnalysisCache,
} from './scan-image.js';
export { purlFor, cpesFor, upstreamVersion } from './ids.js';
export { normaliseEntryPath } from './paths.js';
export {
  MEDIA_TYPES,
  isForeignLayer,
  isIndexMediaType,
  parsePlatform,
  platformMatches,
  platformString,
  type Descriptor,
  type ImageConfig,
  type ImageContainer,
  type ImageIndex,
  type ImageManifest,
  type ImageSource,
} from './source/types.js';
export {
  openImageContainer,
  parseImageReference,
  type OpenOptions,
  type Transport,
} from './source/readers.js';
export { parseGoBuildInfo, type GoBuildInfo } from './detectors/go.js';
export {
  render,
  toCycloneDx,
  toJsonReport,
  toSpdx,
  toTable,
  type OutputFormat,
  type SbomOptions,
} from './output/formats.js';
export { toMatchComponents, matchContext, type MatchableComponent } from './match-input.js';
