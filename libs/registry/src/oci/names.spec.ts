import { describe, it, expect } from '@jest/globals';
import { OciError } from './errors.js';
import { isValidName, isValidTag, parseDigest, parseReference, parseRepositoryName } from './names.js';

describe('repository names', () => {
  it.each(['acme/web', 'acme/payments/api', 'a0/b.c_d__e---f', 'acme/x-y'])('accepts %s', (n) => {
    expect(isValidName(n)).toBe(true);
  });
  it.each([
    'Acme/web',
    'acme//web',
    'acme/web/',
    '/acme',
    'acme/-web',
    'acme/web.',
    'acme/a___b',
    'acme/a..b',
    '',
  ])('refuses %j', (n) => {
    expect(isValidName(n)).toBe(false);
  });
  it('refuses names of 256 characters or more', () => {
    expect(isValidName(`acme/${'a'.repeat(250)}`)).toBe(true);
    expect(isValidName(`acme/${'a'.repeat(251)}`)).toBe(false);
  });
  it('splits the tenant from the path and needs both', () => {
    expect(parseRepositoryName('acme/payments/api')).toEqual({
      name: 'acme/payments/api',
      org: 'acme',
      path: 'payments/api',
    });
    expect(() => parseRepositoryName('acme')).toThrow(OciError);
    try {
      parseRepositoryName('ACME/x');
    } catch (e) {
      expect((e as OciError).code).toBe('NAME_INVALID');
      expect((e as OciError).status).toBe(400);
    }
  });
});

describe('tags and references', () => {
  it('validates tags', () => {
    expect(isValidTag('latest')).toBe(true);
    expect(isValidTag('_v1.2-rc.3')).toBe(true);
    expect(isValidTag('.hidden')).toBe(false);
    expect(isValidTag('-x')).toBe(false);
    expect(isValidTag('a'.repeat(128))).toBe(true);
    expect(isValidTag('a'.repeat(129))).toBe(false);
  });
  it('parses digests and refuses other algorithms or bad hex', () => {
    const hex = 'a'.repeat(64);
    expect(parseDigest(`sha256:${hex}`)).toEqual({ algorithm: 'sha256', hex, value: `sha256:${hex}` });
    expect(() => parseDigest('sha256:abc')).toThrow(expect.objectContaining({ code: 'DIGEST_INVALID' }));
    expect(() => parseDigest(`sha512:${'a'.repeat(128)}`)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }),
    );
    expect(() => parseDigest(`sha256:${'A'.repeat(64)}`)).toThrow(OciError);
  });
  it('tells tags from digests', () => {
    expect(parseReference('v1')).toEqual({ kind: 'tag', tag: 'v1' });
    expect(parseReference(`sha256:${'b'.repeat(64)}`).kind).toBe('digest');
  });
});
