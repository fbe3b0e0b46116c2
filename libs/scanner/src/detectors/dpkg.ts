import type { DetectedComponent } from '../types.js';
import { parseStanzas } from './control.js';

const NOT_INSTALLED = new Set(['not-installed', 'config-files']);

/** var/lib/dpkg/status and status.d/* (distroless) stanzas → installed binary packages. */
export function parseDpkgStatus(text: string, absPath: string): DetectedComponent[] {
  const out: DetectedComponent[] = [];
  for (const st of parseStanzas(text)) {
    const name = st.get('Package');
    const version = st.get('Version');
    if (!name || !version) continue;
    const status = st.get('Status');
    if (status) {
      const state = status.split(/\s+/)[2];
      if (state && NOT_INSTALLED.has(state)) continue;
    }
    let sourceName = name;
    let sourceVersion = version;
    const source = st.get('Source');
    if (source) {
      // "Source: glibc" or "Source: glibc (2.36-9)" when the source version differs.
      const m = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(source);
      if (m) {
        sourceName = m[1]!;
        if (m[2]) sourceVersion = m[2].trim();
      }
    }
    const c: DetectedComponent = {
      type: 'deb',
      name,
      version,
      licenses: [],
      paths: [absPath],
      sourceName,
      sourceVersion,
      foundBy: 'dpkg',
    };
    const arch = st.get('Architecture');
    if (arch) c.arch = arch;
    const maintainer = st.get('Maintainer');
    if (maintainer) c.maintainer = maintainer;
    out.push(c);
  }
  return out;
}

/** var/lib/dpkg/info/<pkg>[:arch].list → package name and the (normalised) paths it owns. */
export function parseDpkgList(text: string, fileName: string): { package: string; files: string[] } {
  const pkg = fileName.replace(/\.list$/, '').replace(/:[^:]+$/, '');
  const files: string[] = [];
  for (const line of text.split('\n')) {
    const p = line.trim().replace(/^\/+/, '');
    if (p && p !== '.') files.push(p.replace(/\/+$/, ''));
  }
  return { package: pkg, files };
}

const DEP5 =
  /^Format:\s*https?:\/\/(?:www\.)?debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/?\s*$/im;

/**
 * Machine-readable debian/copyright (DEP-5,
 * https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/): the short names of every
 * `License:` field. Free-form copyright files give nothing: guessing licenses from prose is wrong
 * too often to feed license policy.
 */
export function parseDebianCopyright(text: string): string[] | null {
  const firstPara = text.split(/\n\s*\n/, 1)[0] ?? '';
  if (!DEP5.test(firstPara)) return null;
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^License:[ \t]*(\S.*)$/.exec(line);
    if (m) out.add(m[1].trim());
  }
  return [...out];
}
