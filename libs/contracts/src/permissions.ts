/**
 * The role → permission table (style habit 4, after Harbor's rbac_role.go and Ghostfolio's
 * permissions.ts). The API's guards and the portal both read it, so the portal hides what the API
 * would refuse.
 */
export const ORG_ROLES = ['owner', 'admin', 'member'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const Permission = {
  OrgRead: 'org:read',
  OrgDelete: 'org:delete',
  MembersRead: 'members:read',
  MembersManage: 'members:manage',
  TeamsRead: 'teams:read',
  TeamsManage: 'teams:manage',
  ServiceAccountsManage: 'service_accounts:manage',
  BillingManage: 'billing:manage',
  AddonsRead: 'addons:read',
  AuditRead: 'audit:read',
  RepositoriesRead: 'repositories:read',
  RepositoriesCreate: 'repositories:create',
  /** Admin on every repository of the organization. */
  RepositoriesAdminAll: 'repositories:admin_all',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

const MEMBER: Permission[] = [
  Permission.OrgRead,
  Permission.MembersRead,
  Permission.TeamsRead,
  Permission.AddonsRead,
  Permission.RepositoriesRead,
  Permission.RepositoriesCreate,
];
const ADMIN: Permission[] = [
  ...MEMBER,
  Permission.MembersManage,
  Permission.TeamsManage,
  Permission.ServiceAccountsManage,
  Permission.BillingManage,
  Permission.AuditRead,
  Permission.RepositoriesAdminAll,
];

export const ROLE_PERMISSIONS: Record<OrgRole, readonly Permission[]> = {
  owner: [...ADMIN, Permission.OrgDelete],
  admin: ADMIN,
  member: MEMBER,
};

/**
 * What a service account may do at organization level: list the repositories its grants reach and read
 * the add-on state; everything else goes through repository grants.
 */
export const SERVICE_ACCOUNT_PERMISSIONS: readonly Permission[] = [
  Permission.OrgRead,
  Permission.AddonsRead,
  Permission.RepositoriesRead,
  Permission.RepositoriesCreate,
];

export function roleCan(role: OrgRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Repository permission levels, each including the one before. */
export const REPO_LEVELS = ['read', 'write', 'admin'] as const;
export type RepoLevel = (typeof REPO_LEVELS)[number];

export const RepoAction = {
  Pull: 'pull',
  ViewScans: 'view_scans',
  Push: 'push',
  DeleteTag: 'delete_tag',
  StartScan: 'start_scan',
  SetScanMode: 'set_scan_mode',
  Settings: 'settings',
  Permissions: 'permissions',
  DeleteRepository: 'delete_repository',
} as const;
export type RepoAction = (typeof RepoAction)[keyof typeof RepoAction];

export const LEVEL_ACTIONS: Record<RepoLevel, readonly RepoAction[]> = {
  read: [RepoAction.Pull, RepoAction.ViewScans],
  write: [
    RepoAction.Pull,
    RepoAction.ViewScans,
    RepoAction.Push,
    RepoAction.DeleteTag,
    RepoAction.StartScan,
    RepoAction.SetScanMode,
  ],
  admin: Object.values(RepoAction),
};

export function levelAllows(level: RepoLevel | null | undefined, action: RepoAction): boolean {
  return !!level && LEVEL_ACTIONS[level].includes(action);
}

export function maxLevel(a: RepoLevel | null, b: RepoLevel | null): RepoLevel | null {
  if (!a) return b;
  if (!b) return a;
  return REPO_LEVELS.indexOf(a) >= REPO_LEVELS.indexOf(b) ? a : b;
}

/** API token scopes. A token without scopes has all of them (within its owner's rights). */
export const TOKEN_SCOPES = [
  'api:read',
  'api:write',
  'registry:pull',
  'registry:push',
  'registry:delete',
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
