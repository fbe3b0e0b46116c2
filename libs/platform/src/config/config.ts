import { randomBytes } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads the environment (style habit 6). Every variable is validated here once at
 * boot; a bad or missing value stops the start with a message naming the variable.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.string().url();

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: url.optional(),
  DATA_DIR: z.string().min(1).default('.drydock'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  REDIS_PREFIX: z.string().min(1).default('drydock'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: int(60, 86400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: int(300, 90 * 86400).default(30 * 86400),
  LOGIN_MAX_FAILURES: int(1, 1000).default(5),
  LOGIN_FAILURE_WINDOW_SECONDS: int(1, 86400).default(900),
  DRYDOCK_ADMIN_EMAIL: z.string().email().optional(),
  DRYDOCK_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// URL')
    .optional(),
  SMTP_FROM: z.string().default('Drydock <no-reply@drydock.local>'),
  SECRETS_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)')
    .optional(),
  API_ENABLED: bool.default(true),
  WORKER_ENABLED: bool.default(true),
  PORTAL_DIR: z.string().optional(),
  STORAGE_PATH: z.string().optional(),
  REGISTRY_SERVICE: z.string().optional(),
  REGISTRY_SIGNING_KEY: z
    .string()
    .includes('PRIVATE KEY', { message: 'must be a PEM private key' })
    .optional(),
  REGISTRY_TOKEN_TTL_SECONDS: int(30, 86400).default(300),
  REGISTRY_UPLOAD_MAX_AGE_HOURS: int(1, 24 * 30).default(24),
  SCAN_CONCURRENCY: int(1, 64).default(2),
  SCAN_TIMEOUT_SECONDS: int(10, 86400).default(1800),
  SCANNING_ENABLED: bool.default(true),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  STRIPE_PRICE_SCANNING: z.string().optional(),
  STRIPE_API_URL: url.optional(),
  BILLING_GRACE_DAYS: int(0, 90).default(7),
  LICENSE_PUBLIC_KEY: z.string().optional(),
  LICENSE_KEY: z.string().optional(),
  NVD_URL: url.default('https://services.nvd.nist.gov/rest/json/cves/2.0'),
});

export type Env = z.infer<typeof EnvSchema>;

/** The names of every configuration variable (deploy files are checked against them). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface AppConfigShape {
  env: Env['NODE_ENV'];
  http: { port: number; host: string };
  publicUrl: string;
  dataDir: string;
  database: { url: string | undefined; poolSize: number };
  redis: { url: string | undefined; prefix: string };
  logLevel: Env['LOG_LEVEL'];
  auth: {
    jwtSecret: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    loginMaxFailures: number;
    loginFailureWindowSeconds: number;
  };
  admin: { email: string | undefined; password: string | undefined };
  smtp: { url: string | undefined; from: string };
  secretsKey: Buffer;
  roles: { api: boolean; worker: boolean };
  portalDir: string;
  storage: { path: string };
  registry: {
    service: string;
    signingKey: string;
    signingKeyId: string;
    tokenTtlSeconds: number;
    uploadMaxAgeHours: number;
  };
  scanning: { enabled: boolean; concurrency: number; timeoutSeconds: number };
  billing: {
    stripeSecretKey: string | undefined;
    stripeWebhookSecret: string | undefined;
    stripePriceScanning: string | undefined;
    stripeApiUrl: string | undefined;
    graceDays: number;
    licensePublicKey: string | undefined;
    licenseKey: string | undefined;
  };
  vulndb: { nvdUrl: string };
}

/** Reads a secret from the data directory, creating it on first use (single-node defaults). */
function persistedSecret(dataDir: string, name: string, make: () => string): string {
  const file = join(dataDir, 'secrets', name);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  // The data directory stays traversable (the embedded PostgreSQL runs as another system user when
  // started as root); only the secrets folder is private.
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  mkdirSync(join(dataDir, 'secrets'), { recursive: true, mode: 0o700 });
  const value = make();
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}

