import type { SchemaParts } from '@drydock/platform';
import { Scanning1764633600700 } from './db/migrations/1764633600700-Scanning.js';

export { ScanningModule } from './scanning.module.js';
export { ScanningController } from './scanning.controller.js';
export { ScanResultsService } from './results.service.js';
export { ScanWorker } from './scan.worker.js';
export { ScanQueue, SCAN_ATTEMPTS } from './scan-queue.service.js';
export { ScanStore } from './db/scan-store.js';
export { ScanImageStore } from './image-store.js';
export { PgLayerAnalysisCache } from './db/layer-cache.js';
export { SCANNING_ENTITLEMENTS, ADDON_REQUIRED_MESSAGE, type AddonEntitlements } from './entitlements.js';
export { ScanJob, ScanJobPayload, scanJobId, countFindings, toMatchComponent } from './model.js';

export const scanningMigrations = [Scanning1764633600700];

/** Tables of the add-on (raw SQL through TenantDb; no entities). */
export const scanningSchema: SchemaParts = { entities: [], migrations: scanningMigrations };
