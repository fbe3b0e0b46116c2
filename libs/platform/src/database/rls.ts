import type { QueryRunner } from 'typeorm';

/** The role tenant-scoped transactions switch to; RLS policies apply to it (owners bypass RLS). */
export const APP_ROLE = 'drydock_app';

/**
 * Row-level security for a tenant-owned table, applied in the same migration that creates the table
 * (after Logto's alterations). Rows are visible only when `organization_id` equals the transaction's
 * `app.tenant_id` setting. NULLIF: after a transaction that set it locally, the setting reads as ''.
 */
export async function enableTenantRls(
  q: QueryRunner,
  table: string,
  column = 'organization_id',
): Promise<void> {
  await q.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
  await q.query(
    `CREATE POLICY tenant_isolation ON "${table}" TO ${APP_ROLE}
       USING ("${column}" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
       WITH CHECK ("${column}" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`,
  );
}

export async function disableTenantRls(q: QueryRunner, table: string): Promise<void> {
  await q.query(`DROP POLICY IF EXISTS tenant_isolation ON "${table}"`);
  await q.query(`ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`);
}
