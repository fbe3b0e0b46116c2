import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { AppConfig, AppError, TenantDb } from '@drydock/platform';
import type {
  AcceptInvitationResponse,
  InvitationResponse,
  MemberResponse,
  OrgRole,
  Page,
} from '@drydock/contracts';
import { Invitation, Membership, Organization, TeamMember, User } from '../entities/entities.js';
import { AuditService } from './audit.service.js';
import type { OrgContext, Principal } from './principal.js';
import { generateSecret, hashPassword, sha256Hex } from './secrets.js';
import { Mailer } from './mailer.js';

const INVITATION_DAYS = 7;

@Injectable()
export class MembersService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly config: AppConfig,
  ) {}

  async list(org: OrgContext, limit: number, offset: number): Promise<Page<MemberResponse>> {
    return this.db.withTenant(org.id, async (m) => {
      const total = await m.count(Membership, { where: { organizationId: org.id } });
      // users is not tenant-owned; the join only reaches users that are members of this tenant.
      const rows: { user_id: string; email: string; role: OrgRole; created_at: Date }[] = await m.query(
        `SELECT ms.user_id, u.email, ms.role, ms.created_at FROM memberships ms JOIN users u ON u.id = ms.user_id
          WHERE ms.organization_id = $1 ORDER BY u.email LIMIT $2 OFFSET $3`,
        [org.id, limit, offset],
      );
      return {
        items: rows.map((r) => ({
          userId: r.user_id,
          email: r.email,
          role: r.role,
          joinedAt: new Date(r.created_at).toISOString(),
        })),
        total,
        limit,
        offset,
      };
    });
  }

  private async ownerCount(orgId: string, m: import('typeorm').EntityManager): Promise<number> {
    return m.count(Membership, { where: { organizationId: orgId, role: 'owner' } });
  }

  async updateRole(
    org: OrgContext,
    actor: Principal,
    userId: string,
    role: OrgRole,
    requestId?: string,
  ): Promise<MemberResponse> {
    // Only an owner may hand out or take away ownership.
    if ((role === 'owner' || (await this.currentRole(org.id, userId)) === 'owner') && org.role !== 'owner') {
      throw AppError.forbidden('Only an owner can grant or remove the owner role');
    }
    return this.db.withTenant(org.id, async (m) => {
      const ms = await m.findOne(Membership, {
        where: { organizationId: org.id, userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!ms) throw AppError.notFound('Member');
      if (ms.role === 'owner' && role !== 'owner' && (await this.ownerCount(org.id, m)) <= 1) {
        throw new AppError(
          'last_owner',
          'The last owner cannot be demoted; make someone else an owner first',
        );
      }
      const before = ms.role;
      await m.update(Membership, { organizationId: org.id, userId }, { role });
      await this.audit.record(
        {
          organizationId: org.id,
          actor,
          action: 'member.role_changed',
          target: userId,
          details: { from: before, to: role },
          requestId,
        },
        m,
      );
      const [u]: { email: string }[] = await m.query(`SELECT email FROM users WHERE id = $1`, [userId]);
      return { userId, email: u.email, role, joinedAt: ms.createdAt.toISOString() };
    });
  }

  private async currentRole(orgId: string, userId: string): Promise<OrgRole | null> {
    const ms = await this.db.withTenant(orgId, (m) =>
      m.findOne(Membership, { where: { organizationId: orgId, userId } }),
    );
    return ms?.role ?? null;
  }

  async remove(org: OrgContext, actor: Principal, userId: string, requestId?: string): Promise<void> {
    if ((await this.currentRole(org.id, userId)) === 'owner' && org.role !== 'owner') {
      throw AppError.forbidden('Only an owner can remove an owner');
    }
    await this.db.withTenant(org.id, async (m) => {
      const ms = await m.findOne(Membership, {
        where: { organizationId: org.id, userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!ms) throw AppError.notFound('Member');
      if (ms.role === 'owner' && (await this.ownerCount(org.id, m)) <= 1) {
        throw new AppError(
          'last_owner',
          'The last owner cannot be removed; make someone else an owner first',
        );
      }
      await m.delete(TeamMember, { organizationId: org.id, userId });
      await m.delete(Membership, { organizationId: org.id, userId });
      await this.audit.record(
        {
          organizationId: org.id,
          actor,
          action: 'member.removed',
          target: userId,
          details: { role: ms.role },
          requestId,
        },
        m,
      );
    });
  }

  async invite(
    org: OrgContext,
    actor: Principal,
    email: string,
    role: OrgRole,
    requestId?: string,
  ): Promise<InvitationResponse> {
    if (role === 'owner' && org.role !== 'owner') throw AppError.forbidden('Only an owner can invite owners');
    const secret = generateSecret('inv');
    const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86400_000);
    const inv = await this.db.withTenant(org.id, async (m) => {
      const existingMember: unknown[] = await m.query(
        `SELECT 1 FROM memberships ms JOIN users u ON u.id = ms.user_id WHERE ms.organization_id = $1 AND u.email = $2`,
        [org.id, email],
      );
      if (existingMember.length) {
        throw new AppError('already_exists', `${email} is already a member`, {
          errors: [{ field: 'email', message: 'is already a member' }],
        });
      }
      const row = await m.save(
        m.create(Invitation, {
          organizationId: org.id,
          email,
          role,
          tokenHash: secret.hash,
          invitedBy: actor.kind === 'user' ? actor.userId : null,
          expiresAt,
          acceptedAt: null,
        }),
      );
      await this.audit.record(
        {
          organizationId: org.id,
          actor,
          action: 'invitation.created',
          target: email,
          details: { role },
          requestId,
        },
        m,
      );
      return row;
    });
    await this.mailer.send(
      email,
      `You are invited to ${org.slug} on Drydock`,
      `Accept the invitation: ${this.config.publicUrl}/invitations/${secret.token}\nIt expires on ${expiresAt.toISOString()}.`,
    );
    return { id: inv.id, email, role, token: secret.token, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Accepts an invitation. A new user gives a password; an existing user is signed in (`actor`).
   * The invitation token is the only key, so the lookup is in system context.
   */
  async accept(
    token: string,
    actor: Principal | undefined,
    password: string | undefined,
  ): Promise<AcceptInvitationResponse> {
    const pwHash = password ? await hashPassword(password) : undefined;
    return this.db.withSystem(async (m) => {
      const inv = await m.findOne(Invitation, {
        where: { tokenHash: sha256Hex(token), acceptedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!inv || inv.expiresAt.getTime() < Date.now()) throw AppError.notFound('Invitation');
      const org = await m.findOneOrFail(Organization, { where: { id: inv.organizationId } });
      let userId: string;
      let created = false;
      if (actor) {
        if (actor.kind !== 'user') throw AppError.forbidden('A service account cannot accept invitations');
        userId = actor.userId;
      } else {
        const existing = await m.findOne(User, { where: { email: inv.email } });
        if (existing) {
          throw new AppError(
            'unauthorized',
            'An account with this email exists: sign in, then accept the invitation',
          );
        }
        if (!pwHash)
          throw AppError.validation([{ field: 'password', message: 'is required to create your account' }]);
        const u = await m.save(
          m.create(User, { email: inv.email, passwordHash: pwHash, platformAdmin: false }),
        );
        userId = u.id;
        created = true;
      }
      const already = await m.findOne(Membership, { where: { organizationId: org.id, userId } });
      if (!already) await m.insert(Membership, { organizationId: org.id, userId, role: inv.role });
      await m.update(Invitation, { id: inv.id }, { acceptedAt: new Date() });
      const principal: Principal = actor ?? { kind: 'user', userId, email: inv.email, platformAdmin: false };
      await this.audit.record(
        {
          organizationId: org.id,
          actor: principal,
          action: 'member.joined',
          target: userId,
          details: { role: inv.role, via: 'invitation' },
        },
        m,
      );
      return {
        organization: { id: org.id, slug: org.slug },
        userId,
        role: already?.role ?? inv.role,
        created,
      };
    });
  }
}
