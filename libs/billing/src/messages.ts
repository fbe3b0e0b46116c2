import type { Addon, AddonReason } from '@drydock/contracts';

const NAMES: Record<Addon, string> = { scanning: 'The security scanning add-on' };

/** How an organization turns an add-on on; the same words appear in the 402 problem and the portal. */
export function howToEnable(addon: Addon, orgSlug: string): string {
  return (
    `An organization owner or admin can enable it: subscribe with POST /api/v1/orgs/${orgSlug}/billing/checkout ` +
    `{"addon":"${addon}"}, or apply a license key with PUT /api/v1/orgs/${orgSlug}/addons/license; ` +
    `a platform admin can also grant it.`
  );
}

export function addonMessage(
  addon: Addon,
  reason: AddonReason,
  orgSlug: string,
  endsAt: Date | null,
): string {
  const name = NAMES[addon];
  const until = endsAt ? ` until ${endsAt.toISOString()}` : '';
  switch (reason) {
    case 'subscription_active':
      return `${name} is enabled by a Stripe subscription${until}.`;
    case 'subscription_trialing':
      return `${name} is enabled by a Stripe subscription in its trial${until}.`;
    case 'payment_failed_grace':
      return `${name} stays enabled${until} although a payment failed; update the payment method in the billing portal.`;
    case 'grant':
      return `${name} is enabled by a platform admin${until}.`;
    case 'license':
      return `${name} is enabled by a license key${until}.`;
    case 'install_license':
      return `${name} is enabled by this installation's license key${until}.`;
    case 'disabled_by_platform':
      return `${name} is turned off for this whole installation by a platform admin; nothing is scanned and results are not shown.`;
    case 'payment_failed':
      return `${name} is not enabled: a payment failed and the grace period is over. ${howToEnable(addon, orgSlug)}`;
    case 'subscription_incomplete':
      return `${name} is not enabled yet: the first payment of the subscription is not complete.`;
    case 'subscription_canceled':
      return `${name} is not enabled: the subscription has ended. ${howToEnable(addon, orgSlug)}`;
    case 'grant_expired':
    case 'grant_revoked':
      return `${name} is not enabled: the platform admin's grant has ended. ${howToEnable(addon, orgSlug)}`;
    case 'license_expired':
      return `${name} is not enabled: the license key has expired. ${howToEnable(addon, orgSlug)}`;
    case 'license_invalid':
      return `${name} is not enabled: the license key is not valid for this installation. ${howToEnable(addon, orgSlug)}`;
    case 'not_enabled':
      return `${name} is not enabled for this organization: pushes are not scanned and scan results are not available. ${howToEnable(addon, orgSlug)}`;
  }
}
