import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError } from '@drydock/platform';
import { roleCan, SERVICE_ACCOUNT_PERMISSIONS, type Permission } from '@drydock/contracts';
import { IdentityService } from '../services/identity.service.js';
import { OrganizationsService } from '../services/organizations.service.js';
import { hasScope, type Principal } from '../services/principal.js';
import { TOKEN_PREFIX } from '../services/secrets.js';
import { ACCESS_KEY, type AccessRule, type AuthedRequest } from './access.decorator.js';

class PassportJwtGuard extends AuthGuard('jwt') {
  override handleRequest<T>(err: unknown, user: T): T {
    if (err || !user) throw new AppError('unauthorized', 'The access token is missing, invalid or expired');
    return user;
  }
}

/**
 * The global guard. Authenticates (session JWT through passport-jwt, or a `ddk_` API token), then
 * applies the route's declared rule. A route that declares no rule is refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly jwtGuard = new PassportJwtGuard();

  constructor(
    private readonly reflector: Reflector,
    private readonly identity: IdentityService,
    private readonly orgs: OrganizationsService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!rule) throw AppError.forbidden('This route declares no access rule and is refused');
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const hasAuth = !!req.headers.authorization;

    if (rule.kind === 'public') {
      if (hasAuth) req.principal = await this.authenticate(ctx, req).catch(() => undefined);
      return true;
    }
    const principal = await this.authenticate(ctx, req);
    req.principal = principal;
    this.checkTokenScope(principal, req.method);

    switch (rule.kind) {
      case 'authenticated':
        return true;
      case 'platform_admin':
        if (principal.kind !== 'user' || !principal.platformAdmin)
          throw AppError.forbidden('Platform admins only');
        return true;
      case 'org':
        await this.resolveOrg(req, principal, rule.permission);
        return true;
    }
  }

  private async authenticate(ctx: ExecutionContext, req: AuthedRequest): Promise<Principal> {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m)
      throw new AppError(
        'unauthorized',
        'Sign in, or send an access token or API token as "Authorization: Bearer <token>"',
      );
    if (m[1].startsWith(TOKEN_PREFIX)) {
      const p = await this.identity.authenticateApiToken(m[1]);
      if (!p) throw new AppError('unauthorized', 'The API token is unknown, expired or revoked');
      return p;
    }
    await this.jwtGuard.canActivate(ctx);
    return (req as AuthedRequest & { user: Principal }).user;
  }

  /** API tokens' `api:*` scopes narrow REST use: reads need api:read (or api:write), writes api:write. */
  private checkTokenScope(p: Principal, method: string): void {
    if (!p.scopes || p.scopes.length === 0) return;
    const read = method === 'GET' || method === 'HEAD';
    if (read ? hasScope(p, 'api:read') || hasScope(p, 'api:write') : hasScope(p, 'api:write')) return;
    // Registry-only tokens may still read what the REST API shows about repositories they can pull.
    if (read && (hasScope(p, 'registry:pull') || hasScope(p, 'registry:push'))) return;
    throw new AppError('insufficient_scope', `This token lacks the ${read ? 'api:read' : 'api:write'} scope`);
  }

  private async resolveOrg(req: AuthedRequest, p: Principal, permission: Permission): Promise<void> {
    const slug = req.params?.org;
    if (typeof slug !== 'string') throw new Error('Access.org() on a route without an :org parameter');
    const org = await this.orgs.findBySlug(slug);
    // Unknown org and someone else's org look the same: 404, never 403.
    if (!org) throw AppError.notFound('Organization');
    if (p.kind === 'service_account') {
      if (p.organizationId !== org.id) throw AppError.notFound('Organization');
      if (!SERVICE_ACCOUNT_PERMISSIONS.includes(permission))
        throw AppError.forbidden('Service accounts cannot do this');
      req.org = { id: org.id, slug: org.slug, role: null };
      return;
    }
    const role = await this.orgs.roleOf(org.id, p.userId);
    if (!role) throw AppError.notFound('Organization');
    if (!roleCan(role, permission))
      throw AppError.forbidden(`Your role (${role}) does not allow ${permission}`);
    req.org = { id: org.id, slug: org.slug, role };
  }
}
