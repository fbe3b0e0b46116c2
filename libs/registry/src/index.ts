import type { SchemaParts } from '@drydock/platform';
import { registryEntities } from './db/entities.js';
import { Registry1764633600200 } from './db/migrations/1764633600200-Registry.js';

export * from './oci/errors.js';
export * from './oci/names.js';
export * from './oci/media-types.js';
export * from './oci/manifest.js';
export * from './storage/blob-store.js';
export { FsBlobStore } from './storage/fs-blob-store.js';
export { sha256, sha256OfStream } from './storage/hashing.js';
export * from './token/scope.js';
export * from './token/challenge.js';
export * from './token/registry-token.service.js';
export * from './events.js';
export * from './db/entities.js';
export { RegistryStore } from './db/registry-store.js';
export { RegistryMaintenance, RegistryJob } from './jobs/maintenance.service.js';
export { RegistryModule } from './registry.module.js';
export { TAG_SCAN_SUMMARY, type TagScanSummaryProvider } from './rest/tag-scan-hook.js';

export const registryMigrations = [Registry1764633600200];
export { registryEntities };

export const registrySchema: SchemaParts = {
  entities: registryEntities,
  migrations: registryMigrations,
};
