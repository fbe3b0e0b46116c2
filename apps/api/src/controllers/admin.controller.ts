import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { PageQuery } from '@drydock/contracts';
import { Access, OrganizationsService } from '@drydock/identity';

@ApiTags('admin')
@Controller('admin')
export class AdminController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Get('orgs')
  @Access.platformAdmin()
  async orgs_(@Query({ schema: PageQuery }) q: z.infer<typeof PageQuery>) {
    const { items, total } = await this.orgs.listAll(q.limit, q.offset);
    return {
      items: items.map((o) => ({ id: o.id, slug: o.slug, createdAt: o.createdAt.toISOString() })),
      total,
      limit: q.limit,
      offset: q.offset,
    };
  }
}
