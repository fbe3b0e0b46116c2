import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const SERVER_ENTRY = join(ROOT, 'dist/apps/api/src/main.js');

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

export interface StartedDrydock {
  url: string;
  port: number;
  child: ChildProcess;
  dataDir: string;
  db?: TestDatabase;
  /** The Redis key prefix (empty when embedded). */
  redisPrefix: string;
  output(): string;
  /** SIGTERM, wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the built server as its own process (a black box, as `npm start` runs it). By default on a fresh
 * database of the test PostgreSQL and a private Redis key prefix; `embedded: true` leaves DATABASE_URL and
 * REDIS_URL unset so it starts its own embedded servers.
 */
export async function startDrydock(
  opts: {
    env?: Record<string, string>;
    embedded?: boolean;
    timeoutMs?: number;
    /**
     * Run on the state of an earlier process (its database, data directory and Redis prefix), as a
     * restart does. The caller owns that state: stop() leaves it in place.
     */
    reuse?: { db: TestDatabase; dataDir: string; redisPrefix: string };
    /** stop() leaves the database and data directory in place, for a later `reuse`. */
    keepState?: boolean;
  } = {},
): Promise<StartedDrydock> {
  if (!existsSync(SERVER_ENTRY))
    throw new Error('the server is not built: run `npm run build:server` (npm test does)');
  const port = await freePort();
  const dataDir = opts.reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'drydock-e2e-'));
  const db = opts.reuse?.db ?? (opts.embedded ? undefined : await createTestDatabase('drydock_e2e'));
  const redisPrefix = opts.reuse?.redisPrefix ?? (db ? `dde2e-${randomBytes(4).toString('hex')}` : '');
  const keepState = opts.keepState === true || opts.reuse !== undefined;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    PORTAL_DIR: join(ROOT, 'dist/portal/browser'),
    ...(db
      ? {
          DATABASE_URL: db.url,
          REDIS_URL: process.env.REDIS_URL ?? '',
          REDIS_PREFIX: redisPrefix,
        }
      : {}),
    ...opts.env,
  };
  const child = spawn(process.execPath, [SERVER_ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`drydock exited with ${child.exitCode} before it was ready:\n${out}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`drydock did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    child,
    dataDir,
    db,
    redisPrefix,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (!keepState) {
        await db?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
      return code;
    },
  };
}

/** Processes whose command line mentions `needle` (e.g. a data directory), for orphan checks. */
export function processesMentioning(needle: string): string[] {
  const r = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes(needle) && !l.includes('ps -eo'));
}
