import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, createLogger, type Logger } from '@drydock/platform';
import { createHttpApp } from '../../apps/api/src/http-app.js';
import { createTestDatabase, redisUrl, type TestDatabase } from './database.js';

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  db: TestDatabase;
  dataDir: string;
  /** Restart the HTTP app on the same database, storage and Redis prefix (e.g. resumable uploads). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  worker?: boolean;
  logger?: Logger;
}

/**
 * Boots the real API (and optionally the worker) on a fresh database, its own data directory and its own
 * Redis key prefix, listening on a free loopback port. Nothing is mocked.
 */
/** A free loopback port (the kernel's pick, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'drydock-test-'));
  const prefix = `ddtest-${randomBytes(4).toString('hex')}`;
  const logger = opts.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  // The port is chosen before boot so that PUBLIC_URL (Stripe's return URLs, token realms) is right.
  let port = await freePort();
  const make = async () => {
    const config = AppConfig.fromEnv({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: prefix,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'silent',
      PORTAL_DIR: join(dataDir, 'no-portal'),
      ...opts.env,
    });
    const app = await createHttpApp(config, logger, { migrate: true, worker: opts.worker ?? false });
    await app.listen(port, '127.0.0.1');
    const addr = app.getHttpServer().address() as { port: number };
    port = addr.port;
    const url = `http://127.0.0.1:${port}`;
    return { app, config, url };
  };
  let current = await make();
  const handle: TestApp = {
    get app() {
      return current.app;
    },
    get url() {
      return current.url;
    },
    get config() {
      return current.config;
    },
    db,
    dataDir,
    restart: async () => {
      await current.app.close();
      current = await make();
    },
    close: async () => {
      await current.app.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
