/**
 * Lexical normalisation of tar entry names, clamped at the root (securejoin semantics): `..` never
 * climbs above `/`, absolute names are taken relative to the root. Returns the normalised path
 * (no leading or trailing slash, '' for the root) and whether the name tried to escape or was absolute.
 */
const CLEAN = { path: '', flagged: false };

/** The name itself when it is already a clean relative path (the common case), else null. */
export function cleanEntryPath(name: string): string | null {
  let s = name;
  if (s.charCodeAt(0) === 46 && s.charCodeAt(1) === 47) s = s.slice(2); // "./"
  if (s.charCodeAt(s.length - 1) === 47) s = s.slice(0, -1);
  if (
    s === '' ||
    s.charCodeAt(0) === 47 ||
    s.includes('//') ||
    s.includes('..') ||
    s.includes('/./') ||
    s.startsWith('./') ||
    s === '.'
  ) {
    return null;
  }
  return s;
}

export function normaliseEntryPath(name: string): { path: string; flagged: boolean } {
  // Fast path for the common case (already clean, at most a leading "./" or a trailing "/").
  let s = name.startsWith('./') ? name.slice(2) : name;
  if (s.endsWith('/')) s = s.slice(0, -1);
  if (
    s.charCodeAt(0) !== 47 &&
    !s.includes('//') &&
    !s.includes('/./') &&
    !s.includes('..') &&
    !s.startsWith('./') &&
    s !== '.'
  ) {
    return s === '' ? CLEAN : { path: s, flagged: false };
  }
  let flagged = false;
  if (name.startsWith('/')) flagged = true;
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      flagged = true;
      out.pop();
      continue;
    }
    out.push(part);
  }
  return { path: out.join('/'), flagged };
}

/** Resolve a hard link target (tar hard links name a path in the same archive). */
export function normaliseLinkTarget(target: string): { path: string; flagged: boolean } {
  return normaliseEntryPath(target);
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** True when `path` equals `dir` or lies below it ('' is the root and contains everything). */
export function isUnder(path: string, dir: string): boolean {
  if (dir === '') return true;
  return (
    path === dir || (path.length > dir.length && path.startsWith(dir) && path.charCodeAt(dir.length) === 47)
  );
}

/** Absolute display form used in reports: '/etc/os-release'. */
export function toAbsolute(path: string): string {
  return '/' + path;
}
