import 'reflect-metadata';
import { AppConfig, ConfigError, createLogger, ensureServices } from '@drydock/platform';
import { IdentityService } from '@drydock/identity';
import { createHttpApp } from './http-app.js';

/**
 * `npm start`: API and worker in one process on PORT, with embedded PostgreSQL/Redis when
 * DATABASE_URL/REDIS_URL are unset. SIGINT/SIGTERM close the app, then stop what was embedded.
 */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const services = await ensureServices(
    { dataDir: config.dataDir, databaseUrl: config.database.url, redisUrl: config.redis.url },
    logger,
  );
  let stopping = false;
  let app: Awaited<ReturnType<typeof createHttpApp>> | undefined;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app?.close().catch((err: unknown) => logger.error({ err }, 'error while closing'));
    await services.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  try {
    const effective = config.with({
      database: { ...config.database, url: services.databaseUrl },
      redis: { ...config.redis, url: services.redisUrl },
    });
    app = await createHttpApp(effective, logger, { migrate: true, worker: config.roles.worker });
    if (config.admin.email && config.admin.password) {
      const r = await app.get(IdentityService).ensurePlatformAdmin(config.admin.email, config.admin.password);
      if (r.created) logger.info({ email: config.admin.email }, 'platform admin created');
    }
    await app.listen(config.http.port, config.http.host);
    logger.info({ url: config.publicUrl, port: config.http.port }, 'drydock listening');
  } catch (err) {
    logger.fatal({ err }, 'start failed');
    await app?.close().catch(() => undefined);
    await services.stop();
    process.exit(1);
  }
}

await main();
