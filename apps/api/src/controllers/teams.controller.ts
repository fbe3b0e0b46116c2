import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import {
  CreateTeamRequest,
  DeleteGrantRequest,
  GrantRequest,
  PageQuery,
  Permission,
  UpdateTeamRequest,
  type GrantResponse,
  type Page,
  type TeamResponse,
} from '@drydock/contracts';
import {
  Access,
  CurrentOrg,
  CurrentPrincipal,
  RequestId,
  TeamsService,
  type OrgContext,
  type Principal,
} from '@drydock/identity';
import { AppError } from '@drydock/platform';
import { ApiBodySchema } from '../openapi/zod-openapi.js';

@ApiTags('teams')
@Controller('orgs/:org/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Post()
  @Access.org(Permission.TeamsManage)
  @ApiBodySchema(CreateTeamRequest)
  create(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Body({ schema: CreateTeamRequest }) b: z.infer<typeof CreateTeamRequest>,
    @RequestId() rid?: string,
  ): Promise<TeamResponse> {
    return this.teams.create(org, p, b.name, rid);
  }

  @Get()
  @Access.org(Permission.TeamsRead)
  list(
    @CurrentOrg() org: OrgContext,
    @Query({ schema: PageQuery }) q: z.infer<typeof PageQuery>,
  ): Promise<Page<TeamResponse>> {
    return this.teams.list(org, q.limit, q.offset);
  }

  @Get(':team')
  @Access.org(Permission.TeamsRead)
  find(@CurrentOrg() org: OrgContext, @Param('team') team: string): Promise<TeamResponse> {
    return this.teams.find(org, team);
  }

  @Patch(':team')
  @Access.org(Permission.TeamsManage)
  @ApiBodySchema(UpdateTeamRequest)
  rename(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('team') team: string,
    @Body({ schema: UpdateTeamRequest }) b: z.infer<typeof UpdateTeamRequest>,
    @RequestId() rid?: string,
  ): Promise<TeamResponse> {
    return this.teams.rename(org, p, team, b.name, rid);
  }

  @Delete(':team')
  @HttpCode(204)
  @Access.org(Permission.TeamsManage)
  remove(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('team') team: string,
    @RequestId() rid?: string,
  ): Promise<void> {
    return this.teams.remove(org, p, team, rid);
  }

  @Put(':team/members/:userId')
  @Access.org(Permission.TeamsManage)
  addMember(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('team') team: string,
    @Param('userId') userId: string,
    @RequestId() rid?: string,
  ): Promise<TeamResponse> {
    return this.teams.addMember(org, p, team, userId, rid);
  }

  @Delete(':team/members/:userId')
  @HttpCode(204)
  @Access.org(Permission.TeamsManage)
  removeMember(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('team') team: string,
    @Param('userId') userId: string,
    @RequestId() rid?: string,
  ): Promise<void> {
    return this.teams.removeMember(org, p, team, userId, rid);
  }

  @Get(':team/grants')
  @Access.org(Permission.TeamsRead)
  grants(@CurrentOrg() org: OrgContext, @Param('team') team: string): Promise<GrantResponse[]> {
    return this.teams.listGrants(org, team);
  }

  @Put(':team/grants')
  @Access.org(Permission.TeamsManage)
  @ApiBodySchema(GrantRequest)
  putGrant(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('team') team: string,
    @Body({ schema: GrantRequest }) b: GrantRequest,
    @RequestId() rid?: string,
  ): Promise<GrantResponse> {
    return this.teams.putGrant(org, p, team, b.target, b.level, rid);
  }

  /** The target travels in the body or as `?target=` (DELETE bodies are dropped by some clients). */
  @Delete(':team/grants')
  @HttpCode(204)
  @Access.org(Permission.TeamsManage)
  deleteGrant(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('team') team: string,
    @Query('target') qt: string | undefined,
    @Body() body: unknown,
    @RequestId() rid?: string,
  ): Promise<void> {
    const { target } = parseGrantTarget(qt, body);
    return this.teams.deleteGrant(org, p, team, target, rid);
  }
}

export function parseGrantTarget(queryTarget: string | undefined, body: unknown): { target: string } {
  const parsed = DeleteGrantRequest.safeParse(
    queryTarget !== undefined ? { target: queryTarget } : (body ?? {}),
  );
  if (!parsed.success) {
    throw AppError.validation(
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'target', message: i.message })),
    );
  }
  return parsed.data;
}
