import type { ScanProgress, ScanResult, ScanStatus } from './repo-types.js';

export interface Progress {
  /** 0–100, or undefined when the scan has not reported anything measurable yet. */
  percent: number | undefined;
  text: string;
}

const clamp = (n: number) => Math.max(0, Math.min(100, n));

function ratio(done: number | undefined, total: number | undefined): number | undefined {
  if (typeof done !== 'number' || typeof total !== 'number' || total <= 0) return undefined;
  return clamp((done / total) * 100);
}

/**
 * Scan progress from the API (issue 6: layers done / total, bytes read / total). Bytes are the
 * finer measure, so they win; layers count when the sizes are not known yet.
 */
export function scanProgress(status: ScanStatus, raw: ScanProgress | null | undefined): Progress {
  if (status === 'completed') return { percent: 100, text: 'Scan complete' };
  if (status === 'queued') return { percent: undefined, text: 'Waiting for a worker' };
  if (status !== 'scanning') return { percent: undefined, text: '' };
  const pct = ratio(raw?.bytesRead, raw?.bytesTotal) ?? ratio(raw?.layersDone, raw?.layersTotal);
  const parts: string[] = [];
  if (raw && raw.layersTotal > 0) parts.push(`${raw.layersDone} of ${raw.layersTotal} layers`);
  if (pct !== undefined) parts.push(`${Math.round(pct)}%`);
  return { percent: pct, text: parts.join(', ') || 'Scanning' };
}

export function isActive(status: ScanStatus | undefined): boolean {
  return status === 'queued' || status === 'scanning';
}

/** Poll faster while a scan runs, slowly otherwise; stop once it finished. */
export function pollDelay(result: Pick<ScanResult, 'status'> | undefined): number | undefined {
  if (!result) return undefined;
  if (result.status === 'scanning') return 1000;
  if (result.status === 'queued') return 2000;
  return undefined;
}
