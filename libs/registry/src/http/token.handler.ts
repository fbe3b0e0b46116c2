import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '@drydock/platform';
import type { NextFunction, Request, Response } from 'express';
import { RegistryAuthService, TokenRequestError } from '../auth/registry-auth.service.js';

/**
 * GET /auth/token, the Docker token service (distribution docs/spec/auth/token.md). Errors use the
 * OAuth-ish `{errors:[...]}` shape Docker clients print. No refresh_token: the OAuth2 POST flow is
 * not implemented, and `docker login` only needs the GET with `offline_token=true` to succeed.
 */
@Injectable()
export class TokenHandler {
  constructor(
    @Inject(RegistryAuthService) private readonly auth: RegistryAuthService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const path = req.originalUrl.split('?')[0];
    if (path !== '/auth/token') return next();
    if (req.method !== 'GET') {
      res
        .status(405)
        .setHeader('Allow', 'GET')
        .json({ errors: [{ code: 'UNSUPPORTED', message: 'use GET' }] });
      return;
    }
    const url = new URL(req.originalUrl, 'http://x');
    const service = url.searchParams.get('service') ?? undefined;
    const scope = url.searchParams.getAll('scope');
    res.setHeader('Cache-Control', 'no-store');
    this.auth
      .issueToken(req.headers.authorization, { ...(service ? { service } : {}), scope })
      .then((body) => res.status(200).json(body))
      .catch((e: unknown) => {
        if (e instanceof TokenRequestError) {
          if (e.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="drydock"');
          res.status(e.status).json({
            errors: [{ code: e.status === 401 ? 'UNAUTHORIZED' : 'UNSUPPORTED', message: e.message }],
          });
          return;
        }
        this.logger.error({ err: e }, 'token request failed');
        res.status(500).json({ errors: [{ code: 'UNKNOWN', message: 'internal error' }] });
      });
  };
}
