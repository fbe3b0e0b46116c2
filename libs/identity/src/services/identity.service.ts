import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Redis } from 'ioredis';
import { IsNull, type EntityManager } from 'typeorm';
import { AppConfig, AppError, LOGGER, REDIS, TenantDb, type Logger } from '@drydock/platform';
import type { MeResponse, SignupRequest, SignupResponse, TokenScope } from '@drydock/contracts';
import {
  ApiToken,
  Membership,
  Organization,
  RefreshSession,
  ServiceAccount,
  User,
} from '../entities/entities.js';
import { AuditService } from './audit.service.js';
import type { Principal } from './principal.js';
import {
  burnPasswordCheck,
  generateSecret,
  hashPassword,
  sha256Hex,
  TOKEN_PREFIX,
  verifyPassword,
} from './secrets.js';

export interface AccessTokenPayload {
  sub: string;
  typ: 'access';
}

export const JWT_ISSUER = 'drydock';
export const JWT_AUDIENCE = 'drydock-api';

function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; detail?: string };
  return e.code === '23505' && (!constraint || (e.constraint ?? e.detail ?? '').includes(constraint));
}

@Injectable()
export class IdentityService {
  constructor(
    private readonly db: TenantDb,
    private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  issueAccessToken(userId: string): { accessToken: string; expiresIn: number } {
    const expiresIn = this.config.auth.accessTokenTtlSeconds;
    const accessToken = this.jwt.sign({ sub: userId, typ: 'access' } satisfies AccessTokenPayload, {
      expiresIn,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    });
    return { accessToken, expiresIn };
  }

  async signup(req: SignupRequest, requestId?: string): Promise<SignupResponse & { refreshToken: string }> {
    const passwordHash = await hashPassword(req.password);
    // Sign-up creates the tenant, so there is no tenant to scope to yet: system context, one transaction.
    const { org, user } = await this.db
      .withSystem(async (m) => {
        if (await m.exists(Organization, { where: { slug: req.organization } })) {
          throw new AppError('slug_taken', `The organization "${req.organization}" already exists`, {
            errors: [{ field: 'organization', message: 'is already taken' }],
          });
        }
        if (await m.exists(User, { where: { email: req.email } })) {
          throw new AppError('email_taken', 'An account with this email already exists; sign in instead', {
            errors: [{ field: 'email', message: 'is already registered' }],
          });
        }
        const org = await m.save(m.create(Organization, { slug: req.organization, displayName: null }));
        const user = await m.save(m.create(User, { email: req.email, passwordHash, platformAdmin: false }));
        await m.insert(Membership, { organizationId: org.id, userId: user.id, role: 'owner' });
        return { org, user };
      })
      .catch((err: unknown) => {
        // Two sign-ups racing for the same slug or email: the unique index decides.
        if (isUniqueViolation(err, 'slug'))
          throw new AppError('slug_taken', `The organization "${req.organization}" already exists`);
        if (isUniqueViolation(err, 'email'))
          throw new AppError('email_taken', 'An account with this email already exists');
        throw err;
      });
    const actor: Principal = { kind: 'user', userId: user.id, email: user.email, platformAdmin: false };
    await this.audit.record({
      organizationId: org.id,
      actor,
      action: 'organization.created',
      target: org.slug,
      requestId,
    });
    const refreshToken = await this.createRefreshSession(user.id);
    return {
      organization: { id: org.id, slug: org.slug },
      user: { id: user.id, email: user.email },
      ...this.issueAccessToken(user.id),
      refreshToken,
    };
  }

  private failureKeys(email: string, ip: string): string[] {
    const p = this.config.redis.prefix;
    return [`${p}:login-fail:email:${sha256Hex(email)}`, `${p}:login-fail:ip:${ip}`];
  }

  /**
   * The one password check (sign-in and the registry's Basic auth): refused unchecked past the
   * failure limits (AppError `too_many_requests`); a failure counts against the email and `ip`, a
   * success clears the email's count. The user, or null for a wrong email or password.
   */
  private async checkPassword(email: string, password: string, ip: string): Promise<User | null> {
    const keys = this.failureKeys(email, ip);
    const counts = await this.redis.mget(...keys);
    const max = this.config.auth.loginMaxFailures;
    // Per email, and (more generously) per client address, so one attacker cannot lock out everyone.
    if (Number(counts[0] ?? 0) >= max || Number(counts[1] ?? 0) >= max * 10) {
      throw new AppError('too_many_requests', 'Too many failed sign-in attempts; try again later', {
        retryAfter: this.config.auth.loginFailureWindowSeconds,
      });
    }
    // Credentials are checked before any tenant is known: system context.
    const user = await this.db.withSystem((m) => m.findOne(User, { where: { email } }));
    const ok = user
      ? await verifyPassword(user.passwordHash, password)
      : (await burnPasswordCheck(password), false);
    if (!user || !ok) {
      const tx = this.redis.multi();
      for (const k of keys) tx.incr(k).expire(k, this.config.auth.loginFailureWindowSeconds);
      await tx.exec();
      return null;
    }
    await this.redis.del(keys[0]);
    return user;
  }

  async login(
    email: string,
    password: string,
    ip: string,
    requestId?: string,
  ): Promise<{ accessToken: string; expiresIn: number; refreshToken: string }> {
    const user = await this.checkPassword(email, password, ip);
    if (!user) {
      this.logger.info({ requestId, event: 'login_failed' }, 'sign-in failed');
      throw new AppError('invalid_credentials', 'The email or password is wrong');
    }
    const memberships = await this.db.withSystem((m) => m.find(Membership, { where: { userId: user.id } }));
    const actor: Principal = {
      kind: 'user',
      userId: user.id,
      email: user.email,
      platformAdmin: user.platformAdmin,
    };
    for (const ms of memberships) {
      await this.audit.record({
        organizationId: ms.organizationId,
        actor,
        action: 'auth.login',
        target: user.email,
        requestId,
      });
    }
    if (memberships.length === 0)
      await this.audit.record({
        organizationId: null,
        actor,
        action: 'auth.login',
        target: user.email,
        requestId,
      });
    return { ...this.issueAccessToken(user.id), refreshToken: await this.createRefreshSession(user.id) };
  }

  private async createRefreshSession(userId: string): Promise<string> {
    const secret = generateSecret('rft');
    const expiresAt = new Date(Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000);
    await this.db.withSystem((m) =>
      m.insert(RefreshSession, { userId, tokenHash: secret.hash, expiresAt, revokedAt: null }),
    );
    return secret.token;
  }

  /** Rotates the refresh token: the old one stops working. */
  async refresh(
    refreshToken: string | undefined,
  ): Promise<{ accessToken: string; expiresIn: number; refreshToken: string }> {
    if (!refreshToken) throw new AppError('unauthorized', 'No session: sign in again');
    const session = await this.db.withSystem(async (m) => {
      const s = await m.findOne(RefreshSession, {
        where: { tokenHash: sha256Hex(refreshToken), revokedAt: IsNull() },
      });
      if (!s || s.expiresAt.getTime() < Date.now()) return null;
      await m.update(RefreshSession, { id: s.id }, { revokedAt: new Date() });
      return s;
    });
    if (!session) throw new AppError('unauthorized', 'The session has expired: sign in again');
    return {
      ...this.issueAccessToken(session.userId),
      refreshToken: await this.createRefreshSession(session.userId),
    };
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    await this.db.withSystem((m) =>
      m.update(
        RefreshSession,
        { tokenHash: sha256Hex(refreshToken), revokedAt: IsNull() },
        { revokedAt: new Date() },
      ),
    );
  }

  /** Changes a user's own password; every other session (refresh token) ends. */
  async changePassword(
    p: Principal,
    currentPassword: string,
    newPassword: string,
    requestId?: string,
  ): Promise<void> {
    if (p.kind !== 'user') throw AppError.forbidden('Service accounts have no password');
    const user = await this.db.withSystem((m) => m.findOne(User, { where: { id: p.userId } }));
    if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new AppError('invalid_credentials', 'The current password is wrong', {
        errors: [{ field: 'currentPassword', message: 'is not your current password' }],
      });
    }
    const passwordHash = await hashPassword(newPassword);
    // A user's own account row and sessions: system context, keyed by the user id.
    await this.db.withSystem(async (m) => {
      await m.update(User, { id: user.id }, { passwordHash });
      await m.update(RefreshSession, { userId: user.id, revokedAt: IsNull() }, { revokedAt: new Date() });
    });
    const memberships = await this.db.withSystem((m) => m.find(Membership, { where: { userId: user.id } }));
    for (const ms of memberships) {
      await this.audit.record({
        organizationId: ms.organizationId,
        actor: p,
        action: 'auth.password_changed',
        target: user.email,
        requestId,
      });
    }
  }

