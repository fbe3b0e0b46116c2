import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import {
  CreateServiceAccountRequest,
  CreateServiceAccountTokenRequest,
  GrantRequest,
  PageQuery,
  Permission,
  type GrantResponse,
  type Page,
  type ServiceAccountResponse,
  type TokenCreatedResponse,
  type TokenResponse,
} from '@drydock/contracts';
import {
  Access,
  CurrentOrg,
  CurrentPrincipal,
  RequestId,
  ServiceAccountsService,
  type OrgContext,
  type Principal,
} from '@drydock/identity';
import { ApiBodySchema } from '../openapi/zod-openapi.js';
import { parseGrantTarget } from './teams.controller.js';

@ApiTags('service-accounts')
@Controller('orgs/:org/service-accounts')
export class ServiceAccountsController {
  constructor(private readonly sas: ServiceAccountsService) {}

  @Post()
  @Access.org(Permission.ServiceAccountsManage)
  @ApiBodySchema(CreateServiceAccountRequest)
  create(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Body({ schema: CreateServiceAccountRequest }) b: z.infer<typeof CreateServiceAccountRequest>,
    @RequestId() rid?: string,
  ): Promise<ServiceAccountResponse> {
    return this.sas.create(org, p, b.name, b.description, b.grants, rid);
  }

  @Get()
  @Access.org(Permission.ServiceAccountsManage)
  list(
    @CurrentOrg() org: OrgContext,
    @Query({ schema: PageQuery }) q: z.infer<typeof PageQuery>,
  ): Promise<Page<ServiceAccountResponse>> {
    return this.sas.list(org, q.limit, q.offset);
  }

  @Get(':id')
  @Access.org(Permission.ServiceAccountsManage)
  find(@CurrentOrg() org: OrgContext, @Param('id') id: string): Promise<ServiceAccountResponse> {
    return this.sas.find(org, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Access.org(Permission.ServiceAccountsManage)
  remove(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @RequestId() rid?: string,
  ): Promise<void> {
    return this.sas.remove(org, p, id, rid);
  }

  @Get(':id/grants')
  @Access.org(Permission.ServiceAccountsManage)
  grants(@CurrentOrg() org: OrgContext, @Param('id') id: string): Promise<GrantResponse[]> {
    return this.sas.listGrants(org, id);
  }

  @Put(':id/grants')
  @Access.org(Permission.ServiceAccountsManage)
  @ApiBodySchema(GrantRequest)
  putGrant(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body({ schema: GrantRequest }) b: GrantRequest,
    @RequestId() rid?: string,
  ): Promise<GrantResponse> {
    return this.sas.putGrant(org, p, id, b.target, b.level, rid);
  }

  @Delete(':id/grants')
  @HttpCode(204)
  @Access.org(Permission.ServiceAccountsManage)
  deleteGrant(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Query('target') qt: string | undefined,
    @Body() body: unknown,
    @RequestId() rid?: string,
  ): Promise<void> {
    return this.sas.deleteGrant(org, p, id, parseGrantTarget(qt, body).target, rid);
  }

  @Post(':id/tokens')
  @Access.org(Permission.ServiceAccountsManage)
  @ApiBodySchema(CreateServiceAccountTokenRequest)
  createToken(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body({ schema: CreateServiceAccountTokenRequest }) b: z.infer<typeof CreateServiceAccountTokenRequest>,
    @RequestId() rid?: string,
  ): Promise<TokenCreatedResponse> {
    return this.sas.createToken(org, p, id, b.name, b.scopes, b.expiresAt, rid);
  }

  @Get(':id/tokens')
  @Access.org(Permission.ServiceAccountsManage)
  tokens(@CurrentOrg() org: OrgContext, @Param('id') id: string): Promise<TokenResponse[]> {
    return this.sas.listTokens(org, id);
  }

  @Delete(':id/tokens/:tokenId')
  @HttpCode(204)
  @Access.org(Permission.ServiceAccountsManage)
  revokeToken(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('tokenId') tokenId: string,
    @RequestId() rid?: string,
  ): Promise<void> {
    return this.sas.revokeToken(org, p, id, tokenId, rid);
  }
}
