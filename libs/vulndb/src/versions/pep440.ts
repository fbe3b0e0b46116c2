/**
 * PEP 440 version ordering (packaging.version's _cmpkey): epoch, release with trailing zeros
 * ignored, pre-release (a < b < rc), post-release, dev-release, local version label.
 */
interface Pep440 {
  epoch: number;
  release: number[];
  pre: [number, number] | null;
  post: number | null;
  dev: number | null;
  local: (number | string)[] | null;
}

const PEP440_RE =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d+)?)?(?:(?:-(\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\d+)?))?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/;

export function parsePep440(input: string): Pep440 | null {
  const m = PEP440_RE.exec(input.trim().toLowerCase());
  if (!m) return null;
  const preLetter = m[3];
  let pre: [number, number] | null = null;
  if (preLetter) {
    const rank =
      preLetter === 'a' || preLetter === 'alpha' ? 0 : preLetter === 'b' || preLetter === 'beta' ? 1 : 2;
    pre = [rank, Number(m[4] ?? 0)];
  }
  let post: number | null = null;
  if (m[5] !== undefined) post = Number(m[5]);
  else if (m[6] !== undefined) post = Number(m[7] ?? 0);
  return {
    epoch: Number(m[1] ?? 0),
    release: m[2].split('.').map(Number),
    pre,
    post,
    dev: m[8] !== undefined ? Number(m[9] ?? 0) : null,
    local: m[10] ? m[10].split(/[-_.]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : null,
  };
}

function cmp(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

export function comparePep440(a: string, b: string): number {
  const x = parsePep440(a);
  const y = parsePep440(b);
  if (!x || !y) {
    if (!x && !y) return a === b ? 0 : a < b ? -1 : 1;
    return x ? 1 : -1;
  }
  if (x.epoch !== y.epoch) return cmp(x.epoch, y.epoch);
  const rx = trimZeros(x.release);
  const ry = trimZeros(y.release);
  for (let i = 0; i < Math.max(rx.length, ry.length); i++) {
    const c = cmp(rx[i] ?? 0, ry[i] ?? 0);
    if (c !== 0) return c;
  }
  const c1 = cmpTuple(preKey(x), preKey(y));
  if (c1 !== 0) return c1;
  const c2 = cmp(x.post ?? -Infinity, y.post ?? -Infinity);
  if (c2 !== 0) return c2;
  const c3 = cmp(x.dev ?? Infinity, y.dev ?? Infinity);
  if (c3 !== 0) return c3;
  return compareLocal(x.local, y.local);
}

function trimZeros(r: number[]): number[] {
  let n = r.length;
  while (n > 1 && r[n - 1] === 0) n--;
  return r.slice(0, n);
}

// A dev release without a pre/post release sorts before all pre-releases of that version.
function preKey(v: Pep440): [number, number] {
  if (v.pre === null && v.post === null && v.dev !== null) return [-Infinity, 0];
  if (v.pre === null) return [Infinity, 0];
  return v.pre;
}

function cmpTuple(a: [number, number], b: [number, number]): number {
  return cmp(a[0], b[0]) || cmp(a[1], b[1]);
}

function compareLocal(a: (number | string)[] | null, b: (number | string)[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const p = a[i];
    const q = b[i];
    if (typeof p === 'number' && typeof q === 'number') {
      const c = cmp(p, q);
      if (c !== 0) return c;
    } else if (typeof p === 'number') return 1;
    else if (typeof q === 'number') return -1;
    else if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
