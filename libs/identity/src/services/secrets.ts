import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const TOKEN_PREFIX = 'ddk_';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A random bearer secret with a recognisable prefix; only its SHA-256 is stored. */
export function generateSecret(kind: 'pat' | 'sat' | 'inv' | 'rft'): {
  token: string;
  hash: string;
  prefix: string;
} {
  const token = `${TOKEN_PREFIX}${kind}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256Hex(token), prefix: token.slice(0, 16) };
}

// OWASP's argon2id baseline: m=19 MiB, t=2, p=1.
// Algorithm.Argon2id is a const enum (2), unusable under isolatedModules.
const ARGON = { algorithm: 2 as const, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON);
}

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) return false;
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Spend the same time on unknown emails as on wrong passwords (no user enumeration by timing). */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('drydock-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}
