import { describe, it, expect } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { buildChallenge } from './challenge.js';
import { RegistryTokenService } from './registry-token.service.js';
import { accessAllows, formatScope, parseScopes } from './scope.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('scopes', () => {
  it('parses repeated and space separated scopes, merging actions', () => {
    expect(
      parseScopes([
        'repository:acme/web:pull,push',
        'repository:acme/web:delete registry:catalog:*',
        'repository(plugin):acme/x:pull',
        'bogus',
      ]),
    ).toEqual([
      { type: 'repository', name: 'acme/web', actions: ['pull', 'push', 'delete'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
      { type: 'repository', name: 'acme/x', actions: ['pull'] },
    ]);
  });
  it('formats and checks access', () => {
    const access = [{ type: 'repository', name: 'acme/web', actions: ['pull'] }];
    expect(formatScope(access[0])).toBe('repository:acme/web:pull');
    expect(accessAllows(access, 'repository', 'acme/web', 'pull')).toBe(true);
    expect(accessAllows(access, 'repository', 'acme/web', 'push')).toBe(false);
    expect(
      accessAllows([{ type: 'repository', name: 'a/b', actions: ['*'] }], 'repository', 'a/b', 'delete'),
    ).toBe(true);
  });
});

describe('challenge', () => {
  it('builds the Bearer challenge with and without a scope', () => {
    expect(buildChallenge({ realm: 'https://d.example/auth/token', service: 'drydock' })).toBe(
      'Bearer realm="https://d.example/auth/token",service="drydock"',
    );
    expect(
      buildChallenge({
        realm: 'http://x/auth/token',
        service: 's',
        scope: 'repository:acme/web:pull,push',
        error: 'insufficient_scope',
      }),
    ).toBe(
      'Bearer realm="http://x/auth/token",service="s",scope="repository:acme/web:pull,push",error="insufficient_scope"',
    );
  });
});

describe('RegistryTokenService', () => {
  it.each([
    ['ES256', ec],
    ['RS256', rsa],
  ])('issues and verifies %s tokens with a kid, audience and short expiry', async (alg, key) => {
    const svc = new RegistryTokenService({
      signingKey: key,
      issuer: 'http://x',
      service: 'drydock',
      ttlSeconds: 300,
    });
    const access = [{ type: 'repository', name: 'acme/web', actions: ['pull'] }];
    const now = new Date();
    const issued = await svc.issue(
      { kind: 'service_account', serviceAccountId: 'sa1', organizationId: 'o1', name: 'ci' },
      access,
      now,
    );
    expect(issued.expiresIn).toBe(300);
    const header = decodeProtectedHeader(issued.token);
    expect(header.alg).toBe(alg);
    expect(header.kid).toBe(await svc.keyId());
    const claims = decodeJwt(issued.token);
    expect(claims.aud).toBe('drydock');
    expect(claims.sub).toBe('service-account:sa1');
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.jti).toBeDefined();
    const verified = await svc.verify(issued.token);
    expect(verified?.access).toEqual(access);
    expect(verified?.subject.kind).toBe('service_account');
    expect((await svc.jwks()).keys[0].kid).toBe(header.kid);
    // Verified once, remembered: the same token verifies again; an altered copy still does not.
    expect(await svc.verify(issued.token)).toEqual(verified);
    const [h, p, sig] = issued.token.split('.');
    const forged = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    forged.access = [{ type: 'repository', name: 'other/app', actions: ['push'] }];
    const tampered = [h, Buffer.from(JSON.stringify(forged)).toString('base64url'), sig].join('.');
    expect(await svc.verify(tampered)).toBeNull();
  });

  it('rejects tokens from another key, audience, or past their expiry', async () => {
    const a = new RegistryTokenService({
      signingKey: ec,
      issuer: 'http://x',
      service: 'drydock',
      ttlSeconds: 60,
      keyId: 'k1',
    });
    const b = new RegistryTokenService({
      signingKey: rsa,
      issuer: 'http://x',
      service: 'drydock',
      ttlSeconds: 60,
    });
    const other = new RegistryTokenService({
      signingKey: ec,
      issuer: 'http://x',
      service: 'elsewhere',
      ttlSeconds: 60,
    });
    const t = await a.issue({ kind: 'anonymous' }, []);
    expect(decodeProtectedHeader(t.token).kid).toBe('k1');
    expect(await b.verify(t.token)).toBeNull();
    expect(await other.verify(t.token)).toBeNull();
    const old = await a.issue({ kind: 'anonymous' }, [], new Date(Date.now() - 3600_000));
    expect(await a.verify(old.token)).toBeNull();
    expect(await a.verify('not.a.jwt')).toBeNull();
  });

  it('refuses keys it cannot sign registry tokens with', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(
      () => new RegistryTokenService({ signingKey: p384, issuer: 'x', service: 'y', ttlSeconds: 1 }),
    ).toThrow(/P-256/);
  });
});
