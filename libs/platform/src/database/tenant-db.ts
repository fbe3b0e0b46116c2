import { Injectable } from '@nestjs/common';
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
    return this.dataSource.transaction(async (m) => {
      // One round trip: set_config('role', …, true) is SET LOCAL ROLE.
      await m.query(`SELECT set_config('app.tenant_id', $1, true), set_config('role', '${APP_ROLE}', true)`, [
        organizationId,
      ]);
      return work(m);
    });
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
