/**
 * RubyGems Gem::Version ordering: segments split on '.' and on digit/letter boundaries, trailing
 * zero segments dropped, a string segment marks a pre-release and sorts before any number.
 */
function segments(v: string): (number | string)[] {
  const out: (number | string)[] = [];
  for (const m of v
    .trim()
    .replace(/-/g, '.pre.')
    .matchAll(/[0-9]+|[a-z]+/gi)) {
    out.push(/^\d/.test(m[0]) ? Number(m[0]) : m[0]);
  }
  // Canonical segments: drop zeros right before the first string and at the end.
  const firstString = out.findIndex((s) => typeof s === 'string');
  const release = firstString === -1 ? out : out.slice(0, firstString);
  const pre = firstString === -1 ? [] : out.slice(firstString);
  while (release.length > 0 && release[release.length - 1] === 0) release.pop();
  return [...release, ...pre];
}

export function compareRubyGems(a: string, b: string): number {
  const x = segments(a);
  const y = segments(b);
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i] ?? 0;
    const q = y[i] ?? 0;
    if (p === q) continue;
    if (typeof p === 'string' && typeof q === 'number') return -1;
    if (typeof p === 'number' && typeof q === 'string') return 1;
    return p < q ? -1 : 1;
  }
  return 0;
}