  async principalForUser(userId: string): Promise<Principal | null> {
    const user = await this.db.withSystem((m) => m.findOne(User, { where: { id: userId } }));
    return user
      ? { kind: 'user', userId: user.id, email: user.email, platformAdmin: user.platformAdmin }
      : null;
  }

  /**
   * An API token (personal or service account) → its principal, or null when unknown, expired or revoked.
   * Records last use at most once a minute per token to keep hot paths cheap.
   */
  async authenticateApiToken(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    // Token lookup precedes any tenant: system context.
    return this.db.withSystem(async (m) => {
      const t = await m.findOne(ApiToken, { where: { tokenHash: sha256Hex(token) } });
      if (!t || t.revokedAt || (t.expiresAt && t.expiresAt.getTime() <= Date.now())) return null;
      if (!t.lastUsedAt || Date.now() - t.lastUsedAt.getTime() > 60_000) {
        await m.update(ApiToken, { id: t.id }, { lastUsedAt: new Date() });
      }
      const scopes = t.scopes.length ? (t.scopes as TokenScope[]) : undefined;
      if (t.userId) {
        const u = await m.findOne(User, { where: { id: t.userId } });
        return u
          ? {
              kind: 'user',
              userId: u.id,
              email: u.email,
              platformAdmin: u.platformAdmin,
              scopes,
              tokenId: t.id,
            }
          : null;
      }
      const sa = await m.findOne(ServiceAccount, { where: { id: t.serviceAccountId! } });
      return sa
        ? {
            kind: 'service_account',
            serviceAccountId: sa.id,
            organizationId: sa.organizationId,
            name: sa.name,
            scopes,
            tokenId: t.id,
          }
        : null;
    });
  }

