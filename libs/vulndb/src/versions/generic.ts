import { rpmvercmp } from './rpm.js';

/**
 * Order for versions that belong to no ecosystem (NVD CPE version fields, binary version strings):
 * alphanumeric segments as rpmvercmp does, which handles "1.35.0" vs "1.36.1" and OpenSSL's letter
 * releases ("1.1.1t" > "1.1.1", "1.0.2zg" > "1.0.2k").
 */
export function compareGeneric(a: string, b: string): number {
  return rpmvercmp(a.trim().toLowerCase(), b.trim().toLowerCase());
}
