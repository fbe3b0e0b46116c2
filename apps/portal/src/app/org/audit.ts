import type { AuditEvent } from '../core/api-types.js';

/** Who did it, however the API spells the actor. */
export function actorLabel(e: AuditEvent): string {
  const a = e.actor;
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object') {
    const who = a.label ?? a.email ?? a.id ?? undefined;
    if (a.type === 'system') return 'system';
    if (who) return a.type === 'service_account' ? `${who} (service account)` : who;
  }
  return e.actorEmail ?? '—';
}

export function eventTime(e: AuditEvent): string | undefined {
  return e.createdAt ?? e.at;
}

/** A short, readable summary of the event's extra fields. */
export function detailsText(e: AuditEvent): string {
  const d = e.details ?? e.data ?? e.metadata;
  if (!d) return '';
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v as string | number | boolean)}`)
    .join(', ');
}