export function parseConfig(source: Record<string, string | undefined>, cwd = process.cwd()): AppConfigShape {
  // Empty strings mean "unset", as in most twelve-factor tooling.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([k, v]) => k in EnvSchema.shape && v !== undefined && v !== ''),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(cwd, e.DATA_DIR);
  const port = e.PORT;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const key = e.SECRETS_KEY ?? persistedSecret(dataDir, 'secrets.key', () => randomBytes(32).toString('hex'));
  const signingKey =
    e.REGISTRY_SIGNING_KEY ??
    persistedSecret(dataDir, 'registry-signing-key.pem', () =>
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    );
  return {
    env: e.NODE_ENV,
    http: { port, host: e.HOST },
    publicUrl,
    dataDir,
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    logLevel: e.LOG_LEVEL,
    auth: {
      jwtSecret:
        e.JWT_SECRET ?? persistedSecret(dataDir, 'jwt.secret', () => randomBytes(48).toString('base64url')),
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
      loginMaxFailures: e.LOGIN_MAX_FAILURES,
      loginFailureWindowSeconds: e.LOGIN_FAILURE_WINDOW_SECONDS,
    },
    admin: { email: e.DRYDOCK_ADMIN_EMAIL, password: e.DRYDOCK_ADMIN_PASSWORD },
    smtp: { url: e.SMTP_URL, from: e.SMTP_FROM },
    secretsKey: Buffer.from(key.trim(), 'hex'),
    roles: { api: e.API_ENABLED, worker: e.WORKER_ENABLED },
    portalDir: e.PORTAL_DIR ? resolve(cwd, e.PORTAL_DIR) : resolve(cwd, 'dist/portal/browser'),
    storage: { path: e.STORAGE_PATH ? resolve(cwd, e.STORAGE_PATH) : join(dataDir, 'blobs') },
    registry: {
      service: e.REGISTRY_SERVICE ?? new URL(publicUrl).host,
      signingKey,
      signingKeyId: 'drydock-registry-1',
      tokenTtlSeconds: e.REGISTRY_TOKEN_TTL_SECONDS,
      uploadMaxAgeHours: e.REGISTRY_UPLOAD_MAX_AGE_HOURS,
    },
    scanning: {
      enabled: e.SCANNING_ENABLED,
      concurrency: e.SCAN_CONCURRENCY,
      timeoutSeconds: e.SCAN_TIMEOUT_SECONDS,
    },
    billing: {
      stripeSecretKey: e.STRIPE_SECRET_KEY,
      stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
      stripePriceScanning: e.STRIPE_PRICE_SCANNING,
      stripeApiUrl: e.STRIPE_API_URL,
      graceDays: e.BILLING_GRACE_DAYS,
      licensePublicKey: e.LICENSE_PUBLIC_KEY,
      licenseKey: e.LICENSE_KEY,
    },
    vulndb: { nvdUrl: e.NVD_URL },
  };
}

/**
 * The injectable configuration. Nest modules receive it through DI; `AppConfig.fromEnv()` is the only
 * caller of `process.env`.
 */
export class AppConfig implements AppConfigShape {
  env!: AppConfigShape['env'];
  http!: AppConfigShape['http'];
  publicUrl!: string;
  dataDir!: string;
  database!: AppConfigShape['database'];
  redis!: AppConfigShape['redis'];
  logLevel!: AppConfigShape['logLevel'];
  auth!: AppConfigShape['auth'];
  admin!: AppConfigShape['admin'];
  smtp!: AppConfigShape['smtp'];
  secretsKey!: Buffer;
  roles!: AppConfigShape['roles'];
  portalDir!: string;
  storage!: AppConfigShape['storage'];
  registry!: AppConfigShape['registry'];
  scanning!: AppConfigShape['scanning'];
  billing!: AppConfigShape['billing'];
  vulndb!: AppConfigShape['vulndb'];

  constructor(shape: AppConfigShape) {
    Object.assign(this, shape);
  }

  static fromEnv(overrides: Record<string, string | undefined> = {}): AppConfig {
    return new AppConfig(parseConfig({ ...process.env, ...overrides }));
  }

  /** Copy with some fields replaced (embedded servers fill in the database and Redis URLs). */
  with(patch: Partial<AppConfigShape>): AppConfig {
    return new AppConfig({ ...this, ...patch });
  }
}
