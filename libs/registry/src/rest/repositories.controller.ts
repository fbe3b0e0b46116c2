import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Permission, SCAN_STATUS_OPENAPI, SEVERITY_COUNTS_OPENAPI } from '@drydock/contracts';
import { Access, CurrentOrg, CurrentPrincipal, type OrgContext, type Principal } from '@drydock/identity';
import {
  CreateRepositoryRequest,
  RepositoryListQuery,
  TagListQuery,
  UpdateRepositoryRequest,
  type RepositoryResponse,
  type TagResponse,
} from './dto.js';
import { RepositoriesService } from './repositories.service.js';

function schema(s: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(s, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  return json;
}

const NAME_PARAM = {
  name: 'name',
  description:
    'Repository path inside the organization (`web`, `payments%2Fapi`) or the full name; URL-encode `/` as %2F',
};

const COUNTS_SCHEMA = {
  ...SEVERITY_COUNTS_OPENAPI,
  description: 'scanning add-on: findings per severity (null until scanned)',
};

const REPOSITORY_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string', example: 'acme/payments/api' },
    path: { type: 'string', example: 'payments/api' },
    visibility: { type: 'string', enum: ['private', 'public'] },
    scanMode: { type: 'string', enum: ['on_push', 'manual'] },
    description: { type: 'string', nullable: true },
    tagCount: { type: 'integer' },
    lastPushedAt: {
      type: 'string',
      format: 'date-time',
      nullable: true,
      description: 'when a tag was last pushed (null before the first push)',
    },
    scan: {
      type: 'object',
      nullable: true,
      description:
        'scanning add-on: the worst shield over the repository tags (red > orange > green > grey, then counts); null without tags',
      properties: {
        tag: { type: 'string' },
        status: SCAN_STATUS_OPENAPI,
        counts: COUNTS_SCHEMA,
      },
    },
    level: { type: 'string', enum: ['read', 'write', 'admin'], nullable: true },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

const TAG_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    digest: { type: 'string', example: 'sha256:…' },
    mediaType: { type: 'string' },
    totalSize: { type: 'integer', description: 'config + layers (for an index: over its images)' },
    platforms: {
      type: 'array',
      description:
        'an index: the platforms of its images; an image: its platform from the image config in the single-tag read (GET .../tags/{tag}), [] in the list',
      items: {
        type: 'object',
        properties: { os: { type: 'string' }, architecture: { type: 'string' }, variant: { type: 'string' } },
      },
    },
    pushedAt: { type: 'string', format: 'date-time' },
    pushedBy: { type: 'string', nullable: true },
    scanStatus: { ...SCAN_STATUS_OPENAPI, description: 'scanning add-on: the shield state' },
    counts: COUNTS_SCHEMA,
  },
};

const page = (item: Record<string, unknown>) => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: item },
    total: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
  },
});

@ApiTags('repositories')
@Controller('orgs/:org/repositories')
export class RepositoriesController {
  constructor(private readonly repos: RepositoriesService) {}

  @Get()
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({ summary: 'Repositories of the organization the caller can read' })
  @ApiOkResponse({ schema: page(REPOSITORY_SCHEMA) })
  list(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Query({ schema: RepositoryListQuery }) q: z.infer<typeof RepositoryListQuery>,
  ) {
    return this.repos.list(org, p, q);
  }

  @Post()
  @Access.org(Permission.RepositoriesCreate)
  @ApiOperation({ summary: 'Create a repository (needs write access to the name); pushing also creates one' })
  @ApiBody({ schema: schema(CreateRepositoryRequest) as never })
  @ApiOkResponse({ schema: REPOSITORY_SCHEMA })
  create(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Body({ schema: CreateRepositoryRequest }) b: z.infer<typeof CreateRepositoryRequest>,
  ): Promise<RepositoryResponse> {
    return this.repos.create(org, p, b);
  }

  @Get(':name')
  @Access.org(Permission.RepositoriesRead)
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ schema: REPOSITORY_SCHEMA })
  get(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
  ): Promise<RepositoryResponse> {
    return this.repos.get(org, p, name);
  }

  @Patch(':name')
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({ summary: 'Change visibility/description (admin) or the scanning mode (read-write)' })
  @ApiParam(NAME_PARAM)
  @ApiBody({ schema: schema(UpdateRepositoryRequest) as never })
  @ApiOkResponse({ schema: REPOSITORY_SCHEMA })
  update(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Body({ schema: UpdateRepositoryRequest }) b: z.infer<typeof UpdateRepositoryRequest>,
  ): Promise<RepositoryResponse> {
    return this.repos.update(org, p, name, b);
  }

  @Delete(':name')
  @HttpCode(204)
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({ summary: 'Delete the repository (admin)' })
  @ApiParam(NAME_PARAM)
  remove(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
  ): Promise<void> {
    return this.repos.remove(org, p, name);
  }

  @Get(':name/tags')
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({ summary: 'Tags with digest, media type, total size, platforms, pushed at/by' })
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ schema: page(TAG_SCHEMA) })
  tags(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Query({ schema: TagListQuery }) q: z.infer<typeof TagListQuery>,
  ): Promise<{ items: TagResponse[]; total: number; limit: number; offset: number }> {
    return this.repos.tags(org, p, name, q);
  }

  @Get(':name/tags/:tag')
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({
    summary:
      'One tag, as in the tag list; an image also gets its platform (os, architecture, variant) from its config',
  })
  @ApiParam(NAME_PARAM)
  @ApiParam({ name: 'tag', description: 'Tag name' })
  @ApiOkResponse({ schema: TAG_SCHEMA })
  @ApiResponse({
    status: 404,
    description:
      'problem+json: no such repository or tag, or the caller cannot read it (another organization looks the same)',
  })
  tag(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Param('tag') tag: string,
  ): Promise<TagResponse> {
    return this.repos.tag(org, p, name, tag);
  }

  @Delete(':name/tags/:tag')
  @HttpCode(204)
  @Access.org(Permission.RepositoriesRead)
  @ApiOperation({ summary: 'Delete a tag (read-write)' })
  @ApiParam(NAME_PARAM)
  deleteTag(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Param('tag') tag: string,
  ): Promise<void> {
    return this.repos.deleteTag(org, p, name, tag);
  }
}
