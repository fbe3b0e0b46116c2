import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Permission } from '@drydock/contracts';
import type { Request } from 'express';
import type { OrgContext, Principal } from '../services/principal.js';

export const ACCESS_KEY = 'drydock:access';

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'platform_admin' }
  /** An organization route: `:org` is resolved; non-members get 404; `permission` decides 403. */
  | { kind: 'org'; permission: Permission };

/**
 * Every route declares who may call it (style habit 2); the global AccessGuard refuses a route that
 * declares nothing. One decorator applies the rule and its OpenAPI description together.
 */
export const Access = {
  public: () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessRule),
  authenticated: () =>
    applyDecorators(
      SetMetadata(ACCESS_KEY, { kind: 'authenticated' } satisfies AccessRule),
      ApiBearerAuth(),
      ApiUnauthorizedResponse(),
    ),
  platformAdmin: () =>
    applyDecorators(
      SetMetadata(ACCESS_KEY, { kind: 'platform_admin' } satisfies AccessRule),
      ApiBearerAuth(),
      ApiUnauthorizedResponse(),
      ApiForbiddenResponse({ description: 'Platform admins only' }),
    ),
  org: (permission: Permission) =>
    applyDecorators(
      SetMetadata(ACCESS_KEY, { kind: 'org', permission } satisfies AccessRule),
      ApiBearerAuth(),
      ApiUnauthorizedResponse(),
      ApiForbiddenResponse({ description: `Needs ${permission}` }),
      ApiNotFoundResponse({ description: 'No such organization, or not a member' }),
    ),
};

export type AuthedRequest = Request & { id?: string; principal?: Principal; org?: OrgContext };

/** The caller; throws if no guard set it (Twenty's auth-workspace decorator). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a route whose guard set no principal');
  return req.principal;
});

/** The caller when signed in, on public routes that also serve signed-in users. */
export const OptionalPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | undefined => {
    return ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  },
);

export const CurrentOrg = createParamDecorator((_: unknown, ctx: ExecutionContext): OrgContext => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.org) throw new Error('CurrentOrg used on a route without Access.org()');
  return req.org;
});

export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().id;
});
