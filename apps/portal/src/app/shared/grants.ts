import { GrantTargetSchema } from '@drydock/contracts';
import type { Grant, GrantLevel } from '../core/api-types.js';
import { schemaProblem } from './schema-validation.js';

export const GRANT_LEVELS: readonly { value: GrantLevel; label: string }[] = [
  { value: 'read', label: 'Read-only (pull, view scans)' },
  { value: 'write', label: 'Read-write (push, scan, scan mode)' },
  { value: 'admin', label: 'Admin (settings, permissions, delete)' },
];

/**
 * A grant target is one repository (`acme/web`) or a namespace prefix ending in `/`
 * (`acme/payments/`, issue 3); both start with the organization's slug. Users may type the part
 * after the slug; this puts the slug in front.
 */
export function normalizeTarget(org: string, raw: string): string {
  let t = raw.trim().replace(/^\/+/, '');
  if (!t) return '';
  if (t !== org && !t.startsWith(`${org}/`)) t = `${org}/${t}`;
  return t;
}

export function targetProblem(org: string, target: string): string | undefined {
  if (!target) return 'Enter a repository or a namespace prefix.';
  if (!target.startsWith(`${org}/`)) {
    return `The target must be inside ${org}/, e.g. ${org}/web or ${org}/payments/.`;
  }
  const problem = schemaProblem(GrantTargetSchema, target);
  return problem ? `The target ${problem}.` : undefined;
}

export function isPrefix(target: string): boolean {
  return target.endsWith('/');
}

/** Does a grant reach a repository: exactly, or through a prefix it sits under? */
export function grantCovers(grant: Grant, repository: string): boolean {
  return isPrefix(grant.target) ? repository.startsWith(grant.target) : grant.target === repository;
}

export function describeTarget(target: string): string {
  return isPrefix(target) ? `every repository under ${target}` : target;
}
