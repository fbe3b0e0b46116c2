// Builds what is missing or older than its sources: the server (tsc, incremental) and the portal.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

function run(script) {
  const r = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

export function buildIfNeeded(root, { force = false } = {}) {
  const serverOut = join(root, 'dist/apps/api/src/main.js');
  const serverSrc = Math.max(
    newest(join(root, 'apps/api/src')),
    newest(join(root, 'apps/worker/src')),
    newest(join(root, 'apps/cli/src')),
    newest(join(root, 'libs')),
  );
  if (force || mtime(serverOut) < serverSrc) {
    console.log('building the server (tsc)…');
    run('build:server');
  }
  const portalOut = join(root, 'dist/portal/browser/index.html');
  const portalSrc = Math.max(newest(join(root, 'apps/portal')), newest(join(root, 'libs/contracts/src')));
  if (existsSync(join(root, 'angular.json')) && (force || mtime(portalOut) < portalSrc)) {
    console.log('building the portal (Angular)…');
    run('build:portal');
  }
}
