import type { DetectedComponent } from '../types.js';

/** node_modules/<name>/package.json or node_modules/@scope/<name>/package.json. */
const PACKAGE_ROOT = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/]+\/package\.json$/;

export function isNodeModulesPackageJson(path: string): boolean {
  return PACKAGE_ROOT.test(path);
}

function licensesOf(pkg: Record<string, unknown>): string[] {
  const l = pkg['license'];
  if (typeof l === 'string') return [l];
  if (l && typeof l === 'object' && typeof (l as { type?: unknown }).type === 'string')
    return [(l as { type: string }).type];
  const ls = pkg['licenses'];
  if (Array.isArray(ls)) {
    return ls
      .map((x: unknown) =>
        typeof x === 'string' ? x : x && typeof x === 'object' ? (x as { type?: unknown }).type : null,
      )
      .filter((x): x is string => typeof x === 'string');
  }
  return [];
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function parseInstalledPackageJson(text: string, absPath: string): DetectedComponent | null {
  const pkg = parseJsonObject(text);
  if (!pkg) return null;
  const name = pkg['name'];
  const version = pkg['version'];
  if (typeof name !== 'string' || !name || typeof version !== 'string' || !version) return null;
  return { type: 'npm', name, version, licenses: licensesOf(pkg), paths: [absPath], foundBy: 'npm' };
}

/** A project's own package.json: the names it depends on directly. */
export function parseProjectPackageJson(text: string): string[] | null {
  const pkg = parseJsonObject(text);
  if (!pkg) return null;
  const names = new Set<string>();
  for (const field of ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies']) {
    const deps = pkg[field];
    if (deps && typeof deps === 'object') for (const k of Object.keys(deps)) names.add(k);
  }
  return [...names];
}

export interface LockEntry {
  name: string;
  version: string;
  /** Directory where the package would be installed, relative to the root (normalised). */
  declaredAt: string;
}

/**
 * package-lock.json: v2/v3 list installed locations under `packages` ("node_modules/a/node_modules/b");
 * v1 nests `dependencies` objects. `dir` is the lockfile's directory (normalised, '' = root).
 */
export function parsePackageLock(text: string, dir: string): LockEntry[] | null {
  const lock = parseJsonObject(text);
  if (!lock) return null;
  const prefix = dir ? dir + '/' : '';
  const out: LockEntry[] = [];
  const packages = lock['packages'];
  if (packages && typeof packages === 'object') {
    for (const [key, raw] of Object.entries(packages as Record<string, unknown>)) {
      if (!key || !raw || typeof raw !== 'object') continue;
      const e = raw as Record<string, unknown>;
      if (e['link'] === true || typeof e['version'] !== 'string') continue;
      const i = key.lastIndexOf('node_modules/');
      if (i < 0) continue; // workspace folders, not installed packages
      const name = typeof e['name'] === 'string' ? e['name'] : key.slice(i + 'node_modules/'.length);
      out.push({ name, version: e['version'], declaredAt: prefix + key });
    }
    return out;
  }
  const walk = (deps: unknown, base: string, depth: number) => {
    if (!deps || typeof deps !== 'object' || depth > 64) return;
    for (const [name, raw] of Object.entries(deps as Record<string, unknown>)) {
      if (!raw || typeof raw !== 'object') continue;
      const e = raw as Record<string, unknown>;
      const at = `${base}node_modules/${name}`;
      if (typeof e['version'] === 'string' && !e['version'].startsWith('file:')) {
        out.push({ name, version: e['version'], declaredAt: at });
      }
      walk(e['dependencies'], at + '/', depth + 1);
    }
  };
  walk(lock['dependencies'], prefix, 0);
  return out;
}
