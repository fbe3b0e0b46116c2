import {
  Permission,
  RepoAction,
  levelAllows,
  roleCan,
  type OrgRole,
  type RepoLevel,
} from '@drydock/contracts';

/**
 * What the portal shows to whom, read from the API's own role → permission table in
 * `@drydock/contracts` (style habit 4: the portal hides what the API would refuse). The API stays
 * the authority: hiding a button only spares the user a 403.
 */

export { Permission, RepoAction };

export function orgCan(role: OrgRole | undefined, permission: Permission): boolean {
  return role !== undefined && roleCan(role, permission);
}

/** The effective level on a repository: org owners/admins are admin on every repository (issue 3). */
export function effectiveRepoLevel(
  role: OrgRole | undefined,
  repoLevel: RepoLevel | undefined | null,
): RepoLevel | undefined {
  if (orgCan(role, Permission.RepositoriesAdminAll)) return 'admin';
  return repoLevel ?? undefined;
}

export function repoCan(level: RepoLevel | undefined, action: RepoAction): boolean {
  return levelAllows(level, action);
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
  level: RepoLevel | undefined,
  addonEnabled: boolean,
  scanRunning: boolean,
): ActionState {
  if (!levelAllows(level, RepoAction.StartScan)) {
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
      reason:
        'The scanning add-on is not enabled. An organization admin can enable it under Billing and add-ons.',
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

export function repoSettingsAccess(level: RepoLevel | undefined): RepoSettingsAccess {
  return {
    canView: levelAllows(level, RepoAction.SetScanMode),
    canChangeScanMode: levelAllows(level, RepoAction.SetScanMode),
    canChangeVisibility: levelAllows(level, RepoAction.Settings),
    canManagePermissions: levelAllows(level, RepoAction.Permissions),
    canDelete: levelAllows(level, RepoAction.DeleteRepository),
  };
}

/** The last owner cannot be removed or demoted (issue 2); the UI disables those controls. */
export function canChangeMember(
  actorRole: OrgRole | undefined,
  member: { role: OrgRole },
  ownerCount: number,
): { canChangeRole: boolean; canRemove: boolean; reason?: string } {
  if (!orgCan(actorRole, Permission.MembersManage)) {
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
  if (orgCan(actorRole, Permission.MembersManage)) return ['admin', 'member'];
  return [];
}
