import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import type { MigrationInterface } from 'typeorm';

export type MigrationClass = new () => MigrationInterface;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityClass = Function | EntitySchema;

export interface SchemaParts {
  entities: EntityClass[];
  migrations: MigrationClass[];
}

/** Schema only by committed migrations; never `synchronize` (style habit 8). */
export function createDataSource(url: string, parts: SchemaParts, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: parts.entities as MixedList<EntityClass> as never,
    migrations: parts.migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: 'drydock' },
  });
}

/** Concatenates the schema parts of every lib, keeping migrations in timestamp order. */
export function mergeSchema(...parts: SchemaParts[]): SchemaParts {
  const ts = (m: MigrationClass) => Number(/(\d{13})$/.exec(m.name)?.[1] ?? 0);
  return {
    entities: parts.flatMap((p) => p.entities),
    migrations: parts.flatMap((p) => p.migrations).sort((a, b) => ts(a) - ts(b)),
  };
}
