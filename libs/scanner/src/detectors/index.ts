import { basename, dirname, toAbsolute } from '../paths.js';
import type { LayerSource, LayerWarning } from '../types.js';
import { parseApkInstalled } from './apk.js';
import { parseDebianCopyright, parseDpkgList, parseDpkgStatus } from './dpkg.js';
import { scanJavaArchive } from './java.js';
import {
  isNodeModulesPackageJson,
  parseInstalledPackageJson,
  parsePackageLock,
  parseProjectPackageJson,
} from './npm.js';
import { parseOsRelease } from './os-release.js';
import { parsePythonMetadata } from './python.js';
import { parseRpmSqlite } from './rpm.js';

export type DetectorKind =
  | 'dpkg-status'
  | 'dpkg-list'
  | 'dpkg-copyright'
  | 'apk'
  | 'rpm'
  | 'os-release'
  | 'npm-package-json'
  | 'npm-lockfile'
  | 'python'
  | 'java';

/**
 * Decide from the path alone whether a regular file is buffered for a detector. Called for every
 * entry of every layer, so it looks at the base name first.
 */
export function classifyPath(path: string, base: string = basename(path)): DetectorKind | null {
  switch (base) {
    case 'package.json':
      return 'npm-package-json';
    case 'package-lock.json':
      return path.includes('node_modules/') ? null : 'npm-lockfile';
    case 'status':
      return path === 'var/lib/dpkg/status' ? 'dpkg-status' : null;
    case 'installed':
      return path === 'lib/apk/db/installed' ? 'apk' : null;
    case 'os-release':
      return path === 'etc/os-release' || path === 'usr/lib/os-release' ? 'os-release' : null;
    case 'rpmdb.sqlite':
      return path === 'usr/lib/sysimage/rpm/rpmdb.sqlite' || path === 'var/lib/rpm/rpmdb.sqlite'
        ? 'rpm'
        : null;
    case 'copyright':
      return path.startsWith('usr/share/doc/') && path.split('/').length === 5 ? 'dpkg-copyright' : null;
    case 'METADATA':
      return dirname(path).endsWith('.dist-info') ? 'python' : null;
    case 'PKG-INFO':
      return dirname(path).endsWith('.egg-info') ? 'python' : null;
    default:
      break;
  }
  if (path.startsWith('var/lib/dpkg/')) {
    if (path.startsWith('var/lib/dpkg/info/') && base.endsWith('.list')) return 'dpkg-list';
    if (path.startsWith('var/lib/dpkg/status.d/') && !base.endsWith('.md5sums') && !base.startsWith('.'))
      return 'dpkg-status';
  }
  const dot = base.lastIndexOf('.');
  if (dot > 0) {
    const ext = base.slice(dot + 1).toLowerCase();
    if (ext === 'jar' || ext === 'war' || ext === 'ear') return 'java';
    if (ext === 'egg-info') return 'python';
  }
  return null;
}

export function isArchiveKind(kind: DetectorKind): boolean {
  return kind === 'java' || kind === 'rpm';
}

export interface DetectorContext {
  maxArchiveBytes: number;
  warn(w: LayerWarning): void;
}

/** Run the detector for one buffered file. Never throws: a broken file yields a warning. */
export async function runDetector(
  kind: DetectorKind,
  path: string,
  data: Buffer,
  sha256: string,
  ctx: DetectorContext,
): Promise<LayerSource[]> {
  const abs = toAbsolute(path);
  try {
    switch (kind) {
      case 'dpkg-status':
        return [
          {
            kind: 'dpkg-status',
            path,
            components: parseDpkgStatus(data.toString('utf8'), '/var/lib/dpkg/status'),
          },
        ];
      case 'dpkg-list': {
        const r = parseDpkgList(data.toString('utf8'), basename(path));
        return [{ kind: 'dpkg-list', path, package: r.package, files: r.files }];
      }
      case 'dpkg-copyright': {
        const licenses = parseDebianCopyright(data.toString('utf8'));
        const pkg = path.split('/')[3];
        return licenses ? [{ kind: 'dpkg-copyright', path, package: pkg, licenses }] : [];
      }
      case 'apk': {
        const r = parseApkInstalled(data.toString('utf8'), abs);
        return [{ kind: 'apk-installed', path, components: r.components, owned: r.owned }];
      }
      case 'rpm': {
        const r = await parseRpmSqlite(data, abs);
        return [{ kind: 'rpm-db', path, components: r.components, owned: r.owned }];
      }
      case 'os-release': {
        const os = parseOsRelease(data.toString('utf8'), abs);
        return os ? [{ kind: 'os-release', path, os }] : [];
      }
      case 'npm-package-json': {
        const text = data.toString('utf8');
        if (isNodeModulesPackageJson(path)) {
          const c = parseInstalledPackageJson(text, abs);
          if (!c) return [];
          c.sha256 = sha256;
          return [{ kind: 'npm-package', path, component: c }];
        }
        if (path.includes('node_modules/')) return [];
        const deps = parseProjectPackageJson(text);
        return deps ? [{ kind: 'npm-project', path, dependencies: deps }] : [];
      }
      case 'npm-lockfile': {
        const entries = parsePackageLock(data.toString('utf8'), dirname(path));
        return entries ? [{ kind: 'npm-lockfile', path, entries }] : [];
      }
      case 'python': {
        const c = parsePythonMetadata(data.toString('utf8'), abs);
        if (!c) return [];
        c.sha256 = sha256;
        return [{ kind: 'python', path, component: c }];
      }
      case 'java': {
        const components = await scanJavaArchive(data, abs, ctx.maxArchiveBytes);
        for (const c of components) if (c.paths[0] === abs) c.sha256 = sha256;
        return components.length ? [{ kind: 'java', path, components }] : [];
      }
    }
  } catch (err) {
    ctx.warn({
      code: 'DETECTOR_FAILED',
      path: abs,
      message: `${kind}: ${err instanceof Error ? err.message : String(err)}`,
    });
    return [];
  }
}
