import { describe, expect, it } from '@jest/globals';
import { describeTarget, grantCovers, normalizeTarget, targetProblem } from './grants.js';

describe('grant targets', () => {
  it('puts the organization in front of a bare path', () => {
    expect(normalizeTarget('acme', 'web')).toBe('acme/web');
    expect(normalizeTarget('acme', ' /payments/ ')).toBe('acme/payments/');
    expect(normalizeTarget('acme', 'acme/web')).toBe('acme/web');
    expect(normalizeTarget('acme', '')).toBe('');
  });

  it('refuses targets outside the organization or badly formed', () => {
    expect(targetProblem('acme', 'acme/web')).toBeUndefined();
    expect(targetProblem('acme', 'acme/payments/')).toBeUndefined();
    expect(targetProblem('acme', 'other/web')).toMatch(/inside acme\//);
    expect(targetProblem('acme', 'acme/')).toBeUndefined();
    expect(targetProblem('acme', 'acmex/')).toMatch(/inside/);
    expect(targetProblem('acme', 'acme/Web')).toMatch(/repository name like/);
    expect(targetProblem('acme', '')).toMatch(/Enter/);
  });

  it('matches a repository exactly or under a prefix', () => {
    expect(grantCovers({ target: 'acme/web', level: 'read' }, 'acme/web')).toBe(true);
    expect(grantCovers({ target: 'acme/web', level: 'read' }, 'acme/web2')).toBe(false);
    expect(grantCovers({ target: 'acme/payments/', level: 'read' }, 'acme/payments/api')).toBe(true);
    expect(grantCovers({ target: 'acme/payments/', level: 'read' }, 'acme/paymentsx')).toBe(false);
    expect(describeTarget('acme/payments/')).toMatch(/every repository under/);
  });
});
