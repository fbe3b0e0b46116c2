import type { GrantLevel, OrgRole } from './api-types.js';

/**
 * What the portal shows to whom. It mirrors the API's role → permission table (issue 2: owner,
 * admin manage members, teams, tokens and billing; issue 3: read < write < admin on a repository,
 * org owners and admins are admin everywhere). The API stays the authority: hiding a button only
 * spares the user a 403.
 */

export type OrgCapability =
  | 'members:manage'
  | 'teams:manage'
  | 'serviceAccounts:manage'
  | 'billing:manage'
  | 'audit:read'
  | 'repositories:create';

const ORG_CAPABILITIES: Record<OrgRole, readonly OrgCapability[]> = {
  owner: [
    'members:manage',
    'teams:manage',
    'serviceAccounts:manage',
    'billing:manage',
    'audit:read',
    'repositories:create',
  ],
  admin: [
    'members:manage',
    'teams:manage',
    'serviceAccounts:manage',
    'billing:manage',
    'audit:read',
    'repositories:create',
  ],
  member: [],
};

export function orgCan(role: OrgRole | undefined, capability: OrgCapability): boolean {
  return role !== undefined && ORG_CAPABILITIES[role].includes(capability);
}

const LEVEL_RANK: Record<GrantLevel, number> = { read: 1, write: 2, admin: 3 };

/** The effective level on a repository: org owners/admins are admin on every repository. */
export function effectiveRepoLevel(
  role: OrgRole | undefined,
  repoLevel: GrantLevel | undefined | null,
): GrantLevel | undefined {
  if (role === 'owner' || role === 'admin') return 'admin';
  return repoLevel ?? undefined;
}

export function levelAtLeast(level: GrantLevel | undefined, wanted: GrantLevel): boolean {
  return level !== undefined && LEVEL_RANK[level] >= LEVEL_RANK[wanted];
}

export interface ActionState {
  visible: boolean;
  enabled: boolean;
  /** Why it is disabled or hidden, for a tooltip. */
  reason?: string;
}

/**
 * The Scan button: present for read-write and admin; for read-only users it is absent and a hint
 * explains why (issue 7). Without the add-on it is shown but disabled, pointing at billing.
 */
export function scanAction(
  level: GrantLevel | undefined,
  addonEnabled: boolean,
  scanRunning: boolean,
): ActionState {
  if (!levelAtLeast(level, 'write')) {
    return {
      visible: false,
      enabled: false,
      reason: 'Starting a scan needs write access to this repository.',
    };
  }
  if (!addonEnabled) {
    return {
      visible: true,
      enabled: false,
      reason: 'The scanning add-on is not enabled. An organization admin can enable it under Billing.',
    };
  }
  if (scanRunning) return { visible: true, enabled: false, reason: 'A scan is already running.' };
  return { visible: true, enabled: true };
}

export interface RepoSettingsAccess {
  canView: boolean;
  canChangeScanMode: boolean;
  canChangeVisibility: boolean;
  canManagePermissions: boolean;
  canDelete: boolean;
}

export function repoSettingsAccess(level: GrantLevel | undefined): RepoSettingsAccess {
  const write = levelAtLeast(level, 'write');
  const admin = levelAtLeast(level, 'admin');
  return {
    canView: write,
    canChangeScanMode: write,
    canChangeVisibility: admin,
    canManagePermissions: admin,
    canDelete: admin,
  };
}

/** The last owner cannot be removed or demoted (issue 2); the UI disables those controls. */
export function canChangeMember(
  actorRole: OrgRole | undefined,
  member: { role: OrgRole },
  ownerCount: number,
): { canChangeRole: boolean; canRemove: boolean; reason?: string } {
  if (!orgCan(actorRole, 'members:manage')) {
    return { canChangeRole: false, canRemove: false, reason: 'Only owners and admins manage members.' };
  }
  if (member.role === 'owner' && actorRole !== 'owner') {
    return { canChangeRole: false, canRemove: false, reason: 'Only an owner can change another owner.' };
  }
  if (member.role === 'owner' && ownerCount <= 1) {
    return { canChangeRole: false, canRemove: false, reason: 'The last owner cannot be removed or demoted.' };
  }
  return { canChangeRole: true, canRemove: true };
}

/** Roles an actor may hand out: only owners make owners. */
export function assignableRoles(actorRole: OrgRole | undefined): OrgRole[] {
  if (actorRole === 'owner') return ['owner', 'admin', 'member'];
  if (actorRole === 'admin') return ['admin', 'member'];
  return [];
}
