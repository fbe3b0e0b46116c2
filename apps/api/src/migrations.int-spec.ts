import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDataSource } from '@drydock/platform';
import { drydockSchema } from './schema.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('drydock_migr');
});
afterAll(async () => {
  await db?.drop();
});

describe('migrations', () => {
  it('run up from empty and all the way down again', async () => {
    const ds = createDataSource(db.url, drydockSchema, 2);
    await ds.initialize();
    const ran = await ds.runMigrations({ transaction: 'each' });
    expect(ran.length).toBe(drydockSchema.migrations.length);
    const tables = async () =>
      (
        await ds.query(
          `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
        )
      ).map((r: { tablename: string }) => r.tablename);
    expect(await tables()).toEqual(
      expect.arrayContaining([
        'organizations',
        'users',
        'memberships',
        'teams',
        'api_tokens',
        'audit_events',
        'repository_grants',
      ]),
    );
    const rls = await ds.query(`SELECT relname FROM pg_class WHERE relrowsecurity AND relname = 'teams'`);
    expect(rls).toHaveLength(1);
    for (let i = 0; i < ran.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual([]);
    // And up again: down really undid everything.
    expect((await ds.runMigrations()).length).toBe(ran.length);
    await ds.destroy();
  });
});
