import { describe, expect, it } from '@jest/globals';
import type { AuditEvent } from '../core/api-types.js';
import { actorLabel, detailsText, filterEvents } from './audit.js';
import { serviceAccountNameProblem } from './names.js';

const ev = (over: Partial<AuditEvent>): AuditEvent => ({
  id: '1',
  action: 'token.created',
  actor: { type: 'user', id: 'u1', label: 'ann@x.io' },
  target: null,
  details: {},
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
});

describe('audit events', () => {
  it('labels actors of every kind', () => {
    expect(actorLabel(ev({}))).toBe('ann@x.io');
    expect(actorLabel(ev({ actor: { type: 'service_account', id: 's', label: 'ci' } }))).toBe(
      'ci (service account)',
    );
    expect(actorLabel(ev({ actor: { type: 'system', id: null, label: null } }))).toBe('system');
    expect(actorLabel(ev({ actor: { type: 'user', id: null, label: null } }))).toBe('—');
  });

  it('filters a page by action, actor or target', () => {
    const page = [
      ev({}),
      ev({
        id: '2',
        action: 'member.removed',
        target: 'bob@x.io',
        actor: { type: 'system', id: null, label: null },
      }),
    ];
    expect(filterEvents(page, 'removed').map((e) => e.id)).toEqual(['2']);
    expect(filterEvents(page, 'ANN@').map((e) => e.id)).toEqual(['1']);
    expect(filterEvents(page, ' ')).toHaveLength(2);
  });

  it('summarises scalar details', () => {
    expect(detailsText(ev({ details: { role: 'admin', n: 2, nested: { x: 1 } } }))).toBe('role: admin, n: 2');
  });
});

describe('service account names', () => {
  it('follows the API rule', () => {
    expect(serviceAccountNameProblem('ci-deploy')).toBeUndefined();
    expect(serviceAccountNameProblem('CI')).toBeDefined();
    expect(serviceAccountNameProblem('x')).toBeDefined();
  });
});
