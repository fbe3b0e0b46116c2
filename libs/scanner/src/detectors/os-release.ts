import type { OsInfo } from '../types.js';

/** os-release(5): KEY=value lines, values optionally quoted with shell-style escapes. */
export function parseOsRelease(text: string, absPath: string): OsInfo | null {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) {
      v = v.slice(1, -1).replace(/\\(["\\`$])/g, '$1');
    }
    kv.set(m[1], v);
  }
  const id = kv.get('ID');
  if (!id) return null;
  const os: OsInfo = {
    id,
    versionId: kv.get('VERSION_ID') ?? null,
    name: kv.get('NAME') ?? null,
    path: absPath,
  };
  const codename = kv.get('VERSION_CODENAME');
  if (codename) os.versionCodename = codename;
  const pretty = kv.get('PRETTY_NAME');
  if (pretty) os.prettyName = pretty;
  return os;
}
