import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { LicensePayloadSchema, type Addon, type LicensePayload } from '@drydock/contracts';

/**
 * Offline license keys for self-hosted installs: `base64url(payload JSON) "." base64url(Ed25519
 * signature over the payload JSON bytes)`. The vendor keeps the private key; installs configure the
 * public key (LICENSE_PUBLIC_KEY). No network call is ever needed to check one.
 */

export type LicenseFailure =
  'no_public_key' | 'malformed' | 'bad_signature' | 'expired' | 'wrong_org' | 'addon_not_included';

export type LicenseVerdict =
  | { ok: true; payload: LicensePayload; expiresAt: Date; scope: 'org' | 'install' }
  | { ok: false; reason: LicenseFailure; message: string; expiresAt?: Date };

const FAILURE_MESSAGES: Record<LicenseFailure, string> = {
  no_public_key: 'This installation has no license public key configured (LICENSE_PUBLIC_KEY)',
  malformed: 'The license key is not a Drydock license key',
  bad_signature: 'The license key signature is not valid for this installation’s public key',
  expired: 'The license key has expired',
  wrong_org: 'The license key is issued to another organization',
  addon_not_included: 'The license key does not include this add-on',
};

/** The raw 32-byte Ed25519 public key as SubjectPublicKeyInfo DER starts with this fixed prefix (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Accepts a PEM public key, or base64 of the raw 32-byte key or of its DER SubjectPublicKeyInfo. */
export function parseLicensePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.includes('BEGIN')) {
    key = createPublicKey(trimmed.replace(/\\n/g, '\n'));
  } else {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    const der = bytes.length === 32 ? Buffer.concat([ED25519_SPKI_PREFIX, bytes]) : bytes;
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the license public key must be an Ed25519 key');
  return key;
}

export function signLicenseKey(payload: LicensePayload, privateKey: KeyObject | string): string {
  const keyObj = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const sig = sign(null, body, keyObj);
  return `${body.toString('base64url')}.${sig.toString('base64url')}`;
}

function fail(reason: LicenseFailure, expiresAt?: Date): LicenseVerdict {
  return { ok: false, reason, message: FAILURE_MESSAGES[reason], ...(expiresAt ? { expiresAt } : {}) };
}

export interface LicenseCheck {
  addon: Addon;
  now: Date;
  /**
   * The organization the key is applied to; undefined for the installation-wide key, which then
   * applies to every organization (org "*" or absent) or to the one it names (`appliesToOrg`).
   */
  orgSlug?: string;
}

/** Verifies signature, shape, add-on, organization and expiry, in that order (a forged key says only "forged"). */
export function verifyLicenseKey(
  key: string,
  publicKey: KeyObject | null,
  check: LicenseCheck,
): LicenseVerdict {
  if (!publicKey) return fail('no_public_key');
  const parts = key.trim().split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return fail('malformed');
  const body = Buffer.from(parts[0], 'base64url');
  const sig = Buffer.from(parts[1], 'base64url');
  let good = false;
  try {
    good = sig.length === 64 && verify(null, body, publicKey, sig);
  } catch {
    good = false;
  }
  if (!good) return fail('bad_signature');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return fail('malformed');
  }
  const parsed = LicensePayloadSchema.safeParse(json);
  if (!parsed.success) return fail('malformed');
  const payload = parsed.data;
  const expiresAt = new Date(payload.expiresAt);
  if (!payload.addons.includes(check.addon)) return fail('addon_not_included', expiresAt);
  const wildcard = payload.org === undefined || payload.org === '*';
  if (check.orgSlug !== undefined && !wildcard && payload.org !== check.orgSlug)
    return fail('wrong_org', expiresAt);
  if (expiresAt.getTime() <= check.now.getTime()) return fail('expired', expiresAt);
  return { ok: true, payload, expiresAt, scope: check.orgSlug === undefined ? 'install' : 'org' };
}

/** Whether a verified installation-wide key covers an organization. */
export function licenseCoversOrg(payload: LicensePayload, orgSlug: string): boolean {
  return payload.org === undefined || payload.org === '*' || payload.org === orgSlug;
}
