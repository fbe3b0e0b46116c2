import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { PageQuery, type AdminOrgResponse, type Page } from '@drydock/contracts';
import { Access, OrganizationsService } from '@drydock/identity';

@ApiTags('admin')
@Controller('admin')
export class AdminController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Get('orgs')
  @Access.platformAdmin()
  orgs_(@Query({ schema: PageQuery }) q: z.infer<typeof PageQuery>): Promise<Page<AdminOrgResponse>> {
    return this.orgs.listAll(q.limit, q.offset);
  }
}
