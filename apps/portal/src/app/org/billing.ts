/** The add-on and billing shapes of issue 6 are the API's own (`@drydock/contracts`). */
import type { AddonSourceStatus, AddonStatusResponse } from '@drydock/contracts';

export type { AddonSourceStatus };
export type AddonState = AddonStatusResponse;

const OFF: AddonState = {
  addon: 'scanning',
  enabled: false,
  reason: 'not_enabled',
  message: '',
  endsAt: null,
  instanceEnabled: true,
  billingConfigured: false,
  sources: [],
};

/** The scanning add-on out of `GET /orgs/{org}/addons` (`{items}`) or `GET …/addons/scanning`. */
export function scanningAddon(body: unknown): AddonState {
  if (typeof body !== 'object' || body === null) return OFF;
  const o = body as { items?: unknown[]; addon?: string; enabled?: unknown };
  if (Array.isArray(o.items)) {
    const hit = o.items.find((a) => (a as { addon?: string } | null)?.addon === 'scanning');
    return hit ? scanningAddon(hit) : OFF;
  }
  if (typeof o.enabled !== 'boolean') return OFF;
  return { ...OFF, ...(o as Partial<AddonState>), sources: (o as Partial<AddonState>).sources ?? [] };
}

const SOURCE_LABEL: Record<string, string> = {
  stripe: 'Stripe subscription',
  grant: 'granted by the platform',
  license: 'license key',
};

export function sourceLabel(s: AddonSourceStatus): string {
  const base = SOURCE_LABEL[s.source] ?? s.source;
  return s.scope === 'install' ? `${base} (whole installation)` : base;
}

export function addonDescription(a: AddonState): string {
  if (!a.instanceEnabled) return 'Turned off for this installation';
  if (!a.enabled) return 'Not enabled';
  const active = a.sources.filter((s) => s.active).map(sourceLabel);
  const end = a.endsAt ? `until ${new Date(a.endsAt).toLocaleDateString()}` : '';
  return ['Enabled', active.length ? `(${active.join(', ')})` : '', end].filter(Boolean).join(' ');
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Only https pages (Stripe), this origin, or plain http on a loopback host (a Stripe stand-in in a
 * development or test setup; a page on the user's own machine) are followed after checkout/portal calls.
 */
export function safeRedirect(url: unknown, origin: string): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url, origin);
    if (u.origin === origin || u.protocol === 'https:') return u.toString();
    if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return u.toString();
  } catch {
    return undefined;
  }
  return undefined;
}
