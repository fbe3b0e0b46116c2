/** Issue 5's settings and status shapes (`/api/v1/admin/vulndb/*`). */
export interface OsvSource {
  ecosystem: string;
  url: string;
}

export interface VulndbSettingsAnswer {
  nvd: { enabled: boolean; url: string; apiKeySet: boolean; intervalMinutes: number };
  osv: { sources: OsvSource[] };
}

export interface VulndbSettingsForm {
  nvdEnabled: boolean;
  nvdUrl: string;
  /** Empty: keep the stored key. */
  apiKey: string;
  clearApiKey: boolean;
  intervalMinutes: number;
  sources: OsvSource[];
}

export interface VulndbStatus {
  // 'idle' | 'running' (issue 5); kept open so a new state still renders.
  state: string;
  progress?: number | { done?: number; total?: number; phase?: string; source?: string } | null;
  lastSuccessAt?: string | null;
  lastError?: string | null;
  counts?: Record<string, number>;
  dbVersion?: string | null;
}

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
export function toRequest(f: VulndbSettingsForm): {
  nvd: { enabled: boolean; url: string; intervalMinutes: number; apiKey?: string | null };
  osv: { sources: OsvSource[] };
} {
  const nvd: { enabled: boolean; url: string; intervalMinutes: number; apiKey?: string | null } = {
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

export function statusProgress(s: VulndbStatus | undefined): { percent: number | undefined; text: string } {
  if (!s || s.state !== 'running') return { percent: undefined, text: '' };
  const p = s.progress;
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
