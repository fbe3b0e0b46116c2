/** Bump whenever the content of a LayerAnalysis changes for the same layer bytes (cache key). */
export const ANALYZER_VERSION = 'drydock-scanner/1';

export type ComponentType = 'deb' | 'apk' | 'rpm' | 'npm' | 'python' | 'golang' | 'maven' | 'binary';

export interface OsInfo {
  /** os-release ID, e.g. 'debian'. */
  id: string;
  /** os-release VERSION_ID, e.g. '12' (null for rolling releases). */
  versionId: string | null;
  /** os-release NAME, e.g. 'Debian GNU/Linux'. */
  name: string | null;
  versionCodename?: string;
  prettyName?: string;
  /** File the values were read from, absolute ('/etc/os-release'). */
  path: string;
}

/**
 * A component as a detector sees it inside one layer: no layer attribution, no purl (the purl of
 * an OS package depends on the image's distribution, known only after the merge).
 */
export interface DetectedComponent {
  type: ComponentType;
  name: string;
  /** null when the name is known but the version is not. */
  version: string | null;
  licenses: string[];
  /** Absolute paths; the first one is the component's main file (package.json, status, binary). */
  paths: string[];
  sha256?: string;
  arch?: string;
  sourceName?: string;
  sourceVersion?: string;
  maintainer?: string;
  /** apk origin, rpm source rpm. */
  origin?: string;
  /** rpm epoch. */
  epoch?: number;
  release?: string;
  /** Maven group, Go module path of the main module, npm scope is part of the name. */
  group?: string;
  /** The raw version signature a binary detector matched. */
  versionString?: string;
  /** Which detector produced it (dpkg, npm, elf-signature, go-buildinfo, ...). */
  foundBy: string;
  /** Set for Go components: the toolchain that built the binary. */
  goVersion?: string;
}

export interface Component extends DetectedComponent {
  purl: string;
  /** Candidate CPE 2.3 strings for NVD matching. */
  cpes: string[];
  /** Main path (= paths[0]). */
  path: string;
  layerIndex: number;
  layerDigest: string;
  layerDiffId: string;
  createdBy: string | null;
  /** Set when a later layer deleted it; such components are not part of the final image. */
  removedInLayer?: number;
  removedBy?: string | null;
  /** npm: declared by a package-lock.json but not installed where the lockfile says. */
  lockfileOnly?: true;
  /** npm lockfile-only: where it would be installed. */
  declaredAt?: string;
  /** npm: listed in the dependencies of the project's package.json. */
  direct?: boolean;
  /** Package files (from the package database) absent from the final image. */
  missingFiles?: string[];
}

export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export interface FileEntry {
  path: string;
  type: FileType;
  size: number;
  mode: number;
  /** Hex SHA-256 of a regular file's content. */
  sha256?: string;
  /** Symlink target as written (never followed) or normalised hard link target. */
  linkTarget?: string;
  elf?: true;
}

export interface FlaggedEntry {
  /** Name as written in the tar header. */
  name: string;
  normalised: string;
  reason: 'absolute-path' | 'path-traversal' | 'link-traversal' | 'sparse-entry' | 'unsupported-entry-type';
  linkTarget?: string;
  normalisedTarget?: string;
  /** For sparse entries: the real size the header declares (never expanded). */
  declaredSize?: number;
}

export interface LayerWarning {
  code: 'METADATA_TOO_LARGE' | 'ARCHIVE_TOO_LARGE' | 'DETECTOR_FAILED' | 'DUPLICATE_ENTRY';
  path: string;
  message: string;
}

/** What one file contributed to the package inventory; the merge decides whether it is visible. */
export type LayerSource =
  | { kind: 'dpkg-status'; path: string; components: DetectedComponent[] }
  | { kind: 'dpkg-list'; path: string; package: string; files: string[] }
  | { kind: 'dpkg-copyright'; path: string; package: string; licenses: string[] }
  | { kind: 'apk-installed'; path: string; components: DetectedComponent[]; owned: Record<string, string[]> }
  | { kind: 'rpm-db'; path: string; components: DetectedComponent[]; owned: Record<string, string[]> }
  | { kind: 'os-release'; path: string; os: OsInfo }
  | { kind: 'npm-package'; path: string; component: DetectedComponent }
  | { kind: 'npm-project'; path: string; dependencies: string[] }
  | { kind: 'npm-lockfile'; path: string; entries: { name: string; version: string; declaredAt: string }[] }
  | { kind: 'python'; path: string; component: DetectedComponent }
  | { kind: 'java'; path: string; components: DetectedComponent[] }
  | { kind: 'go'; path: string; components: DetectedComponent[] }
  | { kind: 'binary'; path: string; components: DetectedComponent[] };

/**
 * The analysis of one layer: a pure function of the uncompressed layer content and
 * ANALYZER_VERSION, JSON-serialisable, so it can be cached by {diffId, analyzerVersion}.
 */
export interface LayerAnalysis {
  analyzerVersion: string;
  diffId: string;
  compression: 'gzip' | 'zstd' | 'none';
  uncompressedSize: number;
  entryCount: number;
  files: FileEntry[];
  /** Paths hidden by `.wh.<name>` entries (the path itself and everything below it). */
  whiteouts: string[];
  /** Directories whose lower-layer contents an opaque whiteout hides. */
  opaqueDirs: string[];
  flagged: FlaggedEntry[];
  sources: LayerSource[];
  warnings: LayerWarning[];
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

export interface LayerReport {
  index: number;
  digest: string;
  mediaType: string;
  size: number;
  diffId: string | null;
  historyIndex: number | null;
  createdBy: string | null;
  status: 'scanned' | 'not-scanned';
  reason?: string;
  urls?: string[];
  fileCount?: number;
}

export interface HistoryReport {
  historyIndex: number;
  createdBy: string | null;
  created: string | null;
  emptyLayer: boolean;
  layerIndex: number | null;
}

export interface ImageScanResult {
  scanner: { name: 'drydock-scanner'; analyzerVersion: string };
  image: {
    reference: string | null;
    digest: string | null;
    mediaType: string | null;
    configDigest: string;
    platform: Platform;
  };
  os: OsInfo | null;
  layers: LayerReport[];
  history: HistoryReport[];
  /** Present components (including npm lockfile-only ones), then removed ones (removedInLayer set). */
  components: Component[];
  /** ELF files owned by no package and without a known version signature (absolute paths). */
  unownedElfFiles: string[];
  flagged: (FlaggedEntry & { layerIndex: number })[];
  warnings: (LayerWarning & { layerIndex: number })[];
  fileCount: number;
  /** Filled by a vulnerability matcher, when one runs. */
  findings?: unknown[];
}

export interface ScanProgress {
  layerDigest: string;
  layerIndex: number;
  compressedBytesRead: number;
  uncompressedBytes: number;
  entries: number;
  layersDone: number;
  layersTotal: number;
}
