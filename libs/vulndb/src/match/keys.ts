import { cpeKey, makeCpe, parseCpe, type Cpe } from './cpe.js';
import type { ImageContext, MatchComponent, VulnRecord } from '../model/types.js';

/**
 * Package keys: what a record is about and what a component is, in one string, so that a store can
 * index records and components by it and re-evaluation can find the components a change touched.
 *   ecosystem package: `<OSV ecosystem>/<normalised name>`  e.g. `Debian:12/openssl`, `npm/axios`
 *   CPE product:       `cpe:<vendor>:<product>`            e.g. `cpe:busybox:busybox`
 */

const CANONICAL_ECOSYSTEMS = [
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'crates.io',
  'RubyGems',
  'NuGet',
  'Packagist',
  'Hex',
  'Pub',
  'Debian',
  'Ubuntu',
  'Alpine',
  'Wolfi',
  'Chainguard',
  'Rocky Linux',
  'AlmaLinux',
  'Red Hat',
  'openSUSE',
  'SUSE',
];
const BY_LOWER = new Map(CANONICAL_ECOSYSTEMS.map((e) => [e.toLowerCase(), e]));

export function normalizeEcosystem(ecosystem: string): string {
  const [base, ...release] = ecosystem.trim().split(':');
  const canon = BY_LOWER.get(base.toLowerCase()) ?? base;
  return release.length > 0 ? `${canon}:${release.join(':')}` : canon;
}

export function normalizePackageName(ecosystem: string, name: string): string {
  const base = normalizeEcosystem(ecosystem).split(':')[0];
  switch (base) {
    case 'PyPI':
      // PEP 503 normalised name.
      return name
        .trim()
        .toLowerCase()
        .replace(/[-_.]+/g, '-');
    case 'Go':
      // Module paths are case-sensitive.
      return name.trim();
    default:
      return name.trim().toLowerCase();
  }
}

export function packageKey(ecosystem: string, name: string): string {
  return `${normalizeEcosystem(ecosystem)}/${normalizePackageName(ecosystem, name)}`;
}

const DISTRO_TYPES = new Set(['deb', 'apk', 'rpm']);

export function isDistroComponent(c: MatchComponent): boolean {
  return DISTRO_TYPES.has(c.type);
}

const LANGUAGE_ECOSYSTEMS: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  python: 'PyPI',
  go: 'Go',
  golang: 'Go',
  maven: 'Maven',
  java: 'Maven',
  cargo: 'crates.io',
  crates: 'crates.io',
  rust: 'crates.io',
  gem: 'RubyGems',
  rubygems: 'RubyGems',
  nuget: 'NuGet',
  composer: 'Packagist',
  hex: 'Hex',
  pub: 'Pub',
};

function major(v: string | null | undefined): string | null {
  if (!v) return null;
  return v.split('.')[0] ?? null;
}

/** The OSV ecosystem for a component in this image, or null when no ecosystem feed applies. */
export function componentEcosystem(c: MatchComponent, context: ImageContext): string | null {
  const lang = LANGUAGE_ECOSYSTEMS[c.type];
  if (lang) return lang;
  if (!isDistroComponent(c)) return null;
  const os = context.os;
  if (!os) return null;
  const id = os.id.toLowerCase();
  const vid = os.versionId ?? null;
  const type: string = c.type;
  switch (type) {
    case 'deb':
      if (id === 'debian' && major(vid)) return `Debian:${major(vid)}`;
      if (id === 'ubuntu' && vid) return `Ubuntu:${vid}`;
      return null;
    case 'apk': {
      if (id === 'alpine' && vid) {
        const [a, b] = vid.split('.');
        return b === undefined ? `Alpine:v${a}` : `Alpine:v${a}.${b}`;
      }
      if (id === 'wolfi') return 'Wolfi';
      if (id === 'chainguard') return 'Chainguard';
      return null;
    }
    case 'rpm':
      if (id === 'rocky' && major(vid)) return `Rocky Linux:${major(vid)}`;
      if (id === 'almalinux' && major(vid)) return `AlmaLinux:${major(vid)}`;
      return null;
    default:
      return null;
  }
}

/** The name and version a distro feed talks about: the SOURCE package and its version. */
export function ecosystemNameVersion(c: MatchComponent): { name: string; version: string | null } {
  if (isDistroComponent(c)) {
    return { name: c.sourceName || c.name, version: c.sourceVersion || c.version || null };
  }
  return { name: c.name, version: c.version || null };
}

