import type { OrgRole } from '../core/api-types.js';
import { Permission } from '../core/permissions.js';

export interface NavItem {
  label: string;
  link: string[];
}
export interface NavSection {
  title: string;
  items: NavItem[];
}

/** The side navigation: org admin pages only for those who may use them. */
export function navFor(
  slug: string | undefined,
  role: OrgRole | undefined,
  platformAdmin: boolean,
  can: (role: OrgRole | undefined, p: Permission) => boolean,
): NavSection[] {
  const sections: NavSection[] = [];
  if (slug) {
    const base = ['/orgs', slug];
    const org: NavItem[] = [
      { label: 'Repositories', link: [...base, 'repositories'] },
      { label: 'Members', link: [...base, 'members'] },
      { label: 'Teams', link: [...base, 'teams'] },
    ];
    if (can(role, Permission.ServiceAccountsManage))
      org.push({ label: 'Service accounts', link: [...base, 'service-accounts'] });
    if (can(role, Permission.BillingManage))
      org.push({ label: 'Billing and add-ons', link: [...base, 'billing'] });
    if (can(role, Permission.AuditRead)) org.push({ label: 'Audit log', link: [...base, 'audit'] });
    sections.push({ title: 'Organization', items: org });
  }
  sections.push({
    title: 'You',
    items: [
      { label: 'Profile', link: ['/me', 'profile'] },
      { label: 'Access tokens', link: ['/me', 'tokens'] },
    ],
  });
  if (platformAdmin) {
    sections.push({
      title: 'Platform',
      items: [
        { label: 'Vulnerability data', link: ['/admin', 'vulndb'] },
        { label: 'Organizations', link: ['/admin', 'orgs'] },
      ],
    });
  }
  return sections;
}
