import type { SchemaParts } from '@drydock/platform';
import { vulndbEntities } from './entities.js';
import { Vulndb1764633600400 } from './migrations/1764633600400-Vulndb.js';

export const vulndbMigrations = [Vulndb1764633600400];

/** For mergeSchema(...) in apps/api/src/schema.ts. */
export const vulndbSchema: SchemaParts = { entities: vulndbEntities, migrations: vulndbMigrations };
