/** Normalised vulnerability records, independent of where they were read from. */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'none' | 'unknown';

export const SEVERITY_ORDER: readonly Severity[] = ['unknown', 'none', 'low', 'medium', 'high', 'critical'];

export type CvssVersion = '4.0' | '3.1' | '3.0' | '2.0';

export interface CvssMetric {
  version: CvssVersion;
  /** Who scored it: "nvd@nist.gov" for NVD's own analysis, a CNA otherwise. */
  source: string;
  type: string;
  baseScore: number;
  baseSeverity: Severity;
  vector: string;
}

export interface CpeMatchCriterion {
  criteria: string;
  vulnerable: boolean;
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
  matchCriteriaId?: string;
}

export interface ConfigNode {
  operator: 'AND' | 'OR';
  negate: boolean;
  cpeMatch: CpeMatchCriterion[];
}

export interface Configuration {
  /** Between the nodes; NVD omits it for a single OR node. */
  operator: 'AND' | 'OR';
  negate: boolean;
  nodes: ConfigNode[];
}

export interface Reference {
  url: string;
  source?: string;
  tags?: string[];
  type?: string;
}

export interface NvdCve {
  id: string;
  sourceIdentifier?: string;
  published: string;
  lastModified: string;
  vulnStatus: string;
  /** English description. */
  description: string | null;
  cvss: CvssMetric[];
  cwes: string[];
  references: Reference[];
  configurations: Configuration[];
}

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  /** ECOSYSTEM, SEMVER or GIT (others may appear in newer schema versions). */
  type: string;
  repo?: string;
  events: OsvEvent[];
}

export interface OsvSeverity {
  type: string;
  score: string;
}

export interface OsvAffected {
  ecosystem: string;
  name: string;
  purl?: string;
  ranges: OsvRange[];
  versions: string[];
  severity: OsvSeverity[];
  ecosystemSpecific?: Record<string, unknown>;
  databaseSpecific?: Record<string, unknown>;
}

export interface OsvRecord {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases: string[];
  upstream: string[];
  related: string[];
  summary?: string;
  details?: string;
  severity: OsvSeverity[];
  affected: OsvAffected[];
  references: Reference[];
  databaseSpecific?: Record<string, unknown>;
}

export type VulnRecord =
  | { source: 'nvd'; id: string; modified: string; nvd: NvdCve }
  | { source: 'osv'; id: string; modified: string; osv: OsvRecord };

/** Component types the matcher understands; anything else is matched by CPE only. */
export type ComponentType =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'pypi'
  | 'go'
  | 'maven'
  | 'cargo'
  | 'gem'
  | 'nuget'
  | 'composer'
  | 'binary'
  | (string & {});

/** What the matcher needs of an installed component (the scanner's components map onto this). */
export interface MatchComponent {
  type: ComponentType;
  name: string;
  /** null or '' when the scanner could not tell. */
  version: string | null;
  /** Distro source package (dpkg `Source:`, apk origin, rpm source rpm name). */
  sourceName?: string;
  sourceVersion?: string;
  purl?: string;
  /** CPE 2.3 candidates for binaries and components without an ecosystem feed. */
  cpes?: string[];
  paths?: string[];
  layerIndex?: number | null;
  /** Deleted by a later layer: not in the final image. */
  removed?: boolean;
  /** Declared in a lockfile but not installed. */
  lockfileOnly?: boolean;
}

export interface ImageContext {
  /** From /etc/os-release: ID and VERSION_ID. */
  os?: { id: string; versionId?: string | null } | null;
}

export interface FindingMatch {
  source: 'osv' | 'nvd';
  recordId: string;
  /** OSV: the affected package and range that held the version. */
  package?: string;
  range?: string;
  /** NVD: the CPE criterion and its bounds. */
  criteria?: string;
}

export interface Finding {
  id: string;
  aliases: string[];
  severity: Severity;
  score: number | null;
  vector: string | null;
  summary: string | null;
  /** null = no fix yet (or not known). */
  fixedVersion: string | null;
  link: string;
  component: { type: string; name: string; version: string | null; purl: string | null };
  paths: string[];
  layerIndex: number | null;
  /** Why it matched: the deciding record and its range or CPE criterion. */
  matchedBy: FindingMatch;
  /** Every record and range that matched (e.g. a DEBIAN-CVE record and a DSA). */
  matches: FindingMatch[];
  versionUnknown?: boolean;
}
