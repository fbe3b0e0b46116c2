import type { DetectedComponent } from '../types.js';

/**
 * lib/apk/db/installed (https://wiki.alpinelinux.org/wiki/Apk_spec): stanzas of single-letter
 * fields; P name, V version, A arch, o origin, L license, m maintainer, F directory, R file in
 * the last F directory.
 */
export function parseApkInstalled(
  text: string,
  absPath: string,
): { components: DetectedComponent[]; owned: Record<string, string[]> } {
  const components: DetectedComponent[] = [];
  const owned: Record<string, string[]> = {};
  for (const block of text.split(/\n\s*\n/)) {
    let name = '';
    let version = '';
    let arch: string | undefined;
    let origin: string | undefined;
    let license: string | undefined;
    let maintainer: string | undefined;
    let dir = '';
    const files: string[] = [];
    for (const line of block.split('\n')) {
      if (line.length < 2 || line[1] !== ':') continue;
      const v = line.slice(2);
      switch (line[0]) {
        case 'P':
          name = v;
          break;
        case 'V':
          version = v;
          break;
        case 'A':
          arch = v;
          break;
        case 'o':
          origin = v;
          break;
        case 'L':
          license = v;
          break;
        case 'm':
          maintainer = v;
          break;
        case 'F':
          dir = v.replace(/^\/+|\/+$/g, '');
          break;
        case 'R':
          files.push(dir ? `${dir}/${v}` : v);
          break;
        default:
          break;
      }
    }
    if (!name || !version) continue;
    const c: DetectedComponent = {
      type: 'apk',
      name,
      version,
      licenses: license ? license.split(/\s+(?:AND|OR)\s+|\s+/).filter(Boolean) : [],
      paths: [absPath],
      sourceName: origin ?? name,
      sourceVersion: version,
      foundBy: 'apk',
    };
    if (arch) c.arch = arch;
    if (origin) c.origin = origin;
    if (maintainer) c.maintainer = maintainer;
    components.push(c);
    owned[name] = files;
  }
  return { components, owned };
}
