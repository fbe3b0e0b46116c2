import type { Severity } from '../model/types.js';

/**
 * CVSS v3.x base score from a vector string (FIRST CVSS v3.1 specification §7.1, and its
 * Roundup), for advisories that carry only a vector (OSV `severity`). v4.0 and v2 vectors are
 * kept as given without a computed score.
 */
const W = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

function roundup(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

export function cvss3BaseScore(vector: string): number | null {
  if (!/^CVSS:3\.[01]\//.test(vector)) return null;
  const m = new Map(
    vector
      .split('/')
      .slice(1)
      .map((p) => p.split(':') as [string, string]),
  );
  const av = W.AV[m.get('AV') as keyof typeof W.AV];
  const ac = W.AC[m.get('AC') as keyof typeof W.AC];
  const ui = W.UI[m.get('UI') as keyof typeof W.UI];
  const s = m.get('S');
  const c = W.CIA[m.get('C') as keyof typeof W.CIA];
  const i = W.CIA[m.get('I') as keyof typeof W.CIA];
  const a = W.CIA[m.get('A') as keyof typeof W.CIA];
  const prv = m.get('PR');
  if ([av, ac, ui, c, i, a].some((x) => x === undefined) || (s !== 'U' && s !== 'C')) return null;
  const pr =
    prv === 'N'
      ? 0.85
      : prv === 'L'
        ? s === 'C'
          ? 0.68
          : 0.62
        : prv === 'H'
          ? s === 'C'
            ? 0.5
            : 0.27
          : undefined;
  if (pr === undefined) return null;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = s === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return s === 'U'
    ? roundup(Math.min(impact + exploitability, 10))
    : roundup(Math.min(1.08 * (impact + exploitability), 10));
}

/** Qualitative rating of a CVSS v3/v4 score (v3.1 spec §5). */
export function severityOfScore(score: number): Severity {
  if (score === 0) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}
