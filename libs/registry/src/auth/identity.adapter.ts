import { Inject, Injectable } from '@nestjs/common';
import { TenantDb } from '@drydock/platform';
import { AccessService, IdentityService, OrganizationsService, type Principal } from '@drydock/identity';
import type { OrgRef, RegistryIdentity, RegistryPrincipal, RepoLevel } from './identity-port.js';

/** Binds the registry's identity port to @drydock/identity. */
@Injectable()
export class IdentityRegistryAdapter implements RegistryIdentity {
  constructor(
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(OrganizationsService) private readonly orgs: OrganizationsService,
    @Inject(TenantDb) private readonly db: TenantDb,
  ) {}

  authenticateBasic(username: string, password: string): Promise<RegistryPrincipal | null> {
    return this.identity.authenticateBasic(username, password);
  }

  authenticateBearer(token: string): Promise<RegistryPrincipal | null> {
    return this.identity.authenticateApiToken(token);
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
