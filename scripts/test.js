// `npm test`: build, make sure PostgreSQL and Redis are there (embedded ones when DATABASE_URL /
// REDIS_URL are unset), then run the unit, portal, component, integration and e2e Jest projects.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildIfNeeded } from './build-if-needed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
buildIfNeeded(root);

const platform = await import(pathToFileURL(join(root, 'dist/libs/platform/src/index.js')).href);
const logger = platform.createLogger('warn');
const services = await platform.ensureServices(
  {
    dataDir: join(root, '.drydock', 'test'),
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
  },
  logger,
);
const env = {
  ...process.env,
  DATABASE_URL: services.databaseUrl,
  REDIS_URL: services.redisUrl,
  NODE_ENV: 'test',
};
const jest = ['--experimental-vm-modules', join(root, 'node_modules/jest/bin/jest.js')];
// Extra arguments (e.g. a path filter) go to every run; a run that a filter leaves empty is no failure.
const extra = process.argv.slice(2);
if (extra.length) extra.push('--passWithNoTests');
// --forceExit: a suite that leaves a handle open (a BullMQ connection closing late, a browser) must not
// keep the run from ending; every suite closes what it starts, and the result is already decided.
const runs = [
  ['--selectProjects', 'unit', 'portal', 'component', '--maxWorkers=2', '--forceExit'],
  ['--selectProjects', 'integration', 'e2e', '--runInBand', '--forceExit'],
];
let status = 0;
for (const args of runs) {
  const r = spawnSync(process.execPath, [...jest, ...extra, ...args], { stdio: 'inherit', env });
  if (r.status !== 0) status = r.status ?? 1;
}
await services.stop();
process.exit(status);
