import { describe, expect, it } from '@jest/globals';
import { actorLabel, detailsText, eventTime } from './audit.js';
import { serviceAccountNameProblem } from './names.js';

describe('audit events', () => {
  it('labels actors of every kind', () => {
    expect(actorLabel({ id: '1', action: 'a', actor: { type: 'user', id: 'u1', label: 'ann@x.io' } })).toBe(
      'ann@x.io',
    );
    expect(
      actorLabel({ id: '1', action: 'a', actor: { type: 'service_account', id: 's', label: 'ci' } }),
    ).toBe('ci (service account)');
    expect(actorLabel({ id: '1', action: 'a', actor: { type: 'system', id: null, label: null } })).toBe(
      'system',
    );
    expect(actorLabel({ id: '1', action: 'a', actor: 'bob' })).toBe('bob');
    expect(actorLabel({ id: '1', action: 'a' })).toBe('—');
  });

  it('summarises scalar details and reads the time', () => {
    expect(detailsText({ id: '1', action: 'a', details: { role: 'admin', n: 2, nested: { x: 1 } } })).toBe(
      'role: admin, n: 2',
    );
    expect(eventTime({ id: '1', action: 'a', createdAt: '2026-01-01T00:00:00Z' })).toBe(
      '2026-01-01T00:00:00Z',
    );
  });
});

describe('service account names', () => {
  it('follows the API rule', () => {
    expect(serviceAccountNameProblem('ci-deploy')).toBeUndefined();
    expect(serviceAccountNameProblem('CI')).toMatch(/lowercase/);
    expect(serviceAccountNameProblem('x')).toMatch(/2 to 64/);
  });
});
