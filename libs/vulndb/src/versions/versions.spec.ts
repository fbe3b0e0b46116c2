import { describe, it, expect } from '@jest/globals';
import {
  compareApk,
  compareDpkg,
  compareGeneric,
  compareGo,
  compareMaven,
  comparePep440,
  compareRpm,
  compareRubyGems,
  compareSemver,
  isGoPseudoVersion,
  rpmvercmp,
  schemeForEcosystem,
  type VersionComparator,
} from './index.js';

/** Each list is in strictly ascending order; every pair is checked both ways. */
function expectAscending(compare: VersionComparator, versions: string[]): void {
  for (let i = 0; i < versions.length; i++) {
    expect([versions[i], compare(versions[i], versions[i])]).toEqual([versions[i], 0]);
    for (let j = i + 1; j < versions.length; j++) {
      expect([versions[i], versions[j], compare(versions[i], versions[j])]).toEqual([
        versions[i],
        versions[j],
        -1,
      ]);
      expect([versions[j], versions[i], compare(versions[j], versions[i])]).toEqual([
        versions[j],
        versions[i],
        1,
      ]);
    }
  }
}

function expectEqual(compare: VersionComparator, a: string, b: string): void {
  expect([a, b, compare(a, b)]).toEqual([a, b, 0]);
}

