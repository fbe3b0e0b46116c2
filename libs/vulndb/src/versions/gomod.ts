import { compareSemver } from './semver.js';

/**
 * Go module versions (go.dev/ref/mod#versions): semver with a `v` prefix; build metadata such as
 * `+incompatible` does not take part in precedence, and pseudo-versions
 * (`v0.0.0-20191109021931-daa7c04131f5`, `vX.Y.(Z+1)-0.yyyymmddhhmmss-hash`) are pre-releases
 * that sort by their timestamp, which plain semver precedence already gives.
 */
export function compareGo(a: string, b: string): number {
  return compareSemver(stripIncompatible(a), stripIncompatible(b));
}

function stripIncompatible(v: string): string {
  return v.trim().replace(/\+incompatible$/, '');
}

const PSEUDO_RE = /^v?\d+\.\d+\.\d+-(?:.*\.)?(?:0\.)?(\d{14})-([0-9a-f]{12})(?:\+incompatible)?$/;

/** True for a Go pseudo-version (an untagged commit). */
export function isGoPseudoVersion(v: string): boolean {
  return PSEUDO_RE.test(v.trim());
}
