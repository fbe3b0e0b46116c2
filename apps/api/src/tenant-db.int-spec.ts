import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { APP_ROLE, TenantDb, createDataSource } from '@drydock/platform';
import { drydockSchema } from './schema.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

let db: TestDatabase;
let ds: DataSource;
let tenants: TenantDb;
const orgA = randomUUID();
const orgB = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase('drydock_tenantdb');
  // One pooled connection: every transaction below reuses it, so leaks between them would show.
  ds = createDataSource(db.url, drydockSchema, 1);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  for (const [id, slug] of [
    [orgA, 'tenant-a'],
    [orgB, 'tenant-b'],
  ])
    await ds.query(`INSERT INTO organizations (id, slug, display_name) VALUES ($1, $2, $2)`, [id, slug]);
  tenants = new TenantDb(ds);
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe('TenantDb.withTenant', () => {
  it('runs the work as the app role with the tenant set, inside one transaction', async () => {
    const seen = await tenants.withTenant(orgA, async (m) => {
      const [first] = await m.query(
        `SELECT current_user AS role, current_setting('app.tenant_id') AS tenant, pg_current_xact_id()::text AS xact`,
      );
      const [second] = await m.query(`SELECT pg_current_xact_id()::text AS xact`);
      return { ...first, sameTransaction: first.xact === second.xact };
    });
    expect(seen).toMatchObject({ role: APP_ROLE, tenant: orgA, sameTransaction: true });
  });

  it('leaves nothing behind on the pooled connection, after success or failure', async () => {
    await tenants.withTenant(orgA, (m) => m.query(`SELECT 1`));
    await expect(
      tenants.withTenant(orgB, async (m) => {
        await m.query(`SELECT 1`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await ds.query(
      `SELECT current_user AS role, current_setting('app.tenant_id', true) AS tenant`,
    );
    expect(after[0].role).not.toBe(APP_ROLE);
    expect(after[0].tenant ?? '').toBe('');
  });

  it('confines rows to the tenant (RLS), also inside a nested transaction (savepoint)', async () => {
    await tenants.withTenant(orgA, (m) =>
      m.transaction((inner) =>
        inner.query(`INSERT INTO repositories (organization_id, name) VALUES ($1, 'tenant-a/x')`, [orgA]),
      ),
    );
    await expect(
      tenants.withTenant(orgA, (m) =>
        m.query(`INSERT INTO repositories (organization_id, name) VALUES ($1, 'tenant-b/x')`, [orgB]),
      ),
    ).rejects.toThrow(/row-level security/);
    const fromB = await tenants.withTenant(orgB, (m) => m.query(`SELECT name FROM repositories`));
    const fromA = await tenants.withTenant(orgA, (m) => m.query(`SELECT name FROM repositories`));
    expect(fromB).toEqual([]);
    expect(fromA).toEqual([{ name: 'tenant-a/x' }]);
  });

  it('readTenant: one statement in the tenant context, values as escaped literals, nothing left behind', async () => {
    const tricky = `it's a \\ '); DROP TABLE repositories; --`;
    const [echo] = await tenants.readTenant<{ role: string; tenant: string; v: string; n: number; z: null }>(
      orgA,
      `SELECT current_user AS role, current_setting('app.tenant_id') AS tenant, $1::text AS v, $2::int AS n, $3::text AS z`,
      [tricky, 42, null],
    );
    expect(echo).toEqual({ role: APP_ROLE, tenant: orgA, v: tricky, n: 42, z: null });
    // RLS applies: tenant B sees none of A's rows, even when it asks for them by organization.
    expect(
      await tenants.readTenant(orgB, `SELECT name FROM repositories WHERE organization_id = $1`, [orgA]),
    ).toEqual([]);
    expect(
      await tenants.readTenant(orgA, `SELECT name FROM repositories WHERE organization_id = $1`, [orgA]),
    ).toEqual([{ name: 'tenant-a/x' }]);
    // A failing statement rolls back; the pooled connection is clean afterwards.
    await expect(tenants.readTenant(orgA, `SELECT 1 / $1::int`, [0])).rejects.toThrow(/division by zero/);
    const after = await ds.query(
      `SELECT current_user AS role, current_setting('app.tenant_id', true) AS tenant`,
    );
    expect(after[0].role).not.toBe(APP_ROLE);
    expect(after[0].tenant ?? '').toBe('');
    await expect(tenants.readTenant(orgA, `SELECT $2::text`, ['only one'])).rejects.toThrow(
      /no value for \$2/,
    );
  });

  it('writeTenant: one write committed in one round trip, RLS-checked, nothing half-done on failure', async () => {
    const name = `tenant-a/it's-quoted`;
    const ins = await tenants.writeTenant<{ name: string }>(
      orgA,
      `INSERT INTO repositories (organization_id, name) VALUES ($1, $2) RETURNING name`,
      [orgA, name],
    );
    expect(ins).toEqual({ rows: [{ name }], rowCount: 1 });
    // Committed: a separate connection-level read sees it.
    expect(await ds.query(`SELECT name FROM repositories WHERE name = $1`, [name])).toEqual([{ name }]);
    // RLS: another tenant's write is refused, and its update of A's rows changes nothing.
    await expect(
      tenants.writeTenant(
        orgA,
        `INSERT INTO repositories (organization_id, name) VALUES ($1, 'tenant-b/y')`,
        [orgB],
      ),
    ).rejects.toThrow(/row-level security/);
    expect(
      await tenants.writeTenant(orgB, `UPDATE repositories SET description = 'x' WHERE name = $1`, [name]),
    ).toEqual({ rows: [], rowCount: 0 });
    // A statement that fails half-way (its CTE's insert ran, then the main insert broke a unique
    // constraint) leaves nothing: the whole round trip is one transaction.
    await expect(
      tenants.writeTenant(
        orgA,
        `WITH first AS (INSERT INTO repositories (organization_id, name) VALUES ($1, 'tenant-a/new'))
         INSERT INTO repositories (organization_id, name) VALUES ($1, $2)`,
        [orgA, name],
      ),
    ).rejects.toThrow(/duplicate key/);
    expect(await ds.query(`SELECT name FROM repositories WHERE name = 'tenant-a/new'`)).toEqual([]);
    const after = await ds.query(
      `SELECT current_user AS role, current_setting('app.tenant_id', true) AS tenant`,
    );
    expect(after[0].role).not.toBe(APP_ROLE);
    expect(after[0].tenant ?? '').toBe('');
    await tenants.writeTenant(orgA, `DELETE FROM repositories WHERE name = $1`, [name]);
  });

  it('refuses an organization id that is not a UUID', async () => {
    await expect(tenants.withTenant(`${orgA}'; --`, (m) => m.query(`SELECT 1`))).rejects.toThrow(/UUID/);
    await expect(tenants.readTenant(`${orgA}'; --`, `SELECT 1`, [])).rejects.toThrow(/UUID/);
    await expect(tenants.writeTenant(`${orgA}'; --`, `SELECT 1`, [])).rejects.toThrow(/UUID/);
  });
});
