import { compareApk } from './apk.js';
import { compareDpkg } from './dpkg.js';
import { compareGeneric } from './generic.js';
import { compareGo } from './gomod.js';
import { compareMaven } from './maven.js';
import { comparePep440 } from './pep440.js';
import { compareRpm } from './rpm.js';
import { compareRubyGems } from './rubygems.js';
import { compareSemver } from './semver.js';

export { compareApk, parseApk } from './apk.js';
export { compareDpkg, parseDpkgVersion, dpkgUpstream, type DpkgVersion } from './dpkg.js';
export { compareGeneric } from './generic.js';
export { compareGo, isGoPseudoVersion } from './gomod.js';
export { compareMaven } from './maven.js';
export { comparePep440, parsePep440 } from './pep440.js';
export { compareRpm, rpmvercmp, parseRpmEvr } from './rpm.js';
export { compareRubyGems } from './rubygems.js';
export { compareSemver, parseSemver, type SemVer } from './semver.js';

export type VersionScheme =
  'dpkg' | 'apk' | 'rpm' | 'semver' | 'pep440' | 'go' | 'maven' | 'rubygems' | 'generic';

export type VersionComparator = (a: string, b: string) => number;

const COMPARATORS: Record<VersionScheme, VersionComparator> = {
  dpkg: compareDpkg,
  apk: compareApk,
  rpm: compareRpm,
  semver: compareSemver,
  pep440: comparePep440,
  go: compareGo,
  maven: compareMaven,
  rubygems: compareRubyGems,
  generic: compareGeneric,
};

export function comparatorFor(scheme: VersionScheme): VersionComparator {
  return COMPARATORS[scheme];
}

/**
 * The version scheme of an OSV ecosystem name (ossf/osv-schema "Defined ecosystems"); distro
 * ecosystems carry the release after a colon ("Debian:12", "Alpine:v3.19").
 */
export function schemeForEcosystem(ecosystem: string): VersionScheme {
  const base = ecosystem.split(':')[0].toLowerCase();
  switch (base) {
    case 'debian':
    case 'ubuntu':
      return 'dpkg';
    case 'alpine':
    case 'wolfi':
    case 'chainguard':
      return 'apk';
    case 'red hat':
    case 'rocky linux':
    case 'almalinux':
    case 'opensuse':
    case 'suse':
    case 'mageia':
      return 'rpm';
    case 'npm':
    case 'crates.io':
    case 'nuget':
    case 'hex':
    case 'pub':
      return 'semver';
    case 'pypi':
      return 'pep440';
    case 'go':
      return 'go';
    case 'maven':
      return 'maven';
    case 'rubygems':
      return 'rubygems';
    default:
      return 'generic';
  }
}
