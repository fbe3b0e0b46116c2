import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppConfig, createLogger, ensureServices } from '@drydock/platform';
import { CoreModule } from '../../api/src/core.module.js';
import { WorkerModule } from './worker.module.js';

/**
 * The worker on its own (production runs it as a separate deployment): an application context with
 * the feature modules and the job runner, no HTTP server.
 */
const config = AppConfig.fromEnv();
const logger = createLogger(config.logLevel);
const services = await ensureServices(
  { dataDir: config.dataDir, databaseUrl: config.database.url, redisUrl: config.redis.url },
  logger,
);
const effective = config.with({
  database: { ...config.database, url: services.databaseUrl },
  redis: { ...config.redis, url: services.redisUrl },
});
const app = await NestFactory.createApplicationContext(
  {
    module: class WorkerApp {},
    imports: [CoreModule.forRoot(effective, logger, { migrate: true }), WorkerModule],
  },
  { logger: false },
);
logger.info('drydock worker started');
const stop = async () => {
  await app.close();
  await services.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
