import { describe, it, expect } from '@jest/globals';
import { actionsFor } from '../auth/actions.js';
import { parseContentRange } from '../services/uploads.service.js';
import { matchRoute, parseRange } from './v2.handler.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('matchRoute', () => {
  it.each([
    ['/v2/', { kind: 'base' }],
    ['/v2', { kind: 'base' }],
    ['/v2/_catalog', { kind: 'catalog' }],
    ['/v2/acme/web/tags/list', { kind: 'tags', name: 'acme/web' }],
    ['/v2/acme/a/b/manifests/v1', { kind: 'manifest', name: 'acme/a/b', reference: 'v1' }],
    [`/v2/acme/web/blobs/${D}`, { kind: 'blob', name: 'acme/web', digest: D }],
    ['/v2/acme/web/blobs/uploads/', { kind: 'uploads', name: 'acme/web' }],
    ['/v2/acme/web/blobs/uploads/abc-123', { kind: 'upload', name: 'acme/web', id: 'abc-123' }],
    [`/v2/acme/web/referrers/${D}`, { kind: 'referrers', name: 'acme/web', digest: D }],
    // A repository may itself be called like an endpoint segment.
    [`/v2/acme/blobs/blobs/${D}`, { kind: 'blob', name: 'acme/blobs', digest: D }],
    [
      '/v2/acme/manifests/manifests/latest',
      { kind: 'manifest', name: 'acme/manifests', reference: 'latest' },
    ],
  ])('%s', (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });
  it('rejects unknown paths', () => {
    expect(matchRoute('/v2/acme/web/unknown')).toBeNull();
  });
});

describe('parseRange (blob GET)', () => {
  it('parses closed, open and suffix ranges', () => {
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('bytes=0-4', 10)).toEqual({ start: 0, end: 4 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=8-100', 10)).toEqual({ start: 8, end: 9 });
  });
  it('refuses unsatisfiable ranges and ignores multi-ranges', () => {
    expect(parseRange('bytes=10-12', 10)).toBe('invalid');
    expect(parseRange('bytes=5-2', 10)).toBe('invalid');
    expect(parseRange('items=0-1', 10)).toBe('invalid');
    expect(parseRange('bytes=0-1,3-4', 10)).toBeNull();
  });
});

describe('parseContentRange (chunk PATCH)', () => {
  it('accepts the spec form and the bytes form', () => {
    expect(parseContentRange(undefined)).toBeNull();
    expect(parseContentRange('0-999')).toEqual({ start: 0, end: 999 });
    expect(parseContentRange('bytes 1000-1999/*')).toEqual({ start: 1000, end: 1999 });
    expect(parseContentRange('9-3')).toBe('invalid');
    expect(parseContentRange('abc')).toBe('invalid');
  });
});

describe('actionsFor', () => {
  const user = { kind: 'user' as const, userId: 'u', email: 'e', platformAdmin: false };
  it('maps levels to Docker actions', () => {
    expect([...actionsFor(user, null)]).toEqual([]);
    expect([...actionsFor(user, 'read')]).toEqual(['pull']);
    expect([...actionsFor(user, 'write')].sort()).toEqual(['delete', 'pull', 'push']);
    expect([...actionsFor(user, 'admin')].sort()).toEqual(['delete', 'pull', 'push']);
  });
  it('drops delete from a token without the delete scope', () => {
    expect([...actionsFor({ ...user, scopes: ['registry:pull', 'registry:push'] }, 'write')].sort()).toEqual([
      'pull',
      'push',
    ]);
    expect(
      [...actionsFor({ ...user, scopes: ['registry:delete', 'registry:push'] }, 'write')].sort(),
    ).toEqual(['delete', 'pull', 'push']);
  });
});
