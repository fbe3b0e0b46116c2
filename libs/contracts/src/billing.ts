import { z } from 'zod';

/** Request schemas and response types of the add-on and billing API (issue 6, "The licensed add-on"). */

export const ADDONS = ['scanning'] as const;
export type Addon = (typeof ADDONS)[number];
export const AddonSchema = z.enum(ADDONS);

/** Where an organization's entitlement to an add-on comes from. */
export const ENTITLEMENT_SOURCES = ['stripe', 'grant', 'license'] as const;
export type EntitlementSource = (typeof ENTITLEMENT_SOURCES)[number];

/**
 * Why an add-on is (not) enabled, as a stable code; the portal and the 402 problem both carry it.
 * `install_license` is a license configured for the whole installation (LICENSE_KEY).
 */
export const ADDON_REASONS = [
  'subscription_active',
  'subscription_trialing',
  'payment_failed_grace',
  'payment_failed',
  'subscription_incomplete',
  'subscription_canceled',
  'grant',
  'grant_expired',
  'grant_revoked',
  'license',
  'install_license',
  'license_expired',
  'license_invalid',
  'not_enabled',
  'disabled_by_platform',
] as const;
export type AddonReason = (typeof ADDON_REASONS)[number];

export interface AddonSourceStatus {
  source: EntitlementSource;
  /** `org` for a source of this organization, `install` for the installation's license key. */
  scope: 'org' | 'install';
  /** The source's own state: a Stripe subscription status, `active`/`revoked` for a grant, `active` for a license. */
  status: string;
  active: boolean;
  reason: AddonReason;
  /** When this source stops counting (grant end, license expiry, cancellation or end of the grace period); null: open-ended. */
  endsAt: string | null;
  /** Stripe: the end of the current billing period (it renews unless cancelled). */
  periodEnd: string | null;
  updatedAt: string | null;
}

export interface AddonStatusResponse {
  addon: Addon;
  enabled: boolean;
  reason: AddonReason;
  /** A sentence for people: what the state means and, when off, how an org owner or admin enables it. */
  message: string;
  /** When the add-on stops unless renewed; null while open-ended (a renewing subscription) or off. */
  endsAt: string | null;
  /** False when a platform admin has turned the add-on off for the whole installation. */
  instanceEnabled: boolean;
  /** Whether Stripe checkout is available on this installation. */
  billingConfigured: boolean;
  sources: AddonSourceStatus[];
}

export interface AddonListResponse {
  items: AddonStatusResponse[];
}

export const CheckoutRequest = z.object({ addon: AddonSchema });
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

export interface BillingSessionResponse {
  url: string;
}

export const ApplyLicenseRequest = z.object({
  key: z
    .string()
    .trim()
    .min(16, 'is not a license key')
    .max(16384, 'is too long')
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be "<payload>.<signature>" in base64url'),
});
export type ApplyLicenseRequest = z.infer<typeof ApplyLicenseRequest>;

/** A platform admin's grant (trials, comps). `endsAt` null or absent: until revoked. */
export const AddonGrantRequest = z.object({
  enabled: z.boolean(),
  endsAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).nullable().optional(),
});
export type AddonGrantRequest = z.infer<typeof AddonGrantRequest>;

/** The installation-wide switch of an add-on. */
export const PlatformAddonRequest = z.object({ enabled: z.boolean() });
export type PlatformAddonRequest = z.infer<typeof PlatformAddonRequest>;

export interface PlatformAddonResponse {
  addon: Addon;
  enabled: boolean;
  /** The value from configuration (SCANNING_ENABLED) that applies while no admin has set one. */
  default: boolean;
  updatedAt: string | null;
}

/** The payload signed inside an offline license key. */
export const LicensePayloadSchema = z.object({
  /** An organization slug, or "*" (or absent) for every organization of the installation. */
  org: z.string().min(1).max(40).optional(),
  addons: z.array(z.string().min(1)).min(1),
  expiresAt: z.iso.datetime({ offset: true }),
  /** Free-form identifiers for the issuer's records. */
  id: z.string().max(200).optional(),
  licensee: z.string().max(200).optional(),
});
export type LicensePayload = z.infer<typeof LicensePayloadSchema>;
