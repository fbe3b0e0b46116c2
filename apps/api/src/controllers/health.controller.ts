import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '@drydock/platform';
import { Access } from '@drydock/identity';

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @Access.public()
  healthz() {
    return { status: 'ok' };
  }

  /** Readiness: PostgreSQL and Redis answer. */
  @Get('readyz')
  @Access.public()
  async readyz(@Res({ passthrough: true }) res: Response) {
    const checks = { database: false, redis: false };
    try {
      await this.ds.query('SELECT 1');
      checks.database = true;
    } catch {
      /* reported below */
    }
    try {
      checks.redis = (await this.redis.ping()) === 'PONG';
    } catch {
      /* reported below */
    }
    const ok = checks.database && checks.redis;
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ready' : 'not_ready', checks };
  }
}
