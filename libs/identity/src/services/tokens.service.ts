import { Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import { AppError, TenantDb } from '@drydock/platform';
import {
  TOKEN_SCOPES,
  type TokenCreatedResponse,
  type TokenResponse,
  type TokenScope,
} from '@drydock/contracts';
import { ApiToken, Membership } from '../entities/entities.js';
import { AuditService } from './audit.service.js';
import type { Principal } from './principal.js';
import { generateSecret } from './secrets.js';

export function tokenView(t: ApiToken): TokenResponse {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

export async function insertToken(
  m: EntityManager,
  owner: { userId: string } | { serviceAccountId: string; organizationId: string },
  name: string,
  scopes: TokenScope[] | undefined,
  expiresAt: string | undefined,
): Promise<TokenCreatedResponse> {
  const secret = generateSecret('userId' in owner ? 'pat' : 'sat');
  const row = await m.save(
    m.create(ApiToken, {
      userId: 'userId' in owner ? owner.userId : null,
      serviceAccountId: 'serviceAccountId' in owner ? owner.serviceAccountId : null,
      organizationId: 'organizationId' in owner ? owner.organizationId : null,
      name,
      prefix: secret.prefix,
      tokenHash: secret.hash,
      scopes: scopes ?? [...TOKEN_SCOPES],
      expiresAt: expiresAt ? new Date(expiresAt) : null,
      lastUsedAt: null,
      revokedAt: null,
    }),
  );
  return {
    id: row.id,
    name,
    token: secret.token,
    scopes: row.scopes,
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

/** Personal access tokens: owned by a user, not by a tenant. */
@Injectable()
export class PersonalTokensService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  private userOf(p: Principal): string {
    if (p.kind !== 'user') throw AppError.forbidden('Service accounts have no personal tokens');
    return p.userId;
  }

  private async userOrgs(m: EntityManager, userId: string): Promise<string[]> {
    return (await m.find(Membership, { where: { userId } })).map((ms) => ms.organizationId);
  }

  async create(
    p: Principal,
    name: string,
    scopes?: TokenScope[],
    expiresAt?: string,
    requestId?: string,
  ): Promise<TokenCreatedResponse> {
    const userId = this.userOf(p);
    // A user's own tokens, keyed by user id: system context.
    return this.db.withSystem(async (m) => {
      const created = await insertToken(m, { userId }, name, scopes, expiresAt);
      for (const orgId of await this.userOrgs(m, userId)) {
        await this.audit.record(
          {
            organizationId: orgId,
            actor: p,
            action: 'token.created',
            target: created.id,
            details: { name, kind: 'personal' },
            requestId,
          },
          m,
        );
      }
      return created;
    });
  }

  async list(p: Principal): Promise<TokenResponse[]> {
    const userId = this.userOf(p);
    const rows = await this.db.withSystem((m) =>
      m.find(ApiToken, { where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } }),
    );
    return rows.map(tokenView);
  }

  async revoke(p: Principal, id: string, requestId?: string): Promise<void> {
    const userId = this.userOf(p);
    await this.db.withSystem(async (m) => {
      const t = /^[0-9a-f-]{36}$/i.test(id)
        ? await m.findOne(ApiToken, { where: { id, userId, revokedAt: IsNull() } })
        : null;
      if (!t) throw AppError.notFound('Token');
      await m.update(ApiToken, { id }, { revokedAt: new Date() });
      for (const orgId of await this.userOrgs(m, userId)) {
        await this.audit.record(
          {
            organizationId: orgId,
            actor: p,
            action: 'token.revoked',
            target: id,
            details: { name: t.name, kind: 'personal' },
            requestId,
          },
          m,
        );
      }
    });
  }
}
