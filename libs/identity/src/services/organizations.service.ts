import { Injectable } from '@nestjs/common';
import { TenantDb } from '@drydock/platform';
import { Membership, Organization } from '../entities/entities.js';
import type { AdminOrgResponse, OrgRole, Page } from '@drydock/contracts';

@Injectable()
export class OrganizationsService {
  constructor(private readonly db: TenantDb) {}

  /** Slug → organization. System context: resolving the tenant from the URL precedes any tenant scope. */
  findBySlug(slug: string): Promise<Organization | null> {
    return this.db.withSystem((m) => m.findOne(Organization, { where: { slug } }));
  }

  findById(id: string): Promise<Organization | null> {
    return this.db.withSystem((m) => m.findOne(Organization, { where: { id } }));
  }

  async roleOf(organizationId: string, userId: string): Promise<OrgRole | null> {
    const ms = await this.db.withTenant(organizationId, (m) =>
      m.findOne(Membership, { where: { organizationId, userId } }),
    );
    return ms?.role ?? null;
  }

  /** Platform administration: every organization (system context by design). */
  async listAll(limit: number, offset: number): Promise<Page<AdminOrgResponse>> {
    const [items, total] = await this.db.withSystem((m) =>
      m.findAndCount(Organization, { order: { slug: 'ASC' }, take: limit, skip: offset }),
    );
    return {
      items: items.map((o) => ({ id: o.id, slug: o.slug, createdAt: o.createdAt.toISOString() })),
      total,
      limit,
      offset,
    };
  }
}
