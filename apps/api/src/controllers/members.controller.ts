import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import {
  AcceptInvitationRequest,
  InvitationRequest,
  PageQuery,
  Permission,
  UpdateMemberRequest,
  type AcceptInvitationResponse,
  type AuditEventResponse,
  type InvitationResponse,
  type MemberResponse,
  type Page,
} from '@drydock/contracts';
import {
  Access,
  AuditService,
  CurrentOrg,
  CurrentPrincipal,
  MembersService,
  OptionalPrincipal,
  RequestId,
  type OrgContext,
  type Principal,
} from '@drydock/identity';
import { ApiBodySchema } from '../openapi/zod-openapi.js';

type PageQ = z.infer<typeof PageQuery>;

@ApiTags('members')
@Controller()
export class MembersController {
  constructor(
    private readonly members: MembersService,
    private readonly audit: AuditService,
  ) {}

  @Get('orgs/:org/members')
  @Access.org(Permission.MembersRead)
  list(@CurrentOrg() org: OrgContext, @Query({ schema: PageQuery }) q: PageQ): Promise<Page<MemberResponse>> {
    return this.members.list(org, q.limit, q.offset);
  }

  @Patch('orgs/:org/members/:userId')
  @Access.org(Permission.MembersManage)
  @ApiBodySchema(UpdateMemberRequest)
  update(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('userId') userId: string,
    @Body({ schema: UpdateMemberRequest }) body: z.infer<typeof UpdateMemberRequest>,
    @RequestId() rid?: string,
  ): Promise<MemberResponse> {
    return this.members.updateRole(org, p, userId, body.role, rid);
  }

  @Delete('orgs/:org/members/:userId')
  @HttpCode(204)
  @Access.org(Permission.MembersManage)
  remove(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('userId') userId: string,
    @RequestId() rid?: string,
  ): Promise<void> {
    return this.members.remove(org, p, userId, rid);
  }

  @Post('orgs/:org/invitations')
  @Access.org(Permission.MembersManage)
  @ApiBodySchema(InvitationRequest)
  invite(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Body({ schema: InvitationRequest }) body: z.infer<typeof InvitationRequest>,
    @RequestId() rid?: string,
  ): Promise<InvitationResponse> {
    return this.members.invite(org, p, body.email, body.role, rid);
  }

  @Post('invitations/:token/accept')
  @HttpCode(200)
  @Access.public()
  @ApiBodySchema(AcceptInvitationRequest)
  accept(
    @Param('token') token: string,
    @OptionalPrincipal() p: Principal | undefined,
    @Body({ schema: AcceptInvitationRequest }) body: z.infer<typeof AcceptInvitationRequest>,
  ): Promise<AcceptInvitationResponse> {
    return this.members.accept(token, p, body?.password);
  }

  @Get('orgs/:org/audit-events')
  @Access.org(Permission.AuditRead)
  auditEvents(
    @CurrentOrg() org: OrgContext,
    @Query({ schema: PageQuery }) q: PageQ,
  ): Promise<Page<AuditEventResponse>> {
    return this.audit.list(org.id, q.limit, q.offset);
  }
}
