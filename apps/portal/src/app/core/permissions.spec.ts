import { describe, expect, it } from '@jest/globals';
import {
  Permission,
  RepoAction,
  assignableRoles,
  canChangeMember,
  effectiveRepoLevel,
  orgCan,
  repoCan,
  repoSettingsAccess,
  scanAction,
} from './permissions.js';

describe('org capabilities', () => {
  it('lets owners and admins manage the organization, members nothing', () => {
    for (const c of [
      Permission.MembersManage,
      Permission.TeamsManage,
      Permission.ServiceAccountsManage,
      Permission.BillingManage,
    ]) {
      expect(orgCan('owner', c)).toBe(true);
      expect(orgCan('admin', c)).toBe(true);
      expect(orgCan('member', c)).toBe(false);
      expect(orgCan(undefined, c)).toBe(false);
    }
  });
});

describe('repository levels', () => {
  it('makes org owners and admins admin everywhere', () => {
    expect(effectiveRepoLevel('owner', undefined)).toBe('admin');
    expect(effectiveRepoLevel('admin', 'read')).toBe('admin');
    expect(effectiveRepoLevel('member', 'write')).toBe('write');
    expect(effectiveRepoLevel('member', null)).toBeUndefined();
  });

  it('orders read < write < admin', () => {
    expect(repoCan('read', RepoAction.Push)).toBe(false);
    expect(repoCan('write', RepoAction.Push)).toBe(true);
    expect(repoCan('admin', RepoAction.Push)).toBe(true);
    expect(repoCan(undefined, RepoAction.Pull)).toBe(false);
  });
});

describe('scanAction', () => {
  it('hides the Scan button from read-only users and says why', () => {
    const s = scanAction('read', true, false);
    expect(s.visible).toBe(false);
    expect(s.reason).toMatch(/write access/);
    expect(scanAction(undefined, true, false).visible).toBe(false);
  });

  it('shows it enabled for write and admin', () => {
    expect(scanAction('write', true, false)).toEqual({ visible: true, enabled: true });
    expect(scanAction('admin', true, false)).toEqual({ visible: true, enabled: true });
  });

  it('disables it without the add-on or while a scan runs', () => {
    expect(scanAction('write', false, false)).toMatchObject({ visible: true, enabled: false });
    expect(scanAction('write', false, false).reason).toMatch(/add-on/);
    expect(scanAction('admin', true, true)).toMatchObject({ visible: true, enabled: false });
  });
});

describe('repoSettingsAccess', () => {
  it('gives write the scan mode and admin the rest', () => {
    expect(repoSettingsAccess('read')).toEqual({
      canView: false,
      canChangeScanMode: false,
      canChangeVisibility: false,
      canManagePermissions: false,
      canDelete: false,
    });
    expect(repoSettingsAccess('write')).toMatchObject({
      canView: true,
      canChangeScanMode: true,
      canDelete: false,
    });
    expect(repoSettingsAccess('admin')).toMatchObject({ canDelete: true, canManagePermissions: true });
  });
});

describe('member management', () => {
  it('protects the last owner', () => {
    expect(canChangeMember('owner', { role: 'owner' }, 1)).toMatchObject({
      canRemove: false,
      canChangeRole: false,
    });
    expect(canChangeMember('owner', { role: 'owner' }, 2)).toMatchObject({ canRemove: true });
  });

  it('does not let admins change owners, nor members anyone', () => {
    expect(canChangeMember('admin', { role: 'owner' }, 3).canRemove).toBe(false);
    expect(canChangeMember('admin', { role: 'member' }, 1).canRemove).toBe(true);
    expect(canChangeMember('member', { role: 'member' }, 1).canRemove).toBe(false);
  });

  it('lets only owners hand out the owner role', () => {
    expect(assignableRoles('owner')).toContain('owner');
    expect(assignableRoles('admin')).toEqual(['admin', 'member']);
    expect(assignableRoles('member')).toEqual([]);
  });
});