  /**
   * Docker-style Basic credentials: email + password, or any username + an API token (the
   * registry's Basic auth). Passwords count against the same failure limits as sign-in, by email
   * and by `ip`: past them this throws AppError `too_many_requests` without checking the password.
   * API tokens are 256-bit random values and are not throttled.
   */
  async authenticateBasic(username: string, password: string, ip: string): Promise<Principal | null> {
    if (password.startsWith(TOKEN_PREFIX)) return this.authenticateApiToken(password);
    const user = await this.checkPassword(username.trim().toLowerCase(), password, ip);
    return user
      ? { kind: 'user', userId: user.id, email: user.email, platformAdmin: user.platformAdmin }
      : null;
  }

  async me(p: Principal): Promise<MeResponse> {
    if (p.kind === 'service_account') {
      const org = await this.db.withSystem((m) =>
        m.findOne(Organization, { where: { id: p.organizationId } }),
      );
      return {
        id: p.serviceAccountId,
        email: `${p.name}@service-accounts.${org?.slug ?? 'unknown'}`,
        platformAdmin: false,
        organizations: org ? [{ slug: org.slug, role: 'member' }] : [],
      };
    }
    // A user's own memberships across tenants: system context, filtered by the user id.
    const rows: { slug: string; role: MeResponse['organizations'][number]['role'] }[] =
      await this.db.withSystem((m) =>
        m.query(
          `SELECT o.slug, ms.role FROM memberships ms JOIN organizations o ON o.id = ms.organization_id
          WHERE ms.user_id = $1 ORDER BY o.slug`,
          [p.userId],
        ),
      );
    return { id: p.userId, email: p.email, platformAdmin: p.platformAdmin, organizations: rows };
  }

  /** Creates the platform admin if absent (`DRYDOCK_ADMIN_*` at start, or `drydock create-admin`). */
  ensurePlatformAdmin(email: string, password: string): Promise<{ created: boolean; userId: string }> {
    return ensurePlatformAdmin(this.db, this.audit, email, password);
  }
}

/** Standalone so the CLI can call it without the HTTP app's collaborators. */
export async function ensurePlatformAdmin(
  db: TenantDb,
  audit: AuditService,
  email: string,
  password: string,
): Promise<{ created: boolean; userId: string }> {
  const normalized = email.trim().toLowerCase();
  // The platform admin belongs to no tenant: system context.
  return db.withSystem(async (m: EntityManager) => {
    const existing = await m.findOne(User, { where: { email: normalized } });
    if (existing) {
      if (!existing.platformAdmin) await m.update(User, { id: existing.id }, { platformAdmin: true });
      return { created: false, userId: existing.id };
    }
    const user = await m.save(
      m.create(User, { email: normalized, passwordHash: await hashPassword(password), platformAdmin: true }),
    );
    await audit.record(
      { organizationId: null, actor: null, action: 'platform_admin.created', target: normalized },
      m,
    );
    return { created: true, userId: user.id };
  });
}
