/**
 * Docker token authentication scopes (distribution `docs/spec/auth/scope.md`):
 * `repository:<name>:<action>[,<action>]`, `registry:catalog:*`. The resource type may carry a
 * class (`repository(plugin)`) which we ignore. Names may contain `:` only as a port in a host
 * prefix, which Drydock names never have, so the last `:` separates the actions.
 */
export type RepositoryAction = 'pull' | 'push' | 'delete' | '*';

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

export function parseScopes(values: readonly string[]): AccessEntry[] {
  const entries: AccessEntry[] = [];
  for (const value of values) {
    // One query parameter may hold several space-separated scopes (token.md, "Requesting a Token").
    for (const scope of value.split(' ')) {
      if (!scope) continue;
      const first = scope.indexOf(':');
      const last = scope.lastIndexOf(':');
      if (first < 0 || last === first) continue;
      const type = scope.slice(0, first).replace(/\(.*\)$/, '');
      const name = scope.slice(first + 1, last);
      const actions = scope
        .slice(last + 1)
        .split(',')
        .filter((a) => a.length > 0);
      if (!name || actions.length === 0) continue;
      mergeEntry(entries, { type, name, actions });
    }
  }
  return entries;
}

function mergeEntry(entries: AccessEntry[], e: AccessEntry): void {
  const existing = entries.find((x) => x.type === e.type && x.name === e.name);
  if (!existing) {
    entries.push({ type: e.type, name: e.name, actions: [...new Set(e.actions)] });
    return;
  }
  existing.actions = [...new Set([...existing.actions, ...e.actions])];
}

export function formatScope(e: AccessEntry): string {
  return `${e.type}:${e.name}:${e.actions.join(',')}`;
}

/** Whether a token's `access` claim grants `action` on repository `name`. */
export function accessAllows(
  access: readonly AccessEntry[],
  type: string,
  name: string,
  action: string,
): boolean {
  return access.some(
    (e) => e.type === type && e.name === name && (e.actions.includes(action) || e.actions.includes('*')),
  );
}
