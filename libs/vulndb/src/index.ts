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
  type MatchOptions,
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
export { RollingWindowLimiter, sleep, type RateLimitOptions, type Sleep } from './sync/rate-limiter.js';
export {
  NvdClient,
  NvdApiError,
  syncNvd,
  nvdDateParam,
  parseNvdTime,
  INITIAL_CURSOR,
  NVD_DEFAULT_URL,
  NVD_MAX_RESULTS_PER_PAGE,
  NVD_MAX_RANGE_DAYS,
  type NvdClientOptions,
  type NvdPageQuery,
  type NvdSyncCursor,
  type NvdSyncTarget,
  type NvdSyncProgress,
  type NvdSyncResult,
  type NvdSyncOptions,
} from './sync/nvd-client.js';
export { MemoryNvdSyncTarget } from './sync/memory-target.js';
export { fetchOsvSource } from './sync/osv-fetch.js';
export {
  reevaluate,
  severityCounts,
  findingKey,
  MemoryImageStore,
  type IndexedImage,
  type IndexedImageStore,
  type SeverityCounts,
  type FindingsDiff,
  type ReevaluationResult,
} from './match/reevaluate.js';
export { PgVulnStore, type PendingChange } from './store/pg-store.js';
export { Vulndb1764633600400 } from './db/migrations/1764633600400-Vulndb.js';
export {
  vulndbEntities,
  VulnerabilityEntity,
  AffectedPackageEntity,
  VulndbChangeEntity,
  VulndbSyncRunEntity,
  VulndbSyncCursorEntity,
  VulndbSettingsEntity,
} from './db/entities.js';
export { vulndbSchema, vulndbMigrations } from './db/schema.js';
export { VulndbModule } from './nest/vulndb.module.js';
export {
  VulndbService,
  VULNDB_IMAGE_STORE,
  VULNDB_EVENTS,
  VULNDB_NVD_CLIENT_OPTIONS,
  type VulndbEvents,
} from './nest/vulndb.service.js';
export { VulndbJob } from './nest/settings.js';
export { sealSecret, openSecret } from './nest/secret-box.js';
