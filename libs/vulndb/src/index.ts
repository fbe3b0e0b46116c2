// Public API of @drydock/vulndb: pure algorithms (no framework, no database) first.
export * from './versions/index.js';
export type * from './model/types.js';
export { SEVERITY_ORDER } from './model/types.js';
export {
  parseNvdCve,
  parseNvdPage,
  preferredCvss,
  isRejected,
  toSeverity,
  type NvdPage,
} from './sources/nvd.js';
export { parseOsvRecord, looksLikeOsv } from './sources/osv.js';
export {
  NvdPageScanner,
  readNvdPageStream,
  readNvdPageFile,
  type NvdEnvelope,
} from './sources/nvd-stream.js';
export { loadVulnDataPath, loadVulnDataFile, loadOsvZip, type VulnDataSink } from './sources/loader.js';
export {
  parseCpe,
  formatCpe,
  makeCpe,
  cpeKey,
  matchCpeCriterion,
  type Cpe,
  type CpeMatchResult,
} from './match/cpe.js';
export {
  packageKey,
  normalizeEcosystem,
  normalizePackageName,
  componentEcosystem,
  componentKeys,
  componentCpes,
  recordKeys,
  osCpes,
} from './match/keys.js';
export { rangeHolds, affectedHolds } from './match/osv-range.js';
export { cvss3BaseScore, severityOfScore } from './match/cvss.js';
export {
  matchImage,
  matchComponent,
  buildFinding,
  osvGroupIds,
  advisoryLink,
  type CandidateProvider,
} from './match/matcher.js';
export {
  MemoryVulnIndex,
  emptyChangeSet,
  nvdRecord,
  osvRecord,
  timestampMs,
  type ChangeSet,
} from './store/memory.js';
export { loadVulnDataDirectory, loadIntoIndex, type LoadOptions } from './store/load.js';
