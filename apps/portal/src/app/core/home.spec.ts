import { describe, expect, it } from '@jest/globals';
import { homePath, orgFromUrl, pickOrg, safeReturnUrl } from './home.js';

describe('home', () => {
  const orgs = [
    { slug: 'acme', role: 'owner' as const },
    { slug: 'beta', role: 'member' as const },
  ];

  it('picks the last used organization if still a member, else the first', () => {
    expect(pickOrg(orgs, 'beta')).toBe('beta');
    expect(pickOrg(orgs, 'gone')).toBe('acme');
    expect(pickOrg([], 'acme')).toBeUndefined();
  });

  it('goes to the repositories of the organization, or to the tokens page without one', () => {
    expect(homePath(orgs)).toBe('/orgs/acme/repositories');
    expect(homePath([])).toBe('/me/tokens');
  });

  it('follows only same-app return URLs', () => {
    expect(safeReturnUrl('/orgs/acme/members')).toBe('/orgs/acme/members');
    expect(safeReturnUrl('//evil.example')).toBeUndefined();
    expect(safeReturnUrl('https://evil.example')).toBeUndefined();
    expect(safeReturnUrl('/\\evil')).toBeUndefined();
    expect(safeReturnUrl('/sign-in')).toBeUndefined();
    expect(safeReturnUrl(undefined)).toBeUndefined();
  });

  it('reads the organization from the URL', () => {
    expect(orgFromUrl('/orgs/acme/repositories?q=1')).toBe('acme');
    expect(orgFromUrl('/orgs/acme')).toBe('acme');
    expect(orgFromUrl('/me/tokens')).toBeUndefined();
  });
});
