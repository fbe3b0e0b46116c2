import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  ChangePasswordRequest,
  CreateTokenRequest,
  type MeResponse,
  type TokenCreatedResponse,
  type TokenResponse,
} from '@drydock/contracts';
import {
  Access,
  CurrentPrincipal,
  IdentityService,
  PersonalTokensService,
  RequestId,
  type Principal,
} from '@drydock/identity';
import type { z } from 'zod';
import { ApiBodySchema } from '../openapi/zod-openapi.js';

@ApiTags('me')
@Controller('me')
export class MeController {
  constructor(
    private readonly identity: IdentityService,
    private readonly tokens: PersonalTokensService,
  ) {}

  @Get()
  @Access.authenticated()
  me(@CurrentPrincipal() p: Principal): Promise<MeResponse> {
    return this.identity.me(p);
  }

  @Post('password')
  @HttpCode(204)
  @Access.authenticated()
  @ApiBodySchema(ChangePasswordRequest)
  changePassword(
    @CurrentPrincipal() p: Principal,
    @Body({ schema: ChangePasswordRequest }) body: ChangePasswordRequest,
    @RequestId() rid?: string,
  ): Promise<void> {
    return this.identity.changePassword(p, body.currentPassword, body.newPassword, rid);
  }

  @Post('tokens')
  @Access.authenticated()
  @ApiBodySchema(CreateTokenRequest)
  createToken(
    @CurrentPrincipal() p: Principal,
    @Body({ schema: CreateTokenRequest }) body: z.infer<typeof CreateTokenRequest>,
    @RequestId() rid?: string,
  ): Promise<TokenCreatedResponse> {
    return this.tokens.create(p, body.name, body.scopes, body.expiresAt, rid);
  }

  @Get('tokens')
  @Access.authenticated()
  listTokens(@CurrentPrincipal() p: Principal): Promise<TokenResponse[]> {
    return this.tokens.list(p);
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  @Access.authenticated()
  revokeToken(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @RequestId() rid?: string,
  ): Promise<void> {
    return this.tokens.revoke(p, id, rid);
  }
}
