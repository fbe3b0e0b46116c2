import { AppRole1764633600000 } from './migrations/1764633600000-AppRole.js';
import type { SchemaParts } from './data-source.js';

export * from './data-source.js';
export * from './rls.js';
export * from './tenant-db.js';

export const platformSchema: SchemaParts = { entities: [], migrations: [AppRole1764633600000] };
