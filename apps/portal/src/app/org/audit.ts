import type { AuditEvent } from '../core/api-types.js';

/** Who did it: a user's email, a service account's name, or the system. */
export function actorLabel(e: AuditEvent): string {
  const a = e.actor;
  if (a.type === 'system') return 'system';
  const who = a.label ?? a.id ?? '—';
  return a.type === 'service_account' ? `${who} (service account)` : who;
}

/** A short, readable summary of the event's scalar details. */
export function detailsText(e: AuditEvent): string {
  return Object.entries(e.details ?? {})
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v as string | number | boolean)}`)
    .join(', ');
}

export function filterEvents(events: readonly AuditEvent[], q: string): AuditEvent[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [...events];
  return events.filter((e) =>
    [e.action, actorLabel(e), e.target ?? '', detailsText(e)].join(' ').toLowerCase().includes(needle),
  );
}
