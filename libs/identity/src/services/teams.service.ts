import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError, TenantDb } from '@drydock/platform';
import type { GrantResponse, Page, RepoLevel, TeamResponse } from '@drydock/contracts';
import { Membership, RepositoryGrant, Team, TeamMember } from '../entities/entities.js';
import { AuditService } from './audit.service.js';
import type { OrgContext, Principal } from './principal.js';

/** A grant's target must lie inside the organization's own namespace. */
export function assertTargetInOrg(orgSlug: string, target: string): void {
  if (!(target === orgSlug || target.startsWith(`${orgSlug}/`)) || target === `${orgSlug}`) {
    throw AppError.validation([{ field: 'target', message: `must start with "${orgSlug}/"` }]);
  }
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

@Injectable()
export class TeamsService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  private async get(m: EntityManager, orgId: string, teamId: string): Promise<Team> {
    const team = /^[0-9a-f-]{36}$/i.test(teamId)
      ? await m.findOne(Team, { where: { organizationId: orgId, id: teamId } })
      : null;
    if (!team) throw AppError.notFound('Team');
    return team;
  }

  private async view(m: EntityManager, team: Team): Promise<TeamResponse> {
    const members: { user_id: string; email: string }[] = await m.query(
      `SELECT tm.user_id, u.email FROM team_members tm JOIN users u ON u.id = tm.user_id
        WHERE tm.organization_id = $1 AND tm.team_id = $2 ORDER BY u.email`,
      [team.organizationId, team.id],
    );
    return {
      id: team.id,
      name: team.name,
      members: members.map((r) => ({ userId: r.user_id, email: r.email })),
      createdAt: team.createdAt.toISOString(),
    };
  }

  async create(org: OrgContext, actor: Principal, name: string, requestId?: string): Promise<TeamResponse> {
    return this.db
      .withTenant(org.id, async (m) => {
        const team = await m.save(m.create(Team, { organizationId: org.id, name }));
        await this.audit.record(
          { organizationId: org.id, actor, action: 'team.created', target: name, requestId },
          m,
        );
        return { id: team.id, name: team.name, members: [], createdAt: team.createdAt.toISOString() };
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err))
          throw new AppError('already_exists', `A team named "${name}" exists`, {
            errors: [{ field: 'name', message: 'is taken' }],
          });
        throw err;
      });
  }

  async list(org: OrgContext, limit: number, offset: number): Promise<Page<TeamResponse>> {
    return this.db.withTenant(org.id, async (m) => {
      const [teams, total] = await m.findAndCount(Team, {
        where: { organizationId: org.id },
        order: { name: 'ASC' },
        take: limit,
        skip: offset,
      });
      const items: TeamResponse[] = [];
      for (const t of teams) items.push(await this.view(m, t));
      return { items, total, limit, offset };
    });
  }

  async find(org: OrgContext, teamId: string): Promise<TeamResponse> {
    return this.db.withTenant(org.id, async (m) => this.view(m, await this.get(m, org.id, teamId)));
  }

  async rename(
    org: OrgContext,
    actor: Principal,
    teamId: string,
    name: string,
    requestId?: string,
  ): Promise<TeamResponse> {
    return this.db
      .withTenant(org.id, async (m) => {
        const team = await this.get(m, org.id, teamId);
        await m.update(Team, { id: team.id, organizationId: org.id }, { name });
        await this.audit.record(
          {
            organizationId: org.id,
            actor,
            action: 'team.renamed',
            target: team.id,
            details: { from: team.name, to: name },
            requestId,
          },
          m,
        );
        return this.view(m, { ...team, name });
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err))
          throw new AppError('already_exists', `A team named "${name}" exists`, {
            errors: [{ field: 'name', message: 'is taken' }],
          });
        throw err;
      });
  }

  async remove(org: OrgContext, actor: Principal, teamId: string, requestId?: string): Promise<void> {
    await this.db.withTenant(org.id, async (m) => {
      const team = await this.get(m, org.id, teamId);
      await m.delete(Team, { id: team.id, organizationId: org.id });
      await this.audit.record(
        { organizationId: org.id, actor, action: 'team.deleted', target: team.name, requestId },
        m,
      );
    });
  }

  async addMember(
    org: OrgContext,
    actor: Principal,
    teamId: string,
    userId: string,
    requestId?: string,
  ): Promise<TeamResponse> {
    return this.db.withTenant(org.id, async (m) => {
      const team = await this.get(m, org.id, teamId);
      const isMember =
        /^[0-9a-f-]{36}$/i.test(userId) &&
        (await m.exists(Membership, { where: { organizationId: org.id, userId } }));
      if (!isMember) throw AppError.notFound('Member');
      await m
        .createQueryBuilder()
        .insert()
        .into(TeamMember)
        .values({ teamId: team.id, userId, organizationId: org.id })
        .orIgnore()
        .execute();
      await this.audit.record(
        {
          organizationId: org.id,
          actor,
          action: 'team.member_added',
          target: team.name,
          details: { userId },
          requestId,
        },
        m,
      );
      return this.view(m, team);
    });
  }

  async removeMember(
    org: OrgContext,
    actor: Principal,
    teamId: string,
    userId: string,
    requestId?: string,
  ): Promise<void> {
    await this.db.withTenant(org.id, async (m) => {
      const team = await this.get(m, org.id, teamId);
      const res = /^[0-9a-f-]{36}$/i.test(userId)
        ? await m.delete(TeamMember, { teamId: team.id, userId, organizationId: org.id })
        : { affected: 0 };
      if (!res.affected) throw AppError.notFound('Team member');
      await this.audit.record(
        {
          organizationId: org.id,
          actor,
          action: 'team.member_removed',
          target: team.name,
          details: { userId },
          requestId,
        },
        m,
      );
    });
  }

  async listGrants(org: OrgContext, teamId: string): Promise<GrantResponse[]> {
    return this.db.withTenant(org.id, async (m) => {
      const team = await this.get(m, org.id, teamId);
      const rows = await m.find(RepositoryGrant, {
        where: { organizationId: org.id, teamId: team.id },
        order: { target: 'ASC' },
      });
      return rows.map((g) => ({ target: g.target, level: g.level }));
    });
  }

  async putGrant(
    org: OrgContext,
    actor: Principal,
    teamId: string,
    target: string,
    level: RepoLevel,
    requestId?: string,
  ): Promise<GrantResponse> {
    assertTargetInOrg(org.slug, target);
    return this.db.withTenant(org.id, async (m) => {
      const team = await this.get(m, org.id, teamId);
      await upsertGrant(m, {
        organizationId: org.id,
        teamId: team.id,
        serviceAccountId: null,
        target,
        level,
      });
      await this.audit.record(
        {
          organizationId: org.id,
          actor,
          action: 'grant.set',
          target,
          details: { team: team.name, level },
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
    teamId: string,
    target: string,
    requestId?: string,
  ): Promise<void> {
    await this.db.withTenant(org.id, async (m) => {
      const team = await this.get(m, org.id, teamId);
      const res = await m.delete(RepositoryGrant, { organizationId: org.id, teamId: team.id, target });
      if (!res.affected) throw AppError.notFound('Grant');
      await this.audit.record(
        {
          organizationId: org.id,
          actor,
          action: 'grant.deleted',
          target,
          details: { team: team.name },
          requestId,
        },
        m,
      );
    });
  }
}

export async function upsertGrant(
  m: EntityManager,
  g: {
    organizationId: string;
    teamId: string | null;
    serviceAccountId: string | null;
    target: string;
    level: RepoLevel;
  },
): Promise<void> {
  const where = g.teamId
    ? { organizationId: g.organizationId, teamId: g.teamId, target: g.target }
    : { organizationId: g.organizationId, serviceAccountId: g.serviceAccountId!, target: g.target };
  const existing = await m.findOne(RepositoryGrant, { where });
  if (existing) await m.update(RepositoryGrant, { id: existing.id }, { level: g.level });
  else await m.insert(RepositoryGrant, g);
}
