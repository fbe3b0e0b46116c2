import { Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import { AppError, TenantDb } from '@drydock/platform';
import type {
  GrantRequest,
  GrantResponse,
  Page,
  RepoLevel,
  ServiceAccountResponse,
  TokenCreatedResponse,
  TokenResponse,
  TokenScope,
} from '@drydock/contracts';
import { ApiToken, RepositoryGrant, ServiceAccount } from '../entities/entities.js';
import { AuditService } from './audit.service.js';
import type { OrgContext, Principal } from './principal.js';
import { assertTargetInOrg, upsertGrant } from './teams.service.js';
import { insertToken, tokenView } from './tokens.service.js';

@Injectable()
export class ServiceAccountsService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  private async get(m: EntityManager, orgId: string, id: string): Promise<ServiceAccount> {
    const sa = /^[0-9a-f-]{36}$/i.test(id)
      ? await m.findOne(ServiceAccount, { where: { organizationId: orgId, id } })
      : null;
    if (!sa) throw AppError.notFound('Service account');
    return sa;
  }

  private async view(m: EntityManager, sa: ServiceAccount): Promise<ServiceAccountResponse> {
    const grants = await m.find(RepositoryGrant, {
      where: { organizationId: sa.organizationId, serviceAccountId: sa.id },
      order: { target: 'ASC' },
    });
    return {
      id: sa.id,
      name: sa.name,
      description: sa.description,
      grants: grants.map((g) => ({ target: g.target, level: g.level })),
      createdAt: sa.createdAt.toISOString(),
    };
  }

  async create(
    org: OrgContext,
    actor: Principal,
    name: string,
    description: string | undefined,
    grants: GrantRequest[] = [],
    requestId?: string,
  ): Promise<ServiceAccountResponse> {
    for (const g of grants) assertTargetInOrg(org.slug, g.target);
    return this.db
      .withTenant(org.id, async (m) => {
        const sa = await m.save(
          m.create(ServiceAccount, { organizationId: org.id, name, description: description ?? null }),
        );
        for (const g of grants)
          await upsertGrant(m, {
            organizationId: org.id,
            teamId: null,
            serviceAccountId: sa.id,
            target: g.target,
            level: g.level,
          });
        await this.audit.record(
          {
            organizationId: org.id,
            actor,
            action: 'service_account.created',
            target: name,
            details: { grants },
            requestId,
          },
          m,
        );
        return this.view(m, sa);
      })
      .catch((err: unknown) => {
        if ((err as { code?: string }).code === '23505') {
          throw new AppError('already_exists', `A service account named "${name}" exists`, {
            errors: [{ field: 'name', message: 'is taken' }],
          });
        }
        throw err;
      });
  }

  async list(org: OrgContext, limit: number, offset: number): Promise<Page<ServiceAccountResponse>> {
    return this.db.withTenant(org.id, async (m) => {
      const [rows, total] = await m.findAndCount(ServiceAccount, {
        where: { organizationId: org.id },
        order: { name: 'ASC' },
        take: limit,
        skip: offset,
      });
      const items: ServiceAccountResponse[] = [];
      for (const sa of rows) items.push(await this.view(m, sa));
      return { items, total, limit, offset };
    });
  }

  async find(org: OrgContext, id: string): Promise<ServiceAccountResponse> {
    return this.db.withTenant(org.id, async (m) => this.view(m, await this.get(m, org.id, id)));
  }

  async remove(org: OrgContext, actor: Principal, id: string, requestId?: string): Promise<void> {
    await this.db.withTenant(org.id, async (m) => {
      const sa = await this.get(m, org.id, id);
      await m.delete(ServiceAccount, { id: sa.id, organizationId: org.id });
      await this.audit.record(
        { organizationId: org.id, actor, action: 'service_account.deleted', target: sa.name, requestId },
        m,
      );
    });
  }

  async listGrants(org: OrgContext, id: string): Promise<GrantResponse[]> {
    return this.db.withTenant(
      org.id,
      async (m) => (await this.view(m, await this.get(m, org.id, id))).grants ?? [],
    );
  }

  async putGrant(
    org: OrgContext,
    actor: Principal,
    id: string,
    target: string,
    level: RepoLevel,
    requestId?: string,
  ): Promise<GrantResponse> {
    assertTargetInOrg(org.slug, target);
    return this.db.withTenant(org.id, async (m) => {
      const sa = await this.get(m, org.id, id);
      await upsertGrant(m, { organizationId: org.id, teamId: null, serviceAccountId: sa.id, target, level });
      await this.audit.record(
        {
          organizationId: org.id,
          actor,
          action: 'grant.set',
          target,
          details: { serviceAccount: sa.name, level },
          requestId,
        },
        m,
      );
      return { target, level };
    });
  }

  async deleteGrant(
    org: OrgContext,
    actor: Principal,
    id: string,
    target: string,
    requestId?: string,
  ): Promise<void> {
    await this.db.withTenant(org.id, async (m) => {
      const sa = await this.get(m, org.id, id);
      const res = await m.delete(RepositoryGrant, {
        organizationId: org.id,
        serviceAccountId: sa.id,
        target,
      });
      if (!res.affected) throw AppError.notFound('Grant');
      await this.audit.record(
        {
          organizationId: org.id,
          actor,
          action: 'grant.deleted',
          target,
          details: { serviceAccount: sa.name },
          requestId,
        },
        m,
      );
    });
  }

  async createToken(
    org: OrgContext,
    actor: Principal,
    id: string,
    name: string,
    scopes?: TokenScope[],
    expiresAt?: string,
    requestId?: string,
  ): Promise<TokenCreatedResponse> {
    return this.db.withTenant(org.id, async (m) => {
      const sa = await this.get(m, org.id, id);
      const created = await insertToken(
        m,
        { serviceAccountId: sa.id, organizationId: org.id },
        name,
        scopes,
        expiresAt,
      );
      await this.audit.record(
        {
          organizationId: org.id,
          actor,
          action: 'token.created',
          target: created.id,
          details: { name, serviceAccount: sa.name },
          requestId,
        },
        m,
      );
      return created;
    });
  }

  async listTokens(org: OrgContext, id: string): Promise<TokenResponse[]> {
    return this.db.withTenant(org.id, async (m) => {
      const sa = await this.get(m, org.id, id);
      const rows = await m.find(ApiToken, {
        where: { organizationId: org.id, serviceAccountId: sa.id, revokedAt: IsNull() },
        order: { createdAt: 'DESC' },
      });
      return rows.map(tokenView);
    });
  }

  async revokeToken(
    org: OrgContext,
    actor: Principal,
    id: string,
    tokenId: string,
    requestId?: string,
  ): Promise<void> {
    await this.db.withTenant(org.id, async (m) => {
      const sa = await this.get(m, org.id, id);
      const t = /^[0-9a-f-]{36}$/i.test(tokenId)
        ? await m.findOne(ApiToken, {
            where: { id: tokenId, organizationId: org.id, serviceAccountId: sa.id, revokedAt: IsNull() },
          })
        : null;
      if (!t) throw AppError.notFound('Token');
      await m.update(ApiToken, { id: t.id }, { revokedAt: new Date() });
      await this.audit.record(
        {
          organizationId: org.id,
          actor,
          action: 'token.revoked',
          target: t.id,
          details: { name: t.name, serviceAccount: sa.name },
          requestId,
        },
        m,
      );
    });
  }
}
