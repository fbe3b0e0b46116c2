/**
 * What scanning needs of billing: whether an organization has the add-on. Behind a port so the
 * scanning lib does not depend on how the entitlement came to be (Stripe, a grant, a license key);
 * ScanningModule binds it to @drydock/billing's EntitlementsService.
 */
export interface AddonEntitlements {
  hasAddon(organizationId: string, addon: 'scanning'): Promise<boolean>;
}

export const SCANNING_ENTITLEMENTS = Symbol('SCANNING_ENTITLEMENTS');

export const ADDON_REQUIRED_MESSAGE =
  'Scanning is an add-on that is not enabled for this organization. An organization owner or admin can enable it on the Billing page of the portal (Organization settings → Billing → Scanning add-on).';
