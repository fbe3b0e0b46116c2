import type { Layer, LayerComponent, LayersResponse } from './repo-types.js';

export interface LayerRow {
  index: number;
  digest: string | null;
  createdBy: string;
  size: number | null;
  /** False when the scanner could not read the layer (the reason says why). */
  scanned: boolean;
  reason: string | undefined;
  added: LayerComponent[];
  removed: LayerComponent[];
}

/**
 * Layers in build order (issue 6: `createdBy` is the Dockerfile command). Accepts the contract's
 * `{layers}` answer or a bare list.
 */
export function layerRows(body: LayersResponse | Layer[] | null | undefined): LayerRow[] {
  const raw: Partial<Layer>[] = Array.isArray(body) ? body : (body?.layers ?? []);
  return raw
    .map((l, i) => ({
      index: typeof l.index === 'number' ? l.index : i,
      digest: l.digest ?? null,
      createdBy: cleanCommand(l.createdBy),
      size: l.size ?? null,
      scanned: l.status !== 'not-scanned',
      reason: l.reason,
      added: l.components ?? [],
      removed: l.removed ?? [],
    }))
    .sort((a, b) => a.index - b.index);
}

export function cleanCommand(cmd: string | null | undefined): string {
  if (!cmd) return '';
  return cmd
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
    .replace(/^\/bin\/sh -c /, 'RUN ')
    .replace(/\s+#\s*buildkit$/, '')
    .trim();
}

/** The layer that introduced the most vulnerable components is the one to look at first. */
export function defaultLayer(
  rows: readonly LayerRow[],
  countOf: (c: LayerComponent) => number,
): number | undefined {
  let best: LayerRow | undefined;
  let bestCount = 0;
  for (const r of rows) {
    const n = r.added.reduce((s, c) => s + countOf(c), 0);
    if (n > bestCount) {
      best = r;
      bestCount = n;
    }
  }
  return best?.index ?? rows.find((r) => r.added.length > 0)?.index ?? rows[0]?.index;
}
