import { describe, expect, it } from '@jest/globals';
import { orgCan } from '../core/permissions.js';
import { navFor } from './nav.js';

const labels = (s: ReturnType<typeof navFor>) => s.flatMap((x) => x.items.map((i) => i.label));

describe('navFor', () => {
  it('shows admin pages to owners and admins only', () => {
    expect(labels(navFor('acme', 'admin', false, orgCan))).toEqual(
      expect.arrayContaining(['Service accounts', 'Billing and add-ons', 'Audit log']),
    );
    const member = labels(navFor('acme', 'member', false, orgCan));
    expect(member).toContain('Repositories');
    expect(member).not.toContain('Service accounts');
    expect(member).not.toContain('Billing and add-ons');
  });

  it('adds the platform section for platform admins', () => {
    expect(labels(navFor(undefined, undefined, true, orgCan))).toContain('Vulnerability data');
    expect(labels(navFor(undefined, undefined, false, orgCan))).not.toContain('Vulnerability data');
  });
});
