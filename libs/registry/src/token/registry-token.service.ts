import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, jwtVerify } from 'jose';
import type { AccessEntry } from './scope.js';

export type TokenSubject =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; email: string; platformAdmin: boolean; scopes?: string[] }
  | {
      kind: 'service_account';
      serviceAccountId: string;
      organizationId: string;
      name: string;
      scopes?: string[];
    };

const MAX_VERIFIED = 10_000;

export interface RegistryTokenClaims {
  subject: TokenSubject;
  access: AccessEntry[];
  expiresAt: Date;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  issuedAt: Date;
}

export interface RegistryTokenOptions {
  /** PEM private key (EC P-256 → ES256, RSA → RS256). */
  signingKey: string;
  /** `kid` header; defaults to the key's RFC 7638 JWK thumbprint. */
  keyId?: string | undefined;
  issuer: string;
  service: string;
  ttlSeconds: number;
}

/**
 * Docker registry bearer tokens (distribution `docs/spec/auth/jwt.md`): a short-lived JWT with
 * `iss`, `sub`, `aud` (the service), `exp`/`nbf`/`iat`, `jti` and the granted `access`. Drydock is
 * both the authorization server and the registry, so it verifies its own tokens with the public
 * half of the same key. The subject's identity travels in a private claim so the registry can
 * tell an authenticated caller without enough rights (403 DENIED) from one whose token merely
 * lacks a scope it did not ask for (401 with a fresh challenge).
 */
export class RegistryTokenService {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly alg: 'ES256' | 'RS256';
  private kid: string | undefined;

  constructor(private readonly options: RegistryTokenOptions) {
    this.privateKey = createPrivateKey(options.signingKey);
    this.publicKey = createPublicKey(this.privateKey);
    const type = this.privateKey.asymmetricKeyType;
    if (type === 'ec') {
      const curve = this.privateKey.asymmetricKeyDetails?.namedCurve;
      if (curve !== 'prime256v1' && curve !== 'P-256')
        throw new Error('registry signing key: EC keys must use P-256');
      this.alg = 'ES256';
    } else if (type === 'rsa') {
      this.alg = 'RS256';
    } else {
      throw new Error(`registry signing key: unsupported key type ${String(type)}`);
    }
    this.kid = options.keyId;
  }

  get algorithm(): 'ES256' | 'RS256' {
    return this.alg;
  }

  async keyId(): Promise<string> {
    if (!this.kid) this.kid = await calculateJwkThumbprint(await exportJWK(this.publicKey), 'sha256');
    return this.kid;
  }

  /** The public key as a JWKS (for operators who point another service at Drydock's tokens). */
  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    const jwk = await exportJWK(this.publicKey);
    return { keys: [{ ...jwk, kid: await this.keyId(), alg: this.alg, use: 'sig' }] };
  }

  async issue(subject: TokenSubject, access: AccessEntry[], now: Date = new Date()): Promise<IssuedToken> {
    const iat = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({ access, ddk: subject })
      .setProtectedHeader({ alg: this.alg, kid: await this.keyId(), typ: 'JWT' })
      .setIssuer(this.options.issuer)
      .setSubject(subjectId(subject))
      .setAudience(this.options.service)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + this.options.ttlSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, expiresIn: this.options.ttlSeconds, issuedAt: new Date(iat * 1000) };
  }

  /**
   * Tokens this process verified, until they expire: a client sends the same token on every request
   * of a push or pull, and a token's claims cannot change, so its signature is checked once.
   */
  private readonly verified = new Map<string, RegistryTokenClaims>();

  /** Verifies signature, issuer, audience and lifetime; null for anything not ours or expired. */
  async verify(token: string): Promise<RegistryTokenClaims | null> {
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.expiresAt.getTime() > Date.now()) return hit;
      this.verified.delete(token);
      return null;
    }
    const claims = await this.verifySignature(token);
    if (claims) {
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(token, claims);
    }
    return claims;
  }

  private async verifySignature(token: string): Promise<RegistryTokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: this.options.issuer,
        audience: this.options.service,
        algorithms: [this.alg],
      });
      const subject = payload.ddk as TokenSubject | undefined;
      if (!subject || typeof subject !== 'object' || !Array.isArray(payload.access) || !payload.exp)
        return null;
      return { subject, access: payload.access as AccessEntry[], expiresAt: new Date(payload.exp * 1000) };
    } catch {
      return null;
    }
  }
}

export function subjectId(s: TokenSubject): string {
  switch (s.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'user':
      return s.email;
    case 'service_account':
      return `service-account:${s.serviceAccountId}`;
  }
}
