import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '@drydock/platform';
import express, { type NextFunction, type Request, type Response } from 'express';
import { OciError } from '../oci/errors.js';
import { formatScope } from '../token/scope.js';
import { RegistryAuthService, TokenRequestError, type IssuedToken } from '../auth/registry-auth.service.js';

/** The OAuth2 form is a handful of short fields; anything bigger is not a token request. */
const FORM_LIMIT = '16kb';

/**
 * /auth/token, the Docker token service (distribution docs/spec/auth/token.md).
 *
 * - GET: Basic credentials, `scope` repeated. Errors use the `{errors:[...]}` shape Docker clients
 *   print. `docker login` only needs the GET with `offline_token=true` to succeed.
 * - POST: the OAuth2 password grant (docs/spec/auth/oauth.md), a form with `grant_type=password`,
 *   `username`, `password`, `service`, `client_id` and space-separated `scope`. containerd tries it
 *   before the GET. Errors are RFC 6749 `{error, error_description}`.
 * - No refresh_token in either answer: the refresh grant is not offered, so POST refuses it as
 *   `unsupported_grant_type` and clients keep using their credentials.
 */
@Injectable()
export class TokenHandler {
  private readonly form = express.urlencoded({ extended: false, limit: FORM_LIMIT });

  constructor(
    @Inject(RegistryAuthService) private readonly auth: RegistryAuthService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const path = req.originalUrl.split('?')[0];
    if (path !== '/auth/token') return next();
    res.setHeader('Cache-Control', 'no-store');
    if (req.method === 'POST') {
      this.form(req, res, (err?: unknown) => {
        if (err) {
          const status = (err as { status?: number }).status === 413 ? 413 : 400;
          this.oauthError(res, status, 'invalid_request', 'the body must be a form of at most 16 KiB');
          return;
        }
        this.oauth(req, res);
      });
      return;
    }
    if (req.method !== 'GET') {
      res
        .status(405)
        .setHeader('Allow', 'GET, POST')
        .json({ errors: [{ code: 'UNSUPPORTED', message: 'use GET or POST' }] });
      return;
    }
    const url = new URL(req.originalUrl, 'http://x');
    const service = url.searchParams.get('service') ?? undefined;
    const scope = url.searchParams.getAll('scope');
    this.auth
      .issueToken(req.headers.authorization, { ...(service ? { service } : {}), scope }, req.ip ?? '')
      .then(({ granted: _granted, ...body }) => res.status(200).json(body))
      .catch((e: unknown) => {
        if (e instanceof OciError) {
          // Too many failed passwords (429 TOOMANYREQUESTS, Retry-After): the registry's own shape.
          for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
          res.status(e.status).json(e.toBody());
          return;
        }
        if (e instanceof TokenRequestError) {
          if (e.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="drydock"');
          res.status(e.status).json({
            errors: [{ code: e.status === 401 ? 'UNAUTHORIZED' : 'UNSUPPORTED', message: e.message }],
          });
          return;
        }
        this.failed(res, e, () =>
          res.status(500).json({ errors: [{ code: 'UNKNOWN', message: 'internal error' }] }),
        );
      });
  };

  private oauth(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const field = (k: string) => (typeof body[k] === 'string' ? body[k] : undefined);
    const grantType = field('grant_type');
    if (!grantType) return this.oauthError(res, 400, 'invalid_request', 'grant_type is required');
    if (grantType !== 'password')
      return this.oauthError(
        res,
        400,
        'unsupported_grant_type',
        'only the password grant is offered; no refresh tokens are issued',
      );
    const username = field('username');
    const password = field('password');
    if (!username || !password)
      return this.oauthError(res, 400, 'invalid_request', 'username and password are required');
    const service = field('service');
    const scope = field('scope');
    this.auth
      .issueOAuthToken(
        { username, password },
        { ...(service ? { service } : {}), scope: scope ? [scope] : [] },
        req.ip ?? '',
      )
      .then((issued: IssuedToken) => {
        res.setHeader('Pragma', 'no-cache');
        res.status(200).json({
          access_token: issued.access_token,
          token_type: 'Bearer',
          scope: issued.granted.map(formatScope).join(' '),
          expires_in: issued.expires_in,
          issued_at: issued.issued_at,
        });
      })
      .catch((e: unknown) => {
        if (e instanceof OciError && e.code === 'TOOMANYREQUESTS') {
          for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
          return this.oauthError(res, 429, 'too_many_requests', e.message);
        }
        if (e instanceof TokenRequestError) {
          // RFC 6749 §5.2: wrong resource owner credentials are an invalid grant.
          if (e.status === 401) return this.oauthError(res, 400, 'invalid_grant', e.message);
          return this.oauthError(res, e.status, 'invalid_request', e.message);
        }
        this.failed(res, e, () => this.oauthError(res, 500, 'server_error', 'internal error'));
      });
  }

  private oauthError(res: Response, status: number, error: string, description: string): void {
    res.status(status).json({ error, error_description: description });
  }

  private failed(res: Response, e: unknown, answer: () => void): void {
    this.logger.error({ err: e }, 'token request failed');
    if (!res.headersSent) answer();
  }
}
