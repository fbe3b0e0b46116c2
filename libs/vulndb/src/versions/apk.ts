/**
 * Alpine apk version comparison (apk-tools src/version.c): `digits{.digits}[letter]{_suffix[N]}[-rN]`.
 * Suffixes _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p; a component after
 * the first with a leading zero compares as a decimal fraction (apk's "1.01" < "1.1").
 */
const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

interface ApkVersion {
  numbers: string[];
  letter: string;
  suffixes: { rank: number; num: number }[];
  revision: number;
  hash: string;
}

function suffixRank(name: string): number {
  const pre = PRE_SUFFIXES.indexOf(name);
  if (pre >= 0) return pre - PRE_SUFFIXES.length; // negative: before "no suffix"
  const post = POST_SUFFIXES.indexOf(name);
  if (post >= 0) return post + 1;
  return 0;
}

export function parseApk(input: string): ApkVersion {
  let v = input.trim();
  let revision = 0;
  const r = /-r(\d+)$/.exec(v);
  if (r) {
    revision = Number(r[1]);
    v = v.slice(0, r.index);
  }
  let hash = '';
  const h = /~([0-9a-f]+)$/.exec(v);
  if (h) {
    hash = h[1]!;
    v = v.slice(0, h.index);
  }
  const parts = v.split('_');
  const head = parts.shift() ?? '';
  const m = /^([0-9]+(?:\.[0-9]+)*)([a-z]?)$/.exec(head);
  const numbers = m ? m[1].split('.') : head.split('.');
  const letter = m ? m[2] : '';
  const suffixes = parts.map((p) => {
    const s = /^([a-z]+)(\d*)$/.exec(p);
    return s ? { rank: suffixRank(s[1]), num: Number(s[2] || 0) } : { rank: 0, num: 0 };
  });
  return { numbers, letter, suffixes, revision, hash };
}

function cmp(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareComponent(a: string, b: string, first: boolean): number {
  if (!first && (a.startsWith('0') || b.startsWith('0'))) {
    // Fractional comparison: compare as digit strings padded on the right.
    const n = Math.max(a.length, b.length);
    const x = a.padEnd(n, '0');
    const y = b.padEnd(n, '0');
    return x === y ? 0 : x < y ? -1 : 1;
  }
  const x = BigInt(/^\d+$/.test(a) ? a : '0');
  const y = BigInt(/^\d+$/.test(b) ? b : '0');
  return x === y ? 0 : x < y ? -1 : 1;
}

export function compareApk(a: string, b: string): number {
  const x = parseApk(a);
  const y = parseApk(b);
  const n = Math.max(x.numbers.length, y.numbers.length);
  for (let i = 0; i < n; i++) {
    const p = x.numbers[i];
    const q = y.numbers[i];
    // More version components = newer (1.2.1 > 1.2).
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const c = compareComponent(p, q, i === 0);
    if (c !== 0) return c;
  }
  if (x.letter !== y.letter) return x.letter < y.letter ? -1 : 1;
  const m = Math.max(x.suffixes.length, y.suffixes.length);
  for (let i = 0; i < m; i++) {
    const p = x.suffixes[i] ?? { rank: 0, num: 0 };
    const q = y.suffixes[i] ?? { rank: 0, num: 0 };
    const c = cmp(p.rank, q.rank) || cmp(p.num, q.num);
    if (c !== 0) return c;
  }
  if (x.hash !== y.hash) return x.hash < y.hash ? -1 : 1;
  return cmp(x.revision, y.revision);
}
