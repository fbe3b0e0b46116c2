import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { LoginRequest, SignupRequest, type LoginResponse, type SignupResponse } from '@drydock/contracts';
import { Access, IdentityService, RequestId } from '@drydock/identity';
import { AppConfig } from '@drydock/platform';
import { ApiBodySchema } from '../openapi/zod-openapi.js';

export const REFRESH_COOKIE = 'drydock_refresh';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly identity: IdentityService,
    private readonly config: AppConfig,
  ) {}

  private setRefreshCookie(res: Response, token: string): void {
    res.cookie(REFRESH_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.publicUrl.startsWith('https://'),
      path: '/api/v1/auth',
      maxAge: this.config.auth.refreshTokenTtlSeconds * 1000,
    });
  }

  @Post('signup')
  @Access.public()
  @ApiBodySchema(SignupRequest)
  @ApiCreatedResponse({ description: 'Organization and owner created; signed in' })
  @ApiConflictResponse({ description: 'Slug or email taken' })
  async signup(
    @Body({ schema: SignupRequest }) body: SignupRequest,
    @Res({ passthrough: true }) res: Response,
    @RequestId() requestId?: string,
  ): Promise<SignupResponse> {
    const { refreshToken, ...out } = await this.identity.signup(body, requestId);
    this.setRefreshCookie(res, refreshToken);
    return out;
  }

  @Post('auth/login')
  @HttpCode(200)
  @Access.public()
  @ApiBodySchema(LoginRequest)
  @ApiOkResponse({ description: 'Access token; the refresh token is set as an httpOnly cookie' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts' })
  async login(
    @Body({ schema: LoginRequest }) body: LoginRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @RequestId() requestId?: string,
  ): Promise<LoginResponse> {
    const { refreshToken, ...out } = await this.identity.login(
      body.email,
      body.password,
      req.ip ?? 'unknown',
      requestId,
    );
    this.setRefreshCookie(res, refreshToken);
    return out;
  }

  @Post('auth/refresh')
  @HttpCode(200)
  @Access.public()
  @ApiOkResponse({ description: 'A new access token; the refresh cookie is rotated' })
  async refresh(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<LoginResponse> {
    const { refreshToken, ...out } = await this.identity.refresh(
      (req.cookies as Record<string, string> | undefined)?.[REFRESH_COOKIE],
    );
    this.setRefreshCookie(res, refreshToken);
    return out;
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Access.public()
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.identity.logout((req.cookies as Record<string, string> | undefined)?.[REFRESH_COOKIE]);
    res.clearCookie(REFRESH_COOKIE, { path: '/api/v1/auth' });
  }
}
