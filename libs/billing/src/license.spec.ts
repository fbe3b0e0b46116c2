import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { parseLicensePublicKey, signLicenseKey, verifyLicenseKey } from './license.js';

const vendor = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const now = new Date('2030-01-01T00:00:00Z');
const future = '2031-01-01T00:00:00.000Z';

describe('offline license keys', () => {
  const pub = vendor.publicKey;

  it('accepts a key signed by the vendor for this org, with its expiry', () => {
    const key = signLicenseKey({ org: 'acme', addons: ['scanning'], expiresAt: future }, vendor.privateKey);
    const v = verifyLicenseKey(key, pub, { addon: 'scanning', now, orgSlug: 'acme' });
    expect(v).toMatchObject({ ok: true, scope: 'org', expiresAt: new Date(future) });
  });

  it('an install-wide key ("*" or no org) covers every organization', () => {
    for (const org of ['*', undefined]) {
      const key = signLicenseKey({ org, addons: ['scanning'], expiresAt: future }, vendor.privateKey);
      expect(verifyLicenseKey(key, pub, { addon: 'scanning', now, orgSlug: 'anyone' }).ok).toBe(true);
      expect(verifyLicenseKey(key, pub, { addon: 'scanning', now })).toMatchObject({
        ok: true,
        scope: 'install',
      });
    }
  });

  it('refuses an expired key, another org’s key, and a key without the add-on', () => {
    const expired = signLicenseKey(
      { org: 'acme', addons: ['scanning'], expiresAt: '2029-12-31T23:59:59Z' },
      vendor.privateKey,
    );
    expect(verifyLicenseKey(expired, pub, { addon: 'scanning', now, orgSlug: 'acme' })).toMatchObject({
      ok: false,
      reason: 'expired',
      expiresAt: new Date('2029-12-31T23:59:59Z'),
    });
    const acme = signLicenseKey({ org: 'acme', addons: ['scanning'], expiresAt: future }, vendor.privateKey);
    expect(verifyLicenseKey(acme, pub, { addon: 'scanning', now, orgSlug: 'globex' })).toMatchObject({
      ok: false,
      reason: 'wrong_org',
    });
    const none = signLicenseKey({ org: 'acme', addons: ['other'], expiresAt: future }, vendor.privateKey);
    expect(verifyLicenseKey(none, pub, { addon: 'scanning', now, orgSlug: 'acme' })).toMatchObject({
      ok: false,
      reason: 'addon_not_included',
    });
  });

  it('refuses forged keys: another signer, an edited payload, garbage', () => {
    const forged = signLicenseKey({ org: 'acme', addons: ['scanning'], expiresAt: future }, other.privateKey);
    expect(verifyLicenseKey(forged, pub, { addon: 'scanning', now, orgSlug: 'acme' })).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    const genuine = signLicenseKey(
      { org: 'acme', addons: ['scanning'], expiresAt: '2030-02-01T00:00:00Z' },
      vendor.privateKey,
    );
    const [, sig] = genuine.split('.');
    const edited = Buffer.from(
      JSON.stringify({ org: 'acme', addons: ['scanning'], expiresAt: '2099-01-01T00:00:00Z' }),
    ).toString('base64url');
    expect(
      verifyLicenseKey(`${edited}.${sig}`, pub, { addon: 'scanning', now, orgSlug: 'acme' }),
    ).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    for (const junk of ['', 'abc', 'a.b.c', 'not-base64.%%%']) {
      expect(verifyLicenseKey(junk, pub, { addon: 'scanning', now }).ok).toBe(false);
    }
  });

  it('a signed payload of the wrong shape is malformed, not valid', () => {
    const body = Buffer.from(JSON.stringify({ addons: 'scanning' }));
    const key = `${body.toString('base64url')}.${sign(null, body, vendor.privateKey).toString('base64url')}`;
    expect(verifyLicenseKey(key, pub, { addon: 'scanning', now })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('without a configured public key nothing is valid', () => {
    const key = signLicenseKey({ addons: ['scanning'], expiresAt: future }, vendor.privateKey);
    expect(verifyLicenseKey(key, null, { addon: 'scanning', now })).toMatchObject({
      ok: false,
      reason: 'no_public_key',
    });
  });

  it('reads the public key as PEM, base64 DER, or base64 of the raw 32 bytes', () => {
    const pem = vendor.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const der = vendor.publicKey.export({ type: 'spki', format: 'der' });
    const raw = der.subarray(der.length - 32);
    const key = signLicenseKey({ addons: ['scanning'], expiresAt: future }, vendor.privateKey);
    for (const text of [
      pem,
      pem.replace(/\n/g, '\\n'),
      der.toString('base64'),
      raw.toString('base64'),
      raw.toString('base64url'),
    ]) {
      expect(verifyLicenseKey(key, parseLicensePublicKey(text), { addon: 'scanning', now }).ok).toBe(true);
    }
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(() => parseLicensePublicKey(ec)).toThrow(/Ed25519/);
  });
});
