import { Injectable } from '@nestjs/common';
import type { PoolClient, QueryResult } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_ROLE } from './rls.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The only door to tenant-owned rows: the tenant is an explicit argument (style habit 3). Each call is
 * one transaction that sets `app.tenant_id` with set_config(..., true) — transaction-local, so a pooled
 * connection never carries it into the next request (typeorm issue 5857) — and switches to the
 * unprivileged role so PostgreSQL row-level security enforces the same boundary.
 */
@Injectable()
export class TenantDb {
  constructor(private readonly dataSource: DataSource) {}

  async withTenant<T>(organizationId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    if (!UUID.test(organizationId)) throw new Error('withTenant: organizationId must be a UUID');
    // One round trip for BEGIN and the tenant context: TypeORM sends START TRANSACTION as a simple
    // query (no parameters), which may carry several statements, so the settings ride along.
    // set_config('role', …, true) is SET LOCAL ROLE. The id is inlined: it matched UUID above.
    const begin = `START TRANSACTION; SELECT set_config('app.tenant_id', '${organizationId}', true), set_config('role', '${APP_ROLE}', true)`;
    const runner = this.dataSource.createQueryRunner();
    const query = runner.query.bind(runner) as (sql: string, ...rest: unknown[]) => Promise<unknown>;
    let scoped = false;
    runner.query = ((sql: string, ...rest: unknown[]) => {
      if (!scoped && sql === 'START TRANSACTION' && rest[0] === undefined) {
        scoped = true;
        return query(begin, ...rest);
      }
      return query(sql, ...rest);
    }) as typeof runner.query;
    try {
      return await runner.manager.transaction((m) => {
        // Never run tenant work without its tenant context, should TypeORM ever begin differently.
        if (!scoped) throw new Error('withTenant: the tenant context was not set');
        return work(m);
      });
    } finally {
      await runner.release();
    }
  }

  /**
   * One read-only statement in the tenant's context in a single round trip: BEGIN, the tenant
   * settings, the statement and COMMIT travel as one simple-protocol query (the extended protocol,
   * which carries parameters separately, allows one statement per message and node-postgres does
   * not pipeline). So `$n` placeholders are replaced by literals escaped by node-postgres
   * (escapeLiteral; strings, finite numbers, null only). For the registry's hot lookups, whose
   * values are already validated digests, ids and names; anything else uses withTenant.
   */
  async readTenant<T>(
    organizationId: string,
    sql: string,
    params: readonly (string | number | null)[],
  ): Promise<T[]> {
    return (await this.oneRoundTrip<T>('readTenant', organizationId, sql, params)).rows;
  }

  /**
   * readTenant's twin for one write statement (INSERT, UPDATE or DELETE, RETURNING allowed; data-
   * modifying CTEs make one statement of several changes), committed in the same single round trip.
   * It is its own transaction: it fails whole, and RLS checks it like any tenant write. `rowCount`
   * is the number of rows the statement changed.
   */
  writeTenant<T = never>(
    organizationId: string,
    sql: string,
    params: readonly (string | number | null)[],
  ): Promise<{ rows: T[]; rowCount: number }> {
    return this.oneRoundTrip<T>('writeTenant', organizationId, sql, params);
  }

  private async oneRoundTrip<T>(
    caller: string,
    organizationId: string,
    sql: string,
    params: readonly (string | number | null)[],
  ): Promise<{ rows: T[]; rowCount: number }> {
    if (!UUID.test(organizationId)) throw new Error(`${caller}: organizationId must be a UUID`);
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      const literal = (i: number): string => {
        if (i < 1 || i > params.length) throw new Error(`${caller}: no value for $${i}`);
        const v = params[i - 1];
        if (v === null) return 'NULL';
        if (typeof v === 'number') {
          if (!Number.isFinite(v)) throw new Error(`${caller}: numbers must be finite`);
          return String(v);
        }
        return client.escapeLiteral(v);
      };
      const statement = sql.replace(/\$(\d+)/g, (_, n: string) => literal(Number(n)));
      const text = `BEGIN; SELECT set_config('app.tenant_id', '${organizationId}', true), set_config('role', '${APP_ROLE}', true); ${statement}; COMMIT`;
      try {
        const results = (await client.query(text)) as unknown as QueryResult[];
        return { rows: results[2].rows as T[], rowCount: results[2].rowCount ?? 0 };
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * Cross-tenant work that has no tenant yet or spans tenants by design (sign-up, sign-in, token
   * lookup, platform administration, queue workers). Callers name why in a comment.
   */
  async withSystem<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  get source(): DataSource {
    return this.dataSource;
  }
}
