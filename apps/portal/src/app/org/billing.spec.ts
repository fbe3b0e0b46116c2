import { describe, expect, it } from '@jest/globals';
import { addonDescription, safeRedirect, scanningAddon } from './billing.js';

const status = {
  addon: 'scanning',
  enabled: true,
  reason: 'grant',
  message: 'Scanning is enabled.',
  endsAt: null,
  instanceEnabled: true,
  billingConfigured: true,
  sources: [
    {
      source: 'grant',
      scope: 'org' as const,
      status: 'active',
      active: true,
      reason: 'grant',
      endsAt: null,
      periodEnd: null,
      updatedAt: null,
    },
  ],
};

describe('scanning add-on state', () => {
  it('reads the list and the single answer', () => {
    expect(scanningAddon({ items: [status] }).enabled).toBe(true);
    expect(scanningAddon(status).message).toBe('Scanning is enabled.');
    expect(scanningAddon({ items: [{ ...status, addon: 'other' }] }).enabled).toBe(false);
    expect(scanningAddon(null).enabled).toBe(false);
  });

  it('describes it with its sources', () => {
    expect(addonDescription(status)).toBe('Enabled (granted by the platform)');
    expect(addonDescription({ ...status, enabled: false })).toBe('Not enabled');
    expect(addonDescription({ ...status, instanceEnabled: false })).toBe('Turned off for this installation');
  });

  it('follows only https, same-origin or loopback http redirects', () => {
    expect(safeRedirect('https://checkout.stripe.com/c/pay/x', 'http://localhost:8080')).toBe(
      'https://checkout.stripe.com/c/pay/x',
    );
    expect(safeRedirect('/orgs/acme/billing?ok=1', 'http://localhost:8080')).toBe(
      'http://localhost:8080/orgs/acme/billing?ok=1',
    );
    expect(safeRedirect('javascript:alert(1)', 'http://localhost:8080')).toBeUndefined();
    expect(safeRedirect('http://evil.example', 'http://localhost:8080')).toBeUndefined();
    expect(safeRedirect('http://127.0.0.1:4242/checkout/cs_1', 'https://drydock.example')).toBe(
      'http://127.0.0.1:4242/checkout/cs_1',
    );
    expect(safeRedirect('http://localhost.evil.example/x', 'http://localhost:8080')).toBeUndefined();
    expect(safeRedirect('http://127.0.0.2/x', 'http://localhost:8080')).toBeUndefined();
    expect(safeRedirect(42, 'http://x')).toBeUndefined();
  });
});
