import { Inject, Injectable } from '@nestjs/common';
import { AppError, TenantDb } from '@drydock/platform';
import {
  AccessService,
  IdentityService,
  OrganizationsService,
  TOKEN_PREFIX,
  sha256Hex,
  type Principal,
} from '@drydock/identity';
import {
  CredentialsThrottled,
  type OrgRef,
  type RegistryIdentity,
  type RegistryPrincipal,
  type RepoLevel,
} from './identity-port.js';

/**
 * How long a verified API token is reused by the registry without a database lookup. Every image
 * copy starts with a /auth/token request (and a client probing blob locations sends one per
 * repository), always with the same token. A revoked or deleted token is therefore refused at most
 * this long after the change — well within the life of the registry tokens already issued with it
 * (REGISTRY_TOKEN_TTL_SECONDS), which no revocation can recall either. Passwords are never cached.
 */
export const API_TOKEN_CACHE_MS = 10_000;
const API_TOKEN_CACHE_MAX = 10_000;

/** Binds the registry's identity port to @drydock/identity. */
@Injectable()
export class IdentityRegistryAdapter implements RegistryIdentity {
  /** sha256(token) → principal: the same key the database stores, never the token itself. */
  private readonly apiTokens = new Map<string, { principal: RegistryPrincipal; until: number }>();

  constructor(
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(OrganizationsService) private readonly orgs: OrganizationsService,
    @Inject(TenantDb) private readonly db: TenantDb,
  ) {}

  async authenticateBasic(username: string, password: string, ip: string): Promise<RegistryPrincipal | null> {
    if (password.startsWith(TOKEN_PREFIX)) return this.apiToken(password);
    try {
      return await this.identity.authenticateBasic(username, password, ip);
    } catch (e) {
      if (e instanceof AppError && e.code === 'too_many_requests')
        throw new CredentialsThrottled(Number(e.extra.retryAfter) || 60);
      throw e;
    }
  }

  authenticateBearer(token: string): Promise<RegistryPrincipal | null> {
    return this.apiToken(token);
  }

  private async apiToken(token: string): Promise<RegistryPrincipal | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const key = sha256Hex(token);
    const now = Date.now();
    const hit = this.apiTokens.get(key);
    if (hit && hit.until > now) return hit.principal;
    const principal = await this.identity.authenticateApiToken(token);
    if (principal) {
      if (this.apiTokens.size >= API_TOKEN_CACHE_MAX) this.apiTokens.clear();
      this.apiTokens.set(key, { principal, until: now + API_TOKEN_CACHE_MS });
    } else {
      this.apiTokens.delete(key);
    }
    return principal;
  }

  repositoryLevel(
    principal: RegistryPrincipal,
    organizationId: string,
    repositoryName: string,
  ): Promise<RepoLevel | null> {
    return this.access.repositoryLevel(principal as Principal, organizationId, repositoryName);
  }

  async findOrganization(slug: string): Promise<OrgRef | null> {
    const org = await this.orgs.findBySlug(slug);
    return org ? { id: org.id, slug: org.slug } : null;
  }

  async organizationsOf(principal: RegistryPrincipal): Promise<OrgRef[]> {
    if (principal.kind === 'service_account') {
      const org = await this.orgs.findById(principal.organizationId);
      return org ? [{ id: org.id, slug: org.slug }] : [];
    }
    // Memberships of one user across organizations: a cross-tenant lookup by design (system context).
    return this.db.withSystem((m) =>
      m.query(
        `SELECT o.id, o.slug FROM memberships ms JOIN organizations o ON o.id = ms.organization_id WHERE ms.user_id = $1 ORDER BY o.slug`,
        [principal.userId],
      ),
    );
  }
}
