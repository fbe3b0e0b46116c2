import { describe, expect, it } from '@jest/globals';
import { addonDescription, safeRedirect, scanningAddon } from './billing.js';

describe('scanning add-on state', () => {
  it('reads the shapes the API may answer', () => {
    expect(scanningAddon({ enabled: true, source: 'grant' }).enabled).toBe(true);
    expect(scanningAddon({ scanning: { enabled: true } }).enabled).toBe(true);
    expect(scanningAddon({ items: [{ addon: 'scanning', enabled: true }] }).enabled).toBe(true);
    expect(scanningAddon([{ addon: 'other', enabled: true }]).enabled).toBe(false);
    expect(scanningAddon({ active: true }).enabled).toBe(true);
    expect(scanningAddon(null).enabled).toBe(false);
  });

  it('describes it', () => {
    expect(addonDescription({ enabled: false })).toBe('Not enabled');
    expect(addonDescription({ enabled: true, source: 'stripe' })).toBe('Enabled through your subscription');
  });

  it('follows only https or same-origin redirects', () => {
    expect(safeRedirect('https://checkout.stripe.com/c/pay/x', 'http://localhost:8080')).toBe(
      'https://checkout.stripe.com/c/pay/x',
    );
    expect(safeRedirect('/orgs/acme/billing?ok=1', 'http://localhost:8080')).toBe(
      'http://localhost:8080/orgs/acme/billing?ok=1',
    );
    expect(safeRedirect('javascript:alert(1)', 'http://localhost:8080')).toBeUndefined();
    expect(safeRedirect('http://evil.example', 'http://localhost:8080')).toBeUndefined();
    expect(safeRedirect(42, 'http://x')).toBeUndefined();
  });
});
