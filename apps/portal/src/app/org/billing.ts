/**
 * The scanning add-on's state as the billing issue describes it: an entitlement from a Stripe
 * subscription, a platform admin's grant, or a license key, which can end.
 */
export interface AddonState {
  addon?: string;
  enabled: boolean;
  /** 'stripe' | 'grant' | 'license' (issue 6). */
  source?: string | null;
  status?: string | null;
  endsAt?: string | null;
  periodEnd?: string | null;
  stripeCustomer?: boolean;
  hasCustomer?: boolean;
}

/** One add-on out of `{enabled…}`, `{scanning: {…}}`, `{items: […]}` or `[…]`. */
export function scanningAddon(body: unknown): AddonState {
  const pick = (v: unknown): AddonState | undefined => {
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    if (typeof o['enabled'] === 'boolean') return o as unknown as AddonState;
    if (typeof o['active'] === 'boolean') return { ...(o as object), enabled: o['active'] };
    return undefined;
  };
  if (Array.isArray(body)) {
    const hit: unknown = (body as unknown[]).find((a) => {
      const o = a as { addon?: string; name?: string } | null;
      return o?.addon === 'scanning' || o?.name === 'scanning';
    });
    return pick(hit) ?? { enabled: false };
  }
  if (typeof body === 'object' && body !== null) {
    const o = body as Record<string, unknown>;
    return (
      pick(o['scanning']) ??
      (Array.isArray(o['items']) ? scanningAddon(o['items']) : undefined) ??
      pick(o) ?? { enabled: false }
    );
  }
  return { enabled: false };
}

export function addonDescription(a: AddonState): string {
  if (!a.enabled) return 'Not enabled';
  const via =
    a.source === 'stripe'
      ? 'through your subscription'
      : a.source === 'grant'
        ? 'granted by the platform'
        : a.source === 'license'
          ? 'by license key'
          : '';
  const end = a.endsAt ?? a.periodEnd;
  return ['Enabled', via, end ? `until ${new Date(end).toLocaleDateString()}` : ''].filter(Boolean).join(' ');
}

/** Only https Stripe pages (or this origin, for self-hosted test doubles) are followed. */
export function safeRedirect(url: unknown, origin: string): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url, origin);
    if (u.origin === origin || u.protocol === 'https:') return u.toString();
  } catch {
    return undefined;
  }
  return undefined;
}
