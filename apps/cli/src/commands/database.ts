import type { Command } from 'commander';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  createDataSource,
  createLogger,
  ensureServices,
  TenantDb,
  type EmbeddedSet,
} from '@drydock/platform';
import { drydockSchema } from '../../../api/src/schema.js';

/** Opens the configured database (or the embedded one under the data directory). */
async function openDatabase(): Promise<{ ds: DataSource; services: EmbeddedSet; config: AppConfig }> {
  const config = AppConfig.fromEnv();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  // Only PostgreSQL is needed here; a placeholder Redis URL keeps ensureServices from starting one.
  const services = await ensureServices(
    {
      dataDir: config.dataDir,
      databaseUrl: config.database.url,
      redisUrl: config.redis.url ?? 'redis://unused',
    },
    logger,
  );
  const ds = createDataSource(services.databaseUrl, drydockSchema, 2);
  await ds.initialize();
  return { ds, services, config };
}

export function registerDatabaseCommands(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (or undo the last ones with --down)')
    .option('--down [count]', 'undo the last N migrations (default 1)')
    .action(async (opts: { down?: string | boolean }) => {
      const { ds, services } = await openDatabase();
      try {
        if (opts.down !== undefined) {
          const n = opts.down === true ? 1 : Number(opts.down);
          if (!Number.isInteger(n) || n < 1) throw new Error('--down takes a positive count');
          for (let i = 0; i < n; i++) await ds.undoLastMigration({ transaction: 'each' });
          console.log(`undid ${n} migration(s)`);
        } else {
          const ran = await ds.runMigrations({ transaction: 'each' });
          console.log(
            ran.length ? `applied: ${ran.map((m) => m.name).join(', ')}` : 'database is up to date',
          );
        }
      } finally {
        await ds.destroy();
        await services.stop();
      }
    });

  program
    .command('create-admin')
    .description(
      'Create the platform admin if absent (defaults: DRYDOCK_ADMIN_EMAIL / DRYDOCK_ADMIN_PASSWORD)',
    )
    .option('--email <email>', 'admin email')
    .option('--password <password>', 'admin password (at least 12 characters); prefer DRYDOCK_ADMIN_PASSWORD')
    .action(async (opts: { email?: string; password?: string }) => {
      const { ds, services, config } = await openDatabase();
      try {
        const email = opts.email ?? config.admin.email;
        const password = opts.password ?? config.admin.password;
        if (!email || !password)
          throw new Error(
            'give --email and --password, or set DRYDOCK_ADMIN_EMAIL and DRYDOCK_ADMIN_PASSWORD',
          );
        if (password.length < 12) throw new Error('the password must be at least 12 characters');
        await ds.runMigrations({ transaction: 'each' });
        const { ensurePlatformAdmin, AuditService } = await import('@drydock/identity');
        const db = new TenantDb(ds);
        const r = await ensurePlatformAdmin(db, new AuditService(db), email, password);
        console.log(
          r.created ? `platform admin ${email} created` : `${email} exists and is a platform admin`,
        );
      } finally {
        await ds.destroy();
        await services.stop();
      }
    });
}
