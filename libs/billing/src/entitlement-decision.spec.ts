import { describe, expect, it } from '@jest/globals';
import { decideAddon, type DecisionContext, type EntitlementFacts } from './entitlement-decision.js';
import type { LicenseVerdict } from './license.js';

const now = new Date('2030-06-15T12:00:00Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
const ctx = (over: Partial<DecisionContext> = {}): DecisionContext => ({
  now,
  graceDays: 7,
  instanceEnabled: true,
  installLicense: null,
  ...over,
});
const stripe = (status: string, over: Partial<EntitlementFacts> = {}): EntitlementFacts => ({
  source: 'stripe',
  status,
  periodEnd: days(20),
  endsAt: null,
  pastDueSince: null,
  updatedAt: now,
  ...over,
});
const grant = (over: Partial<EntitlementFacts> = {}): EntitlementFacts => ({
  source: 'grant',
  status: 'active',
  periodEnd: null,
  endsAt: null,
  pastDueSince: null,
  updatedAt: now,
  ...over,
});
const okLicense = (expiresAt: Date): LicenseVerdict => ({
  ok: true,
  payload: { addons: ['scanning'], expiresAt: expiresAt.toISOString() },
  expiresAt,
  scope: 'org',
});

describe('the add-on decision', () => {
  it('no source: not enabled', () => {
    expect(decideAddon([], ctx())).toMatchObject({ enabled: false, reason: 'not_enabled', sources: [] });
  });

  it('Stripe active and trialing subscriptions enable it, open-ended', () => {
    expect(decideAddon([stripe('active')], ctx())).toMatchObject({
      enabled: true,
      reason: 'subscription_active',
      endsAt: null,
    });
    expect(decideAddon([stripe('trialing')], ctx())).toMatchObject({
      enabled: true,
      reason: 'subscription_trialing',
    });
    // A scheduled cancellation is reported as the end.
    expect(decideAddon([stripe('active', { endsAt: days(20) })], ctx()).endsAt).toEqual(days(20));
  });

  it('past_due keeps it during the grace period counted from the first failure, then ends it', () => {
    const within = stripe('past_due', { pastDueSince: days(-3) });
    expect(decideAddon([within], ctx())).toMatchObject({
      enabled: true,
      reason: 'payment_failed_grace',
      endsAt: days(4),
    });
    const over = stripe('past_due', { pastDueSince: days(-8) });
    expect(decideAddon([over], ctx())).toMatchObject({ enabled: false, reason: 'payment_failed' });
    expect(decideAddon([stripe('unpaid', { pastDueSince: days(-1) })], ctx({ graceDays: 0 })).enabled).toBe(
      false,
    );
  });

  it('a cancelled subscription ends it at once, unless it ended inside a payment grace period', () => {
    expect(decideAddon([stripe('canceled', { endsAt: days(-1) })], ctx())).toMatchObject({
      enabled: false,
      reason: 'subscription_canceled',
    });
    expect(decideAddon([stripe('canceled', { pastDueSince: days(-2) })], ctx())).toMatchObject({
      enabled: true,
      reason: 'payment_failed_grace',
      endsAt: days(5),
    });
    expect(decideAddon([stripe('canceled', { pastDueSince: days(-9) })], ctx()).enabled).toBe(false);
  });

  it('incomplete and unknown statuses do not enable it', () => {
    for (const s of ['incomplete', 'incomplete_expired', 'paused', 'something_new']) {
      expect(decideAddon([stripe(s)], ctx()).enabled).toBe(false);
    }
  });

  it('a grant enables it until endsAt; a revoked or expired grant does not', () => {
    expect(decideAddon([grant({ endsAt: days(10) })], ctx())).toMatchObject({
      enabled: true,
      reason: 'grant',
      endsAt: days(10),
    });
    expect(decideAddon([grant({ endsAt: days(-1) })], ctx())).toMatchObject({
      enabled: false,
      reason: 'grant_expired',
    });
    expect(decideAddon([grant({ status: 'revoked' })], ctx())).toMatchObject({
      enabled: false,
      reason: 'grant_revoked',
    });
  });

  it('licenses: the org key and the install key count while valid', () => {
    const lic: EntitlementFacts = { ...grant(), source: 'license', license: okLicense(days(30)) };
    expect(decideAddon([lic], ctx())).toMatchObject({ enabled: true, reason: 'license', endsAt: days(30) });
    const expired: EntitlementFacts = {
      ...lic,
      license: { ok: false, reason: 'expired', message: 'x', expiresAt: days(-1) },
    };
    expect(decideAddon([expired], ctx())).toMatchObject({ enabled: false, reason: 'license_expired' });
    const forged: EntitlementFacts = {
      ...lic,
      license: { ok: false, reason: 'bad_signature', message: 'x' },
    };
    expect(decideAddon([forged], ctx())).toMatchObject({ enabled: false, reason: 'license_invalid' });

    const install = decideAddon([], ctx({ installLicense: okLicense(days(100)) }));
    expect(install).toMatchObject({ enabled: true, reason: 'install_license', endsAt: days(100) });
    expect(install.sources).toEqual([
      expect.objectContaining({ source: 'license', scope: 'install', active: true }),
    ]);
    // An install key for another organization is no source of this one.
    const elsewhere = decideAddon(
      [],
      ctx({ installLicense: { ok: false, reason: 'wrong_org', message: 'x' } }),
    );
    expect(elsewhere).toMatchObject({ enabled: false, reason: 'not_enabled', sources: [] });
  });

  it('any active source wins; the longest-lasting end is reported', () => {
    const d = decideAddon([stripe('canceled', { endsAt: days(-1) }), grant({ endsAt: days(3) })], ctx());
    expect(d).toMatchObject({ enabled: true, reason: 'grant', endsAt: days(3) });
    const lic: EntitlementFacts = { ...grant(), source: 'license', license: okLicense(days(30)) };
    expect(decideAddon([grant({ endsAt: days(3) }), lic], ctx()).endsAt).toEqual(days(30));
    expect(decideAddon([stripe('active'), grant({ endsAt: days(3) })], ctx()).endsAt).toBeNull();
  });

  it('the installation switch overrides every source', () => {
    const d = decideAddon([stripe('active'), grant()], ctx({ instanceEnabled: false }));
    expect(d).toMatchObject({ enabled: false, reason: 'disabled_by_platform', instanceEnabled: false });
    expect(d.sources.every((s) => s.active)).toBe(true);
  });
});
