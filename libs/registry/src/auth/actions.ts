import type { RegistryPrincipal, RepoLevel } from './identity-port.js';

export type RegistryAction = 'pull' | 'push' | 'delete';

/** Repository level → Docker scope actions. Read-write may also delete tags and manifests (issue 3). */
const LEVEL_ACTIONS: Record<RepoLevel, RegistryAction[]> = {
  read: ['pull'],
  write: ['pull', 'push', 'delete'],
  admin: ['pull', 'push', 'delete'],
};

/**
 * Actions a principal may take at a level. The level already reflects an API token's scopes
 * (identity caps it); a token that may push but was not given `registry:delete` (or `api:write`)
 * additionally loses delete.
 */
export function actionsFor(
  principal: RegistryPrincipal | null,
  level: RepoLevel | null,
): Set<RegistryAction> {
  const actions = new Set<RegistryAction>(level ? LEVEL_ACTIONS[level] : []);
  const scopes = principal?.scopes;
  if (scopes && scopes.length > 0 && !scopes.includes('registry:delete') && !scopes.includes('api:write')) {
    actions.delete('delete');
  }
  return actions;
}
