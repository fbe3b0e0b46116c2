import type { DetectedComponent, OsInfo } from './types.js';

/** Package URL encoding (https://github.com/package-url/purl-spec): percent-encode all but unreserved. */
function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function qualifiers(q: Record<string, string | undefined>): string {
  const parts = Object.entries(q)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${enc(v)}`);
  return parts.length ? '?' + parts.join('&') : '';
}

const versionPart = (v: string | null) => (v ? '@' + enc(v) : '');

export function purlFor(c: DetectedComponent, os: OsInfo | null): string {
  const distro = os ? `${os.id}-${os.versionId ?? ''}`.replace(/-$/, '') : undefined;
  switch (c.type) {
    case 'deb': {
      const upstream = c.sourceName && c.sourceName !== c.name ? c.sourceName : undefined;
      return `pkg:deb/${enc(os?.id ?? 'debian')}/${enc(c.name)}${versionPart(c.version)}${qualifiers({ arch: c.arch, distro, upstream })}`;
    }
    case 'apk':
      return `pkg:apk/${enc(os?.id ?? 'alpine')}/${enc(c.name)}${versionPart(c.version)}${qualifiers({ arch: c.arch, distro })}`;
    case 'rpm': {
      // The purl version of an rpm is version-release; the epoch is a qualifier.
      const v = c.version ? c.version.replace(/^\d+:/, '') : null;
      return `pkg:rpm/${enc(os?.id ?? 'redhat')}/${enc(c.name)}${versionPart(v)}${qualifiers({
        arch: c.arch,
        distro,
        epoch: c.epoch ? String(c.epoch) : undefined,
      })}`;
    }
    case 'npm': {
      if (c.name.startsWith('@') && c.name.includes('/')) {
        const [scope, name] = c.name.split('/', 2) as [string, string];
        return `pkg:npm/${enc(scope)}/${enc(name)}${versionPart(c.version)}`;
      }
      return `pkg:npm/${enc(c.name)}${versionPart(c.version)}`;
    }
    case 'python':
      // PEP 503 normalisation, as the purl spec asks for pypi names.
      return `pkg:pypi/${enc(c.name.toLowerCase().replace(/[-_.]+/g, '-'))}${versionPart(c.version)}`;
    case 'golang':
      return `pkg:golang/${c.name.split('/').map(enc).join('/')}${versionPart(c.version)}`;
    case 'maven':
      return `pkg:maven/${c.group ? enc(c.group) + '/' : ''}${enc(c.name)}${versionPart(c.version)}`;
    case 'binary':
      return `pkg:generic/${enc(c.name)}${versionPart(c.version)}`;
  }
}

/** CPE 2.3 formatted-string escaping: everything but alphanumerics, '_', '-' and '.' gets a backslash. */
function cpeEscape(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_.-]/g, (ch) => '\\' + ch);
}

function cpe(vendor: string, product: string, version: string | null, targetSw = '*', update = '*'): string {
  const v = version ? cpeEscape(version) : '*';
  return `cpe:2.3:a:${cpeEscape(vendor)}:${cpeEscape(product)}:${v}:${update}:*:*:*:${targetSw}:*:*`;
}

/** NVD vendor:product pairs for the binaries the ELF detector knows. */
const BINARY_CPES: Record<string, [string, string][]> = {
  busybox: [['busybox', 'busybox']],
  openssl: [['openssl', 'openssl']],
  curl: [
    ['haxx', 'curl'],
    ['haxx', 'libcurl'],
  ],
  zlib: [['zlib', 'zlib']],
  sqlite: [['sqlite', 'sqlite']],
  openssh: [['openbsd', 'openssh']],
  nginx: [
    ['f5', 'nginx'],
    ['nginx', 'nginx'],
  ],
  'node.js': [['nodejs', 'node.js']],
  python: [['python', 'python']],
  glibc: [['gnu', 'glibc']],
};

/** Debian/rpm version → upstream version: drop the epoch and the distribution revision. */
export function upstreamVersion(v: string | null): string | null {
  if (!v) return null;
  let u = v.replace(/^\d+:/, '');
  const dash = u.lastIndexOf('-');
  if (dash > 0) u = u.slice(0, dash);
  return u.replace(/[+~](?:dfsg|ds|repack).*$/i, '').replace(/\.dfsg.*$/i, '');
}

/**
 * Candidate CPEs: NVD names products inconsistently, so these are guesses for the matcher to try,
 * not assertions. OS packages are matched by their distribution's advisories first.
 */
export function cpesFor(c: DetectedComponent): string[] {
  switch (c.type) {
    case 'binary': {
      const pairs = BINARY_CPES[c.name] ?? [[c.name, c.name]];
      const out: string[] = [];
      for (const [vendor, product] of pairs) {
        out.push(cpe(vendor, product, c.version));
        // NVD splits OpenSSH's portable suffix into the update field: 9.2p1 → 9.2 + p1.
        const m = c.name === 'openssh' && c.version ? /^(\d+\.\d+)(p\d+)$/.exec(c.version) : null;
        if (m) out.push(cpe(vendor, product, m[1], '*', m[2]));
      }
      return out;
    }
    case 'deb':
    case 'apk':
    case 'rpm': {
      const name = c.sourceName ?? c.name;
      return [cpe(name, name, upstreamVersion(c.sourceVersion ?? c.version))];
    }
    case 'npm': {
      const bare = c.name.replace(/^@[^/]+\//, '');
      return [cpe(`${bare}_project`, bare, c.version, 'node.js'), cpe(bare, bare, c.version, 'node.js')];
    }
    case 'python': {
      const n = c.name.toLowerCase();
      return [cpe(`${n}_project`, n, c.version, 'python'), cpe(n, n, c.version, 'python')];
    }
    case 'golang': {
      if (c.name === 'stdlib') return [cpe('golang', 'go', c.version)];
      const parts = c.name.split('/');
      const product = parts[parts.length - 1];
      const vendor = parts.length >= 3 ? parts[1] : product;
      return [cpe(vendor, product, c.version?.replace(/^v/, '') ?? null)];
    }
    case 'maven': {
      const vendor = c.group ? (c.group.split('.')[1] ?? c.group) : c.name;
      return [cpe(vendor, c.name, c.version)];
    }
  }
}
