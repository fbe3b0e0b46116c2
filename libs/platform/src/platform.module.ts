import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from './config/config.js';
import { createDataSource, type SchemaParts } from './database/data-source.js';
import { TenantDb } from './database/tenant-db.js';
import { createLogger, LOGGER, type Logger } from './logging/logger.js';
import { createRedis, QueueName, REDIS } from './queues/queues.js';

export const QUEUES = Symbol('QUEUES');
export type Queues = Record<QueueName, Queue>;

export interface PlatformOptions {
  config: AppConfig;
  schema: SchemaParts;
  logger?: Logger;
  /** Run pending migrations when the data source starts (npm start does; tests too). */
  migrate?: boolean;
}

class PlatformLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(QUEUES) private readonly queues: Queues,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close().catch(() => undefined)));
    await this.redis.quit().catch(() => undefined);
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/**
 * Config, logging, the database and the queues, for every app (api, worker, cli). Global so that
 * feature modules inject them without re-importing.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(opts: PlatformOptions): DynamicModule {
    const logger = opts.logger ?? createLogger(opts.config.logLevel);
    return {
      module: PlatformModule,
      providers: [
        { provide: AppConfig, useValue: opts.config },
        { provide: LOGGER, useValue: logger },
        {
          provide: DataSource,
          useFactory: async () => {
            if (!opts.config.database.url)
              throw new Error('DATABASE_URL is not set and no embedded PostgreSQL was started');
            const ds = createDataSource(opts.config.database.url, opts.schema, opts.config.database.poolSize);
            await ds.initialize();
            if (opts.migrate) {
              const ran = await ds.runMigrations({ transaction: 'each' });
              if (ran.length) logger.info({ migrations: ran.map((m) => m.name) }, 'migrations applied');
            }
            return ds;
          },
        },
        TenantDb,
        {
          provide: REDIS,
          useFactory: () => {
            if (!opts.config.redis.url)
              throw new Error('REDIS_URL is not set and no embedded Redis was started');
            return createRedis(opts.config.redis.url);
          },
        },
        {
          provide: QUEUES,
          inject: [REDIS],
          useFactory: (redis: Redis): Queues =>
            Object.fromEntries(
              Object.values(QueueName).map((name) => [
                name,
                new Queue(name, { connection: redis, prefix: opts.config.redis.prefix }),
              ]),
            ) as Queues,
        },
        PlatformLifecycle,
      ],
      exports: [AppConfig, LOGGER, DataSource, TenantDb, REDIS, QUEUES],
    };
  }
}
