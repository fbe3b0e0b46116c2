import type {
  OsvSource,
  VulndbSettingsRequest,
  VulndbSettingsView,
  VulndbStatusView,
  VulndbSyncProgress,
} from '@drydock/contracts';

/** Issue 5's settings and status shapes (`/api/v1/admin/vulndb/*`), from the API's contracts. */
export type { OsvSource } from '@drydock/contracts';
export type VulndbSettingsAnswer = VulndbSettingsView;

export interface VulndbSettingsForm {
  nvdEnabled: boolean;
  nvdUrl: string;
  /** Empty: keep the stored key. */
  apiKey: string;
  clearApiKey: boolean;
  intervalMinutes: number;
  sources: OsvSource[];
}

/** The status as the page holds it: the API's answer, or only `state` right after "Sync now". */
export type VulndbStatus = Pick<VulndbStatusView, 'state'> & Partial<VulndbStatusView>;

export const OSV_ECOSYSTEMS = ['Debian', 'Alpine', 'npm', 'PyPI', 'Go', 'Maven', 'crates.io', 'RubyGems'];

export function toForm(s: VulndbSettingsAnswer): VulndbSettingsForm {
  return {
    nvdEnabled: s.nvd.enabled,
    nvdUrl: s.nvd.url,
    apiKey: '',
    clearApiKey: false,
    intervalMinutes: s.nvd.intervalMinutes,
    sources: s.osv.sources.map((x) => ({ ...x })),
  };
}

/**
 * The PUT body. `apiKey` is write-only: sent only when the admin typed a new one (or `null` to
 * remove it), so saving other settings never erases the stored key.
 */
export function toRequest(f: VulndbSettingsForm): VulndbSettingsRequest & {
  nvd: NonNullable<VulndbSettingsRequest['nvd']>;
  osv: NonNullable<VulndbSettingsRequest['osv']>;
} {
  const nvd: NonNullable<VulndbSettingsRequest['nvd']> = {
    enabled: f.nvdEnabled,
    url: f.nvdUrl.trim(),
    intervalMinutes: Number(f.intervalMinutes),
  };
  if (f.clearApiKey) nvd.apiKey = null;
  else if (f.apiKey.trim()) nvd.apiKey = f.apiKey.trim();
  return {
    nvd,
    osv: {
      sources: f.sources
        .filter((s) => s.url.trim())
        .map((s) => ({ ecosystem: s.ecosystem, url: s.url.trim() })),
    },
  };
}

/**
 * What the status card reads as progress: the API's `VulndbSyncProgress`, and, so that another
 * form still shows something, a bare fraction or percentage or `{done, total}`.
 */
export type ProgressLike =
  VulndbSyncProgress | number | { done?: number; total?: number; phase?: string; source?: string } | null;

function isSyncProgress(p: ProgressLike | undefined): p is VulndbSyncProgress {
  return (
    typeof p === 'object' &&
    p !== null &&
    'fetched' in p &&
    typeof p.fetched === 'number' &&
    (p.source === 'nvd' || p.source === 'osv')
  );
}

export function statusProgress(s: { state: string; progress?: ProgressLike } | undefined): {
  percent: number | undefined;
  text: string;
} {
  if (!s || s.state !== 'running') return { percent: undefined, text: '' };
  const p = s.progress;
  if (isSyncProgress(p)) {
    if (p.source === 'osv') return { percent: undefined, text: `OSV ${p.ecosystem}: ${p.fetched} records` };
    const what = p.phase === 'initial' ? 'NVD initial sync' : 'NVD updates';
    if (p.totalResults <= 0) return { percent: undefined, text: what };
    return {
      percent: Math.min(100, (p.fetched / p.totalResults) * 100),
      text: `${what}: ${p.fetched} of ${p.totalResults}`,
    };
  }
  if (typeof p === 'number') {
    const pct = Math.max(0, Math.min(100, p <= 1 ? p * 100 : p));
    return { percent: pct, text: `${Math.round(pct)}%` };
  }
  if (p && typeof p.done === 'number' && typeof p.total === 'number' && p.total > 0) {
    const pct = Math.min(100, (p.done / p.total) * 100);
    return {
      percent: pct,
      text: `${[p.phase ?? p.source, `${p.done} of ${p.total}`].filter(Boolean).join(': ')}`,
    };
  }
  return { percent: undefined, text: p?.phase ?? p?.source ?? 'Running' };
}