/**
 * Well-known NVD vendor:product pairs for binaries found by their version string, where the
 * vendor differs from the product (NVD's CPE dictionary names).
 */
const KNOWN_PRODUCTS: Record<string, [string, string][]> = {
  busybox: [['busybox', 'busybox']],
  openssl: [['openssl', 'openssl']],
  curl: [
    ['haxx', 'curl'],
    ['haxx', 'libcurl'],
  ],
  libcurl: [['haxx', 'libcurl']],
  sqlite: [['sqlite', 'sqlite']],
  sqlite3: [['sqlite', 'sqlite']],
  bash: [['gnu', 'bash']],
  glibc: [['gnu', 'glibc']],
  tar: [['gnu', 'tar']],
  coreutils: [['gnu', 'coreutils']],
  xz: [['tukaani', 'xz']],
  'xz-utils': [['tukaani', 'xz']],
  zlib: [['zlib', 'zlib']],
  libxml2: [['xmlsoft', 'libxml2']],
  node: [['nodejs', 'node.js']],
  nodejs: [['nodejs', 'node.js']],
  python: [['python', 'python']],
  nginx: [['f5', 'nginx']],
  redis: [['redis', 'redis']],
  go: [['golang', 'go']],
  perl: [['perl', 'perl']],
  openssh: [['openbsd', 'openssh']],
  postgresql: [['postgresql', 'postgresql']],
  git: [['git-scm', 'git']],
  sudo: [['sudo_project', 'sudo']],
};

/** CPE candidates of a component without an ecosystem feed: the scanner's, else derived from its name. */
export function componentCpes(c: MatchComponent): Cpe[] {
  const given = (c.cpes ?? []).map(parseCpe).filter((x): x is Cpe => x !== null);
  if (given.length > 0) {
    // The component's own version wins over an unversioned candidate.
    return given.map((cpe) =>
      cpe.version === '*' && c.version ? { ...cpe, version: c.version.toLowerCase() } : cpe,
    );
  }
  const name = c.name.toLowerCase();
  const known = KNOWN_PRODUCTS[name] ?? [[name, name]];
  return known.map(([vendor, product]) => makeCpe('a', vendor, product, c.version));
}

/** Every package key under which candidate records for this component are indexed. */
export function componentKeys(c: MatchComponent, context: ImageContext): string[] {
  if (c.removed || c.lockfileOnly) return [];
  const ecosystem = componentEcosystem(c, context);
  if (ecosystem) return [packageKey(ecosystem, ecosystemNameVersion(c).name)];
  // NVD CPE matching is never applied to distro packages: their fixes are backported.
  if (isDistroComponent(c)) return [];
  return [...new Set(componentCpes(c).map((cpe) => cpeKey(cpe.vendor, cpe.product)))];
}

/** Every package key a record names (what a change to it touches). Withdrawn/rejected: none. */
export function recordKeys(record: VulnRecord): string[] {
  const keys = new Set<string>();
  if (record.source === 'osv') {
    if (record.osv.withdrawn) return [];
    for (const a of record.osv.affected) keys.add(packageKey(a.ecosystem, a.name));
  } else {
    if (record.nvd.vulnStatus.toLowerCase() === 'rejected') return [];
    for (const conf of record.nvd.configurations) {
      for (const node of conf.nodes) {
        for (const m of node.cpeMatch) {
          if (!m.vulnerable) continue;
          const cpe = parseCpe(m.criteria);
          if (cpe && cpe.vendor !== '*' && cpe.product !== '*') keys.add(cpeKey(cpe.vendor, cpe.product));
        }
      }
    }
  }
  return [...keys];
}

/** The CPE of the operating system, for platform (`vulnerable: false`) criteria of AND nodes. */
export function osCpes(context: ImageContext): Cpe[] {
  const os = context.os;
  if (!os) return [];
  const id = os.id.toLowerCase();
  const v = os.versionId ?? null;
  switch (id) {
    case 'debian':
      return [makeCpe('o', 'debian', 'debian_linux', v)];
    case 'ubuntu':
      return [makeCpe('o', 'canonical', 'ubuntu_linux', v)];
    case 'alpine':
      return [makeCpe('o', 'alpinelinux', 'alpine_linux', v)];
    default:
      return [makeCpe('o', id, id, v)];
  }
}
