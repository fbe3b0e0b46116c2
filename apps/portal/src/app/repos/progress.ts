import type { ScanProgressRaw, ScanResult, ScanStatus } from './repo-types.js';

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
 * finer measure, so they win when both are there; a number is read as a fraction (≤ 1) or percent.
 */
export function scanProgress(status: ScanStatus, raw: ScanProgressRaw | number | null | undefined): Progress {
  if (status === 'completed') return { percent: 100, text: 'Scan complete' };
  if (status === 'queued') return { percent: undefined, text: 'Waiting for a worker' };
  if (status !== 'scanning') return { percent: undefined, text: '' };
  if (typeof raw === 'number') {
    const pct = clamp(raw <= 1 ? raw * 100 : raw);
    return { percent: pct, text: `${Math.round(pct)}%` };
  }
  const layersDone = raw?.layersDone ?? raw?.layers?.done;
  const layersTotal = raw?.layersTotal ?? raw?.layers?.total;
  const bytesDone = raw?.bytesRead ?? raw?.bytes?.read ?? raw?.bytes?.done;
  const bytesTotal = raw?.bytesTotal ?? raw?.bytes?.total;
  const pct =
    (typeof raw?.percent === 'number' ? clamp(raw.percent) : undefined) ??
    ratio(bytesDone, bytesTotal) ??
    ratio(layersDone, layersTotal);
  const parts: string[] = [];
  if (typeof layersTotal === 'number') parts.push(`${layersDone ?? 0} of ${layersTotal} layers`);
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
