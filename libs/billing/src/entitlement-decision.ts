import type { AddonReason, AddonSourceStatus, EntitlementSource } from '@drydock/contracts';
import type { LicenseVerdict } from './license.js';

/**
 * Whether an organization has an add-on, decided from every source at once. Pure: the service
 * gathers the facts (rows, license verdicts, the platform switch, the clock) and this decides.
 */

export interface EntitlementFacts {
  source: EntitlementSource;
  status: string;
  periodEnd: Date | null;
  endsAt: Date | null;
  pastDueSince: Date | null;
  updatedAt: Date | null;
  /** For license rows: the key verified against this organization now. */
  license?: LicenseVerdict;
}

export interface DecisionContext {
  now: Date;
  graceDays: number;
  instanceEnabled: boolean;
  /** The installation-wide key (LICENSE_KEY) verified for this organization; null when none is set. */
  installLicense: LicenseVerdict | null;
}

export interface SourceDecision {
  source: EntitlementSource;
  scope: 'org' | 'install';
  status: string;
  active: boolean;
  reason: AddonReason;
  endsAt: Date | null;
  periodEnd: Date | null;
  updatedAt: Date | null;
}

export interface AddonDecision {
  enabled: boolean;
  reason: AddonReason;
  endsAt: Date | null;
  instanceEnabled: boolean;
  sources: SourceDecision[];
}

const DAY_MS = 86_400_000;

function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

/**
 * Stripe subscription statuses (https://docs.stripe.com/billing/subscriptions/overview#subscription-statuses).
 * A failed payment keeps the add-on for the grace period counted from the first failure; a
 * subscription that ends while in that period keeps it until the period is over, one that ends
 * without a payment problem ends the add-on at once.
 */
export function decideStripe(
  f: EntitlementFacts,
  now: Date,
  graceDays: number,
): Pick<SourceDecision, 'active' | 'reason' | 'endsAt'> {
  const graceEnd = addDays(f.pastDueSince ?? f.periodEnd ?? now, graceDays);
  switch (f.status) {
    case 'active':
      return { active: true, reason: 'subscription_active', endsAt: f.endsAt };
    case 'trialing':
      return { active: true, reason: 'subscription_trialing', endsAt: f.endsAt };
    case 'past_due':
    case 'unpaid': {
      const active = now < graceEnd;
      return { active, reason: active ? 'payment_failed_grace' : 'payment_failed', endsAt: graceEnd };
    }
    case 'canceled': {
      if (f.pastDueSince && now < graceEnd)
        return { active: true, reason: 'payment_failed_grace', endsAt: graceEnd };
      return { active: false, reason: 'subscription_canceled', endsAt: f.endsAt };
    }
    case 'incomplete':
      return { active: false, reason: 'subscription_incomplete', endsAt: null };
    default:
      // incomplete_expired, paused, and statuses Stripe may add later: not entitled.
      return { active: false, reason: 'subscription_canceled', endsAt: f.endsAt };
  }
}

function decideGrant(f: EntitlementFacts, now: Date): Pick<SourceDecision, 'active' | 'reason' | 'endsAt'> {
  if (f.status !== 'active') return { active: false, reason: 'grant_revoked', endsAt: f.endsAt };
  if (f.endsAt && f.endsAt <= now) return { active: false, reason: 'grant_expired', endsAt: f.endsAt };
  return { active: true, reason: 'grant', endsAt: f.endsAt };
}

function decideLicense(
  v: LicenseVerdict | undefined,
  fallbackEnd: Date | null,
  install: boolean,
): Pick<SourceDecision, 'active' | 'reason' | 'endsAt'> {
  if (v?.ok) return { active: true, reason: install ? 'install_license' : 'license', endsAt: v.expiresAt };
  const reason: AddonReason = v?.reason === 'expired' ? 'license_expired' : 'license_invalid';
  return { active: false, reason, endsAt: v?.expiresAt ?? fallbackEnd };
}

/** Sources in the order their reason is reported when several are active. */
const PRIORITY: EntitlementSource[] = ['stripe', 'grant', 'license'];

export function decideAddon(rows: EntitlementFacts[], ctx: DecisionContext): AddonDecision {
  const sources: SourceDecision[] = [...rows]
    .sort((a, b) => PRIORITY.indexOf(a.source) - PRIORITY.indexOf(b.source))
    .map((f) => {
      const d =
        f.source === 'stripe'
          ? decideStripe(f, ctx.now, ctx.graceDays)
          : f.source === 'grant'
            ? decideGrant(f, ctx.now)
            : decideLicense(f.license, f.endsAt, false);
      return {
        source: f.source,
        scope: 'org' as const,
        status: f.status,
        periodEnd: f.periodEnd,
        updatedAt: f.updatedAt,
        ...d,
      };
    });
  // An install-wide key that names another organization is not this organization's source at all.
  if (ctx.installLicense && !(ctx.installLicense.ok === false && ctx.installLicense.reason === 'wrong_org')) {
    const d = decideLicense(ctx.installLicense, null, true);
    sources.push({
      source: 'license',
      scope: 'install',
      status: 'active',
      periodEnd: null,
      updatedAt: null,
      ...d,
    });
  }

  const active = sources.filter((s) => s.active);
  // Open-ended wins: the add-on lasts as long as its longest-lasting source.
  const endsAt =
    active.length === 0 || active.some((s) => s.endsAt === null)
      ? null
      : new Date(Math.max(...active.map((s) => s.endsAt!.getTime())));
  if (!ctx.instanceEnabled) {
    return { enabled: false, reason: 'disabled_by_platform', endsAt: null, instanceEnabled: false, sources };
  }
  if (active.length > 0) {
    return { enabled: true, reason: active[0].reason, endsAt, instanceEnabled: true, sources };
  }
  return {
    enabled: false,
    reason: sources[0]?.reason ?? 'not_enabled',
    endsAt: null,
    instanceEnabled: true,
    sources,
  };
}

export function toSourceStatus(s: SourceDecision): AddonSourceStatus {
  return {
    source: s.source,
    scope: s.scope,
    status: s.status,
    active: s.active,
    reason: s.reason,
    endsAt: s.endsAt?.toISOString() ?? null,
    periodEnd: s.periodEnd?.toISOString() ?? null,
    updatedAt: s.updatedAt?.toISOString() ?? null,
  };
}