describe('dpkg', () => {
  it('orders tilde before everything, even the end of the string', () => {
    expectAscending(compareDpkg, ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a', '1.0+', '1.0.1']);
    expectAscending(compareDpkg, ['3.0.20-1~deb12u2', '3.0.20-1', '3.0.20-1+b1']);
  });
  it('compares digit runs as numbers and honours the epoch', () => {
    expectAscending(compareDpkg, [
      '3.0.8-1',
      '3.0.20-1~deb12u2',
      '1:0.1',
      '1:1.2.11.dfsg-4',
      '1:1.2.13.dfsg-1',
      '2:0',
    ]);
    expectAscending(compareDpkg, ['7.88.1-10+deb12u4', '7.88.1-10+deb12u9', '7.88.1-10+deb12u15']);
  });
  it('splits the revision at the last hyphen', () => {
    expectAscending(compareDpkg, ['1.2-3-4', '1.2-3-5', '1.2-4-1']);
    expectAscending(compareDpkg, ['5.4.1-1', '5.4.1-1+deb12u1', '5.4.1-2+deb12u1']);
  });
  it('treats leading zeros, a missing revision and "0" revision alike', () => {
    expectEqual(compareDpkg, '1.02', '1.2');
    expectEqual(compareDpkg, '1.0', '1.0-0');
    expectEqual(compareDpkg, '0:1.0', '1.0');
  });
  it('binNMU suffixes sort after the source version', () => {
    expectAscending(compareDpkg, ['1:1.35.0-4+deb12u1', '1:1.35.0-4+deb12u1+b1']);
  });
});

describe('apk', () => {
  it('orders suffixes, letters and revisions', () => {
    expectAscending(compareApk, [
      '1.2.3_alpha',
      '1.2.3_alpha2',
      '1.2.3_beta',
      '1.2.3_pre1',
      '1.2.3_rc1',
      '1.2.3',
      '1.2.3-r1',
      '1.2.3-r10',
      '1.2.3_p1',
      '1.2.3a',
      '1.2.3b',
      '1.2.4',
      '1.10',
    ]);
  });
  it('compares later components with leading zeros as fractions', () => {
    expectAscending(compareApk, ['1.01', '1.1']);
    expectAscending(compareApk, ['1.2', '1.2.1']);
  });
});

describe('rpm', () => {
  it('implements rpmvercmp segments, tilde and caret', () => {
    expectAscending(rpmvercmp, ['1.0~rc1', '1.0', '1.0^', '1.0^git1', '1.0a', '1.0.1', '1.1']);
    expect(rpmvercmp('1.0', '1.0')).toBe(0);
    expect(rpmvercmp('1.0.0', '1.0')).toBe(1);
    expect(rpmvercmp('2.0', '2_0')).toBe(0);
    expect(rpmvercmp('1a', '1.1')).toBe(-1);
    expect(rpmvercmp('10', '9')).toBe(1);
    expect(rpmvercmp('001', '1')).toBe(0);
  });
  it('compares the epoch first, then version and release', () => {
    expectAscending(compareRpm, ['1.0-1.el9', '1.0-2.el9', '1.1-1.el9', '1:0.1-1']);
    expect(compareRpm('1.0', '1.0-5')).toBe(0);
  });
});

describe('semver (npm, crates.io)', () => {
  it('orders pre-releases per semver §11', () => {
    expectAscending(compareSemver, [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '3.0.0-beta.1',
      '3.0.0-beta.9',
      '3.0.0',
    ]);
  });
  it('reads short and prefixed versions and ignores build metadata', () => {
    expectEqual(compareSemver, '1.0', '1.0.0');
    expectEqual(compareSemver, 'v1.2.3', '1.2.3');
    expectEqual(compareSemver, '1.2.3+build.5', '1.2.3');
    expectAscending(compareSemver, ['1.15.6', '1.16.3', '4.17.15', '4.17.20', '4.17.21']);
  });
});

describe('PEP 440', () => {
  it('orders dev, pre, post and local versions', () => {
    expectAscending(comparePep440, [
      '1.0.dev0',
      '1.0a1.dev1',
      '1.0a1',
      '1.0b2',
      '1.0rc1',
      '1.0',
      '1.0+local.1',
      '1.0+local.2',
      '1.0.post1.dev0',
      '1.0.post1',
      '1.1',
      '1!0.1',
    ]);
  });
  it('normalises spellings', () => {
    expectEqual(comparePep440, '1.0', '1.0.0');
    expectEqual(comparePep440, '1.0alpha1', '1.0a1');
    expectEqual(comparePep440, '1.0-1', '1.0.post1');
    expectEqual(comparePep440, '1.0c1', '1.0rc1');
    expectEqual(comparePep440, 'v2.0', '2.0');
  });
});

describe('Go modules', () => {
  it('orders pseudo-versions as pre-releases and ignores +incompatible', () => {
    expectAscending(compareGo, [
      'v0.0.0-20191109021931-daa7c04131f5',
      'v0.0.0-20200101000000-aaaaaaaaaaaa',
      'v0.1.0',
      'v1.2.3',
      'v1.2.4-0.20200101000000-abcdefabcdef',
      'v1.2.4',
      'v2.0.0+incompatible',
      'v2.1.0',
    ]);
    expectEqual(compareGo, 'v2.0.0+incompatible', 'v2.0.0');
    expect(isGoPseudoVersion('v0.0.0-20191109021931-daa7c04131f5')).toBe(true);
    expect(isGoPseudoVersion('v1.2.4-0.20200101000000-abcdefabcdef')).toBe(true);
    expect(isGoPseudoVersion('v1.2.4')).toBe(false);
  });
});

describe('Maven ComparableVersion', () => {
  it('orders qualifiers as Maven does', () => {
    expectAscending(compareMaven, [
      '1-alpha-1',
      '1-alpha-2',
      '1-beta-1',
      '1-milestone-1',
      '1-rc-1',
      '1-SNAPSHOT',
      '1',
      '1-sp-1',
      '1-abc',
      '1-1',
      '1.1',
    ]);
  });
  it('treats release aliases and zero padding as equal', () => {
    expectEqual(compareMaven, '1.0', '1');
    expectEqual(compareMaven, '1.0.0', '1');
    expectEqual(compareMaven, '1-ga', '1');
    expectEqual(compareMaven, '1.0-final', '1');
    expectEqual(compareMaven, '1a1', '1-alpha-1');
    expectEqual(compareMaven, '1cr1', '1rc1');
    expectAscending(compareMaven, ['2.9.10', '2.9.10.1', '2.10.0', '2.12.7.1']);
  });
});

describe('RubyGems', () => {
  it('sorts pre-releases before releases and drops trailing zeros', () => {
    expectAscending(compareRubyGems, ['1.0.a', '1.0.b1', '1.0.rc1', '1.0', '1.0.1', '1.1']);
    expectEqual(compareRubyGems, '1.0.0', '1');
  });
});

describe('generic (CPE) order', () => {
  it('handles OpenSSL letter releases and numeric runs', () => {
    expectAscending(compareGeneric, ['1.0.2k', '1.0.2zg', '1.1.1', '1.1.1t', '3.0.0', '3.0.23']);
    expectAscending(compareGeneric, ['1.30.1', '1.33.2', '1.35.0', '1.36.1']);
  });
});

describe('schemeForEcosystem', () => {
  it('maps OSV ecosystems to schemes', () => {
    expect(schemeForEcosystem('Debian:12')).toBe('dpkg');
    expect(schemeForEcosystem('Alpine:v3.19')).toBe('apk');
    expect(schemeForEcosystem('npm')).toBe('semver');
    expect(schemeForEcosystem('crates.io')).toBe('semver');
    expect(schemeForEcosystem('PyPI')).toBe('pep440');
    expect(schemeForEcosystem('Go')).toBe('go');
    expect(schemeForEcosystem('Maven')).toBe('maven');
    expect(schemeForEcosystem('RubyGems')).toBe('rubygems');
    expect(schemeForEcosystem('Rocky Linux:9')).toBe('rpm');
  });
});
