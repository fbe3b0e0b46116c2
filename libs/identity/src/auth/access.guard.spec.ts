import { describe, expect, it } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import { AppError } from '@drydock/platform';
import { Access } from './access.decorator.js';
import { AccessGuard } from './access.guard.js';

class Routes {
  undeclared(): void {}
  @Access.public()
  open(): void {}
}

function contextFor(handler: () => void, headers: Record<string, string> = {}): ExecutionContext {
  const req = { headers, params: {}, method: 'GET' };
  return {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
}

describe('AccessGuard', () => {
  // No identity lookups happen on these paths, so the guard needs none of its collaborators.
  const guard = new AccessGuard(new Reflector(), undefined as never, undefined as never);

  it('refuses a route that declares no access rule', async () => {
    const err = await guard.canActivate(contextFor(Routes.prototype.undeclared)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(403);
  });

  it('lets anyone reach a route declared public', async () => {
    await expect(guard.canActivate(contextFor(Routes.prototype.open))).resolves.toBe(true);
  });
});
