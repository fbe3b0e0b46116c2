import { OciError } from './errors.js';

/**
 * Repository names: OCI distribution-spec, "Pulling manifests": `<name>` MUST match
 * `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`.
 */
const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
export const NAME_REGEX = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
/** Tags: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}` (same section). */
export const TAG_REGEX = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** Digest grammar of the OCI image-spec descriptor section; we store only sha256 (and verify sha512 syntax). */
export const DIGEST_REGEX = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_HEX = /^[a-f0-9]{64}$/;

/** Names longer than this are refused: many clients reject more than 255 characters host-inclusive. */
export const MAX_NAME_LENGTH = 255;

export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME_REGEX.test(name);
}

export interface ParsedName {
  /** The full repository name, e.g. `acme/payments/api`. */
  name: string;
  /** The first path component: the organization slug (the tenant). */
  org: string;
  /** The rest, e.g. `payments/api`. */
  path: string;
}

/** Drydock names are `<org-slug>/<path>`: a single-component name has no tenant and is refused. */
export function parseRepositoryName(name: string): ParsedName {
  if (!isValidName(name)) throw new OciError('NAME_INVALID', 'invalid repository name', { name });
  const slash = name.indexOf('/');
  if (slash < 0) {
    throw new OciError('NAME_INVALID', 'repository name must be <organization>/<repository>', { name });
  }
  return { name, org: name.slice(0, slash), path: name.slice(slash + 1) };
}

export function isValidTag(tag: string): boolean {
  return TAG_REGEX.test(tag);
}

export interface Digest {
  algorithm: 'sha256';
  hex: string;
  /** `sha256:<hex>` */
  value: string;
}

export function tryParseDigest(value: string): Digest | null {
  if (!DIGEST_REGEX.test(value)) return null;
  const colon = value.indexOf(':');
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  if (algorithm !== 'sha256' || !SHA256_HEX.test(hex)) return null;
  return { algorithm, hex, value };
}

/**
 * Parses a digest the client sent. Syntactically valid digests with another algorithm are
 * UNSUPPORTED (we only store sha256), malformed ones DIGEST_INVALID.
 */
export function parseDigest(value: string): Digest {
  const d = tryParseDigest(value);
  if (d) return d;
  if (DIGEST_REGEX.test(value) && !value.startsWith('sha256:')) {
    throw new OciError('UNSUPPORTED', 'only sha256 digests are supported', { digest: value }, 400);
  }
  throw new OciError('DIGEST_INVALID', 'invalid digest', { digest: value });
}

export type Reference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: Digest };

/** A manifest `<reference>` is a tag or a digest (distribution-spec, "Pulling manifests"). */
export function parseReference(reference: string): Reference {
  if (reference.includes(':')) return { kind: 'digest', digest: parseDigest(reference) };
  if (!isValidTag(reference)) throw new OciError('MANIFEST_INVALID', 'invalid tag', { tag: reference }, 400);
  return { kind: 'tag', tag: reference };
}
