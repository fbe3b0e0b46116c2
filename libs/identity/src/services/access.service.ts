import { Injectable } from '@nestjs/common';
import { TenantDb } from '@drydock/platform';
import { maxLevel, roleCan, Permission, type RepoLevel, type TokenScope } from '@drydock/contracts';
import { Membership } from '../entities/entities.js';
import type { Principal } from './principal.js';

/** Whether a grant target covers a repository: an exact name, or a namespace prefix ending in '/'. */
export function targetCovers(target: string, repository: string): boolean {
  return target.endsWith('/') ? repository.startsWith(target) : target === repository;
}

/** A token's registry scopes cap the level it can exercise. */
export function capByScopes(level: RepoLevel | null, scopes: TokenScope[] | undefined): RepoLevel | null {
  if (!level || !scopes || scopes.length === 0) return level;
  const pull =
    scopes.includes('registry:pull') || scopes.includes('api:read') || scopes.includes('api:write');
  const push = scopes.includes('registry:push') || scopes.includes('api:write');
  const del = scopes.includes('registry:delete') || scopes.includes('api:write');
  if (level === 'admin' && push && del) return 'admin';
  if ((level === 'admin' || level === 'write') && push) return 'write';
  return pull ? 'read' : null;
}

/**
 * Repository permission resolution: org owners/admins are admin everywhere in their org; otherwise the
 * highest level of the caller's team grants (users) or own grants (service accounts) covering the name.
 */
@Injectable()
export class AccessService {
  constructor(private readonly db: TenantDb) {}

  async repositoryLevel(p: Principal, organizationId: string, repository: string): Promise<RepoLevel | null> {
    return capByScopes(await this.rawLevel(p, organizationId, repository), p.scopes);
  }

  private async rawLevel(
    p: Principal,
    organizationId: string,
    repository: string,
  ): Promise<RepoLevel | null> {
    if (p.kind === 'service_account') {
      if (p.organizationId !== organizationId) return null;
      // Every registry token request of a CI job asks this: one round trip.
      const grants = await this.db.readTenant<{ target: string; level: RepoLevel }>(
        organizationId,
        `SELECT target, level FROM repository_grants WHERE organization_id = $1 AND service_account_id = $2`,
        [organizationId, p.serviceAccountId],
      );
      return grants
        .filter((g) => targetCovers(g.target, repository))
        .reduce<RepoLevel | null>((acc, g) => maxLevel(acc, g.level), null);
    }
    return this.db.withTenant(organizationId, async (m) => {
      const ms = await m.findOne(Membership, { where: { organizationId, userId: p.userId } });
      if (!ms) return null;
      if (roleCan(ms.role, Permission.RepositoriesAdminAll)) return 'admin';
      const rows: { target: string; level: RepoLevel }[] = await m.query(
        `SELECT g.target, g.level FROM repository_grants g JOIN team_members tm ON tm.team_id = g.team_id
          WHERE g.organization_id = $1 AND tm.user_id = $2`,
        [organizationId, p.userId],
      );
      return rows
        .filter((g) => targetCovers(g.target, repository))
        .reduce<RepoLevel | null>((acc, g) => maxLevel(acc, g.level), null);
    });
  }

  /** The grant targets visible to a caller in an org ('*' for org admins), for catalog and list filters. */
  async visibleTargets(
    p: Principal,
    organizationId: string,
  ): Promise<'*' | { target: string; level: RepoLevel }[]> {
    return this.db.withTenant(organizationId, async (m) => {
      if (p.kind === 'user') {
        const ms = await m.findOne(Membership, { where: { organizationId, userId: p.userId } });
        if (!ms) return [];
        if (roleCan(ms.role, Permission.RepositoriesAdminAll)) return '*';
        return m.query(
          `SELECT g.target, g.level FROM repository_grants g JOIN team_members tm ON tm.team_id = g.team_id
            WHERE g.organization_id = $1 AND tm.user_id = $2`,
          [organizationId, p.userId],
        );
      }
      if (p.organizationId !== organizationId) return [];
      return m.query(
        `SELECT target, level FROM repository_grants WHERE organization_id = $1 AND service_account_id = $2`,
        [organizationId, p.serviceAccountId],
      );
    });
  }
}
