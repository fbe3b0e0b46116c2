import { describe, it, expect } from '@jest/globals';
import { formatCpe, matchCpeCriterion, parseCpe } from './cpe.js';
import { componentKeys, packageKey } from './keys.js';
import { matchImage } from './matcher.js';
import { rangeHolds } from './osv-range.js';
import { cvss3BaseScore } from './cvss.js';
import { MemoryVulnIndex } from '../store/memory.js';
import { nvdCve, osv } from '../testing/records.js';
import type { ImageContext, MatchComponent } from '../model/types.js';

const debian12: ImageContext = { os: { id: 'debian', versionId: '12' } };

function index(...records: (ReturnType<typeof nvdCve> | ReturnType<typeof osv>)[]): MemoryVulnIndex {
  const idx = new MemoryVulnIndex();
  for (const r of records) {
    if ('vulnStatus' in r) idx.addNvd(r);
    else idx.addOsv(r);
  }
  return idx;
}

describe('CPE 2.3', () => {
  it('parses the formatted string binding with escapes, ANY and NA', () => {
    const c = parseCpe('cpe:2.3:a:nodejs:node\\.js:*:*:*:*:*:*:*:*')!;
    expect(c).toMatchObject({ part: 'a', vendor: 'nodejs', product: 'node.js', version: '*' });
    expect(parseCpe('cpe:2.3:a:gnu:glibc:-:*:*:*:*:*:*:*')!.version).toBe('-');
    expect(parseCpe('cpe:/a:openssl:openssl:1.1.1t')).toMatchObject({
      vendor: 'openssl',
      product: 'openssl',
      version: '1.1.1t',
    });
    expect(formatCpe(c)).toBe('cpe:2.3:a:nodejs:node\\.js:*:*:*:*:*:*:*:*');
    expect(parseCpe('not a cpe')).toBeNull();
  });

  it('applies version bounds, exact versions, and never treats NA as a wildcard', () => {
    const target = parseCpe('cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*')!;
    const m = (criteria: string, bounds: Record<string, string> = {}) =>
      matchCpeCriterion({ criteria, vulnerable: true, ...bounds }, target).matched;
    expect(m('cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*', { versionEndIncluding: '1.35.0' })).toBe(true);
    expect(m('cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*', { versionEndExcluding: '1.35.0' })).toBe(false);
    expect(m('cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*', { versionStartExcluding: '1.35.0' })).toBe(false);
    expect(
      m('cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*', {
        versionStartIncluding: '1.35.0',
        versionEndExcluding: '1.36',
      }),
    ).toBe(true);
    expect(m('cpe:2.3:a:busybox:busybox:1.33.2:*:*:*:*:*:*:*')).toBe(false);
    expect(m('cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*')).toBe(true);
    expect(m('cpe:2.3:a:busybox:busybox:-:*:*:*:*:*:*:*')).toBe(false);
    expect(m('cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*')).toBe(true);
    expect(m('cpe:2.3:a:other:busybox:*:*:*:*:*:*:*:*')).toBe(false);
    expect(m('cpe:2.3:a:busybox:busybox:1.35.0:beta1:*:*:*:*:*:*')).toBe(false);
    const openssl = parseCpe('cpe:2.3:a:openssl:openssl:1.1.1t:*:*:*:*:*:*:*')!;
    expect(
      matchCpeCriterion(
        {
          criteria: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*',
          vulnerable: true,
          versionEndExcluding: '1.1.1u',
        },
        openssl,
      ).matched,
    ).toBe(true);
    expect(
      matchCpeCriterion(
        {
          criteria: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*',
          vulnerable: true,
          versionEndExcluding: '1.1.1t',
        },
        openssl,
      ).matched,
    ).toBe(false);
  });
});

describe('NVD CPE matching of binaries', () => {
  const busybox: MatchComponent = {
    type: 'binary',
    name: 'busybox',
    version: '1.35.0',
    paths: ['/bin/busybox'],
    layerIndex: 0,
  };

  it('matches OR nodes and reports criterion, score and fixed version', async () => {
    const idx = index(
      nvdCve('CVE-2024-0001', {
        score: 9.8,
        configurations: [
          {
            nodes: [
              {
                cpeMatch: [
                  { criteria: 'cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*', versionEndExcluding: '1.36.0' },
                ],
              },
            ],
          },
        ],
      }),
      nvdCve('CVE-2024-0002', {
        configurations: [
          { nodes: [{ cpeMatch: [{ criteria: 'cpe:2.3:a:busybox:busybox:1.30.1:*:*:*:*:*:*:*' }] }] },
        ],
      }),
      nvdCve('CVE-2024-0003', { description: 'no configurations yet' }),
    );
    const findings = await matchImage([busybox], {}, idx);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: 'CVE-2024-0001',
      severity: 'critical',
      score: 9.8,
      fixedVersion: '1.36.0',
      link: 'https://nvd.nist.gov/vuln/detail/CVE-2024-0001',
      component: { type: 'binary', name: 'busybox', version: '1.35.0' },
      paths: ['/bin/busybox'],
      layerIndex: 0,
      matchedBy: {
        source: 'nvd',
        recordId: 'CVE-2024-0001',
        criteria: 'cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:* (< 1.36.0)',
      },
      matches: [{ source: 'nvd', recordId: 'CVE-2024-0001' }],
    });
  });

  it('honours AND configurations: the platform node must be satisfied by the image', async () => {
    const andConf = (platform: string) =>
      nvdCve(`CVE-2024-${platform === 'debian' ? '1000' : '1001'}`, {
        configurations: [
          {
            operator: 'AND',
            nodes: [
              {
                cpeMatch: [
                  { criteria: 'cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*', versionEndIncluding: '1.36.1' },
                ],
              },
              {
                cpeMatch: [
                  {
                    criteria: `cpe:2.3:o:${platform}:${platform === 'debian' ? 'debian_linux' : 'h300s_firmware'}:12:*:*:*:*:*:*:*`,
                    vulnerable: false,
                  },
                ],
              },
            ],
          },
        ],
      });
    const idx = index(andConf('debian'), andConf('netapp'));
    expect((await matchImage([busybox], debian12, idx)).map((f) => f.id)).toEqual(['CVE-2024-1000']);
    expect(await matchImage([busybox], {}, idx)).toEqual([]);
  });

  it('honours negated nodes', async () => {
    const idx = index(
      nvdCve('CVE-2024-2000', {
        configurations: [
          {
            operator: 'AND',
            nodes: [
              { cpeMatch: [{ criteria: 'cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*' }] },
              {
                negate: true,
                cpeMatch: [{ criteria: 'cpe:2.3:o:debian:debian_linux:*:*:*:*:*:*:*:*', vulnerable: false }],
              },
            ],
          },
        ],
      }),
    );
    expect(await matchImage([busybox], debian12, idx)).toEqual([]);
    expect(await matchImage([busybox], { os: { id: 'alpine', versionId: '3.19' } }, idx)).toHaveLength(1);
  });

  it('ignores rejected CVEs', async () => {
    const idx = index(
      nvdCve('CVE-2024-3000', {
        vulnStatus: 'Rejected',
        configurations: [
          { nodes: [{ cpeMatch: [{ criteria: 'cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*' }] }] },
        ],
      }),
    );
    expect(await matchImage([busybox], {}, idx)).toEqual([]);
  });

  it('uses the scanner CPE candidates when given', async () => {
    const idx = index(
      nvdCve('CVE-2024-4000', {
        configurations: [
          {
            nodes: [
              {
                cpeMatch: [
                  { criteria: 'cpe:2.3:a:haxx:libcurl:*:*:*:*:*:*:*:*', versionEndExcluding: '8.0.0' },
                ],
              },
            ],
          },
        ],
      }),
    );
    const c: MatchComponent = {
      type: 'binary',
      name: 'libcurl.so.4',
      version: '7.88.1',
      cpes: ['cpe:2.3:a:haxx:libcurl:*:*:*:*:*:*:*:*'],
    };
    expect((await matchImage([c], {}, idx)).map((f) => f.id)).toEqual(['CVE-2024-4000']);
  });
});

describe('distro packages', () => {
  const libssl: MatchComponent = {
    type: 'deb',
    name: 'libssl3',
    version: '3.0.11-1~deb12u2+b1',
    sourceName: 'openssl',
    sourceVersion: '3.0.11-1~deb12u2',
  };

  it('match by source package and source version in the release ecosystem', async () => {
    const idx = index(
      osv(
        'DEBIAN-CVE-2024-0001',
        [
          {
            ecosystem: 'Debian:12',
            name: 'openssl',
            ranges: [{ events: [{ introduced: '0' }, { fixed: '3.0.11-1' }] }],
          },
        ],
        { upstream: ['CVE-2024-0001'] },
      ),
      osv(
        'DEBIAN-CVE-2024-0002',
        [
          {
            ecosystem: 'Debian:12',
            name: 'openssl',
            ranges: [{ events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }],
          },
        ],
        { upstream: ['CVE-2024-0002'] },
      ),
      osv(
        'DEBIAN-CVE-2024-0003',
        [{ ecosystem: 'Debian:11', name: 'openssl', ranges: [{ events: [{ introduced: '0' }] }] }],
        { upstream: ['CVE-2024-0003'] },
      ),
      osv(
        'DEBIAN-CVE-2024-0004',
        [{ ecosystem: 'Debian:12', name: 'libssl3', ranges: [{ events: [{ introduced: '0' }] }] }],
        { upstream: ['CVE-2024-0004'] },
      ),
    );
    const findings = await matchImage([libssl], debian12, idx);
    // 3.0.11-1~deb12u2 < 3.0.11-1 (tilde); equal to the fixed version means fixed.
    expect(findings.map((f) => [f.id, f.aliases, f.fixedVersion, f.component.name])).toEqual([
      ['CVE-2024-0001', ['DEBIAN-CVE-2024-0001'], '3.0.11-1', 'libssl3'],
    ]);
    expect(findings[0].link).toBe('https://nvd.nist.gov/vuln/detail/CVE-2024-0001');
  });

  it('are never matched by NVD CPE configurations (backports)', async () => {
    const idx = index(
      nvdCve('CVE-2024-0001', {
        configurations: [
          {
            nodes: [
              {
                cpeMatch: [
                  { criteria: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*', versionEndExcluding: '3.0.12' },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(
      await matchImage(
        [{ ...libssl, name: 'openssl', cpes: ['cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*'] }],
        debian12,
        idx,
      ),
    ).toEqual([]);
    expect(componentKeys(libssl, debian12)).toEqual(['Debian:12/openssl']);
    expect(componentKeys(libssl, {})).toEqual([]);
  });

  it('a DSA fixing several CVEs reports each CVE, merged with its DEBIAN-CVE record', async () => {
    const idx = index(
      osv(
        'DSA-1-1',
        [
          {
            ecosystem: 'Debian:12',
            name: 'openssl',
            ranges: [{ events: [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }] }],
          },
        ],
        { upstream: ['CVE-2024-0010', 'CVE-2024-0011'] },
      ),
      osv(
        'DEBIAN-CVE-2024-0010',
        [
          {
            ecosystem: 'Debian:12',
            name: 'openssl',
            ranges: [{ events: [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }] }],
          },
        ],
        { upstream: ['CVE-2024-0010'] },
      ),
    );
    const findings = await matchImage([libssl], debian12, idx);
    expect(findings.map((f) => [f.id, f.aliases])).toEqual([
      ['CVE-2024-0010', ['DEBIAN-CVE-2024-0010', 'DSA-1-1']],
      ['CVE-2024-0011', ['DSA-1-1']],
    ]);
    expect(findings[0].matchedBy.recordId).toBe('DEBIAN-CVE-2024-0010');
    expect(findings[0].matches.map((m) => m.recordId).sort()).toEqual(['DEBIAN-CVE-2024-0010', 'DSA-1-1']);
  });
});

describe('alias merging and severity', () => {
  const lodash: MatchComponent = {
    type: 'npm',
    name: 'lodash',
    version: '4.17.15',
    purl: 'pkg:npm/lodash@4.17.15',
    paths: ['/app/node_modules/lodash/package.json'],
    layerIndex: 2,
  };

  it('a GHSA and its CVE are one finding with all ids; NVD supplies CVSS and summary', async () => {
    const idx = index(
      osv(
        'GHSA-xxxx-yyyy-zzzz',
        [
          {
            ecosystem: 'npm',
            name: 'lodash',
            ranges: [{ events: [{ introduced: '0' }, { fixed: '4.17.21' }] }],
          },
        ],
        {
          aliases: ['CVE-2021-23337'],
          summary: 'Command Injection in lodash',
          databaseSpecific: { severity: 'HIGH' },
        },
      ),
      nvdCve('CVE-2021-23337', {
        score: 7.2,
        severity: 'HIGH',
        description: 'Lodash versions prior to 4.17.21 are vulnerable to Command Injection.',
      }),
    );
    const [f, ...rest] = await matchImage([lodash], {}, idx);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      id: 'CVE-2021-23337',
      aliases: ['GHSA-xxxx-yyyy-zzzz'],
      severity: 'high',
      score: 7.2,
      summary: 'Lodash versions prior to 4.17.21 are vulnerable to Command Injection.',
      fixedVersion: '4.17.21',
      component: { type: 'npm', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15' },
      matchedBy: {
        source: 'osv',
        recordId: 'GHSA-xxxx-yyyy-zzzz',
        package: 'npm/lodash',
        range: 'ECOSYSTEM introduced=0 fixed=4.17.21',
      },
    });
  });

  it('without NVD the source severity is used: a CVSS vector, else its rating, else unknown', async () => {
    const vector = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
    const idx = index(
      osv(
        'GHSA-aaaa-aaaa-aaaa',
        [{ ecosystem: 'npm', name: 'lodash', ranges: [{ events: [{ introduced: '0' }] }] }],
        { severity: [{ type: 'CVSS_V3', score: vector }] },
      ),
      osv(
        'GHSA-bbbb-bbbb-bbbb',
        [{ ecosystem: 'npm', name: 'lodash', ranges: [{ events: [{ introduced: '0' }] }] }],
        { databaseSpecific: { severity: 'MODERATE' } },
      ),
      osv('GHSA-cccc-cccc-cccc', [
        { ecosystem: 'npm', name: 'lodash', ranges: [{ events: [{ introduced: '0' }] }] },
      ]),
    );
    const findings = await matchImage([lodash], {}, idx);
    expect(findings.map((f) => [f.id, f.severity, f.score, f.fixedVersion, f.link])).toEqual([
      ['GHSA-aaaa-aaaa-aaaa', 'critical', 9.8, null, 'https://github.com/advisories/GHSA-aaaa-aaaa-aaaa'],
      ['GHSA-bbbb-bbbb-bbbb', 'medium', null, null, 'https://github.com/advisories/GHSA-bbbb-bbbb-bbbb'],
      ['GHSA-cccc-cccc-cccc', 'unknown', null, null, 'https://github.com/advisories/GHSA-cccc-cccc-cccc'],
    ]);
  });

  it('withdrawn records produce nothing; package names compare case-insensitively', async () => {
    const idx = index(
      osv(
        'GHSA-dddd-dddd-dddd',
        [{ ecosystem: 'npm', name: 'Lodash', ranges: [{ events: [{ introduced: '0' }] }] }],
        { withdrawn: '2024-01-01T00:00:00Z' },
      ),
      osv('GHSA-eeee-eeee-eeee', [
        {
          ecosystem: 'npm',
          name: 'Lodash',
          ranges: [{ events: [{ introduced: '4.0.0' }, { last_affected: '4.17.15' }] }],
        },
      ]),
      osv('GHSA-ffff-ffff-ffff', [
        { ecosystem: 'npm', name: 'lodash.trim', ranges: [{ events: [{ introduced: '0' }] }] },
      ]),
    );
    expect((await matchImage([lodash], {}, idx)).map((f) => f.id)).toEqual(['GHSA-eeee-eeee-eeee']);
  });
});

describe('the unknown-version rule and components not in the final image', () => {
  it('a component without a version gets every vulnerability of that component, marked', async () => {
    const idx = index(
      osv('GHSA-1111-1111-1111', [
        {
          ecosystem: 'npm',
          name: 'left-pad',
          ranges: [{ events: [{ introduced: '0' }, { fixed: '1.3.0' }] }],
        },
      ]),
      osv('GHSA-2222-2222-2222', [{ ecosystem: 'npm', name: 'left-pad', versions: ['0.0.1'] }]),
      nvdCve('CVE-2024-5000', {
        configurations: [
          {
            nodes: [
              {
                cpeMatch: [
                  { criteria: 'cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*', versionEndExcluding: '1.0' },
                ],
              },
            ],
          },
        ],
      }),
    );
    const findings = await matchImage(
      [
        { type: 'npm', name: 'left-pad', version: null },
        { type: 'binary', name: 'busybox', version: '' },
      ],
      {},
      idx,
    );
    expect(findings.map((f) => [f.component.name, f.id, f.versionUnknown, f.fixedVersion])).toEqual([
      ['busybox', 'CVE-2024-5000', true, '1.0'],
      ['left-pad', 'GHSA-1111-1111-1111', true, '1.3.0'],
      ['left-pad', 'GHSA-2222-2222-2222', true, null],
    ]);
  });

  it('removed and lockfile-only components produce nothing', async () => {
    const idx = index(
      osv('GHSA-3333-3333-3333', [
        {
          ecosystem: 'npm',
          name: 'minimist',
          ranges: [{ events: [{ introduced: '0' }, { fixed: '1.2.6' }] }],
        },
      ]),
    );
    const findings = await matchImage(
      [
        { type: 'npm', name: 'minimist', version: '1.2.0', removed: true },
        { type: 'npm', name: 'minimist', version: '1.2.0', lockfileOnly: true },
      ],
      {},
      idx,
    );
    expect(findings).toEqual([]);
  });
});

describe('ecosystems and keys', () => {
  it('normalises package keys per ecosystem', () => {
    expect(packageKey('pypi', 'Django_REST.framework')).toBe('PyPI/django-rest-framework');
    expect(packageKey('npm', 'Axios')).toBe('npm/axios');
    expect(packageKey('Go', 'github.com/Azure/go-autorest')).toBe('Go/github.com/Azure/go-autorest');
    expect(packageKey('debian:12', 'OpenSSL')).toBe('Debian:12/openssl');
    expect(
      componentKeys(
        { type: 'apk', name: 'libcrypto3', sourceName: 'openssl', version: '3.1.4-r1' },
        { os: { id: 'alpine', versionId: '3.19.1' } },
      ),
    ).toEqual(['Alpine:v3.19/openssl']);
    expect(componentKeys({ type: 'binary', name: 'curl', version: '8.0.0' }, {})).toEqual([
      'cpe:haxx:curl',
      'cpe:haxx:libcurl',
    ]);
  });

  it('matches PyPI, Go, Maven, crates.io and RubyGems with their own version order', async () => {
    const idx = index(
      osv(
        'PYSEC-1',
        [
          {
            ecosystem: 'PyPI',
            name: 'django',
            ranges: [{ events: [{ introduced: '4.2a1' }, { fixed: '4.2.10' }] }],
          },
        ],
        { aliases: ['GHSA-p'] },
      ),
      osv('GO-1', [
        {
          ecosystem: 'Go',
          name: 'golang.org/x/net',
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.17.0' }] }],
        },
      ]),
      osv('GHSA-m', [
        {
          ecosystem: 'Maven',
          name: 'com.fasterxml.jackson.core:jackson-databind',
          ranges: [{ events: [{ introduced: '2.9.0' }, { fixed: '2.9.10.8' }] }],
        },
      ]),
      osv('RUSTSEC-1', [
        {
          ecosystem: 'crates.io',
          name: 'tokio',
          ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.18.4' }] }],
        },
      ]),
      osv('GHSA-r', [
        {
          ecosystem: 'RubyGems',
          name: 'rack',
          ranges: [{ events: [{ introduced: '0' }, { fixed: '2.2.6.3' }] }],
        },
      ]),
    );
    const findings = await matchImage(
      [
        { type: 'pypi', name: 'Django', version: '4.2.9' },
        { type: 'go', name: 'golang.org/x/net', version: 'v0.0.0-20220722155237-a158d28d115b' },
        { type: 'maven', name: 'com.fasterxml.jackson.core:jackson-databind', version: '2.9.10.1' },
        { type: 'cargo', name: 'tokio', version: '1.18.4' },
        { type: 'gem', name: 'rack', version: '2.2.6.2' },
      ],
      {},
      idx,
    );
    expect(findings.map((f) => `${f.component.name}:${f.id}`).sort()).toEqual([
      'Django:PYSEC-1',
      'com.fasterxml.jackson.core:jackson-databind:GHSA-m',
      'golang.org/x/net:GO-1',
      'rack:GHSA-r',
    ]);
  });

  it('evaluates OSV ranges as the schema says (unsorted events, last_affected, limit)', () => {
    const r = (events: Record<string, string>[], v: string) =>
      rangeHolds({ type: 'SEMVER', events }, v, 'npm') !== null;
    expect(r([{ fixed: '2.0.0' }, { introduced: '1.0.0' }], '1.5.0')).toBe(true);
    expect(r([{ introduced: '1.0.0' }, { last_affected: '1.5.0' }], '1.5.0')).toBe(true);
    expect(r([{ introduced: '1.0.0' }, { last_affected: '1.5.0' }], '1.5.1')).toBe(false);
    expect(r([{ introduced: '0' }, { limit: '1.0.0' }], '1.0.0')).toBe(false);
    expect(
      r([{ introduced: '0' }, { fixed: '1.0.0' }, { introduced: '2.0.0' }, { fixed: '2.1.0' }], '1.5.0'),
    ).toBe(false);
    expect(
      r([{ introduced: '0' }, { fixed: '1.0.0' }, { introduced: '2.0.0' }, { fixed: '2.1.0' }], '2.0.5'),
    ).toBe(true);
    expect(
      rangeHolds(
        { type: 'SEMVER', events: [{ introduced: '3.0.0-beta.1' }, { fixed: '3.0.0-beta.9' }] },
        '2.6.0',
        'npm',
      ),
    ).toBeNull();
  });

  it('computes CVSS v3 base scores', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(cvss3BaseScore('CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H')).toBe(8.8);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N')).toBe(6.1);
    expect(cvss3BaseScore('CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N')).toBe(0);
    expect(cvss3BaseScore('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toBeNull();
  });
});

describe('MemoryVulnIndex changes', () => {
  it('reports the package keys of the old and new revision; older revisions do not win', () => {
    const idx = new MemoryVulnIndex();
    idx.addOsv(osv('GHSA-9', [{ ecosystem: 'npm', name: 'a' }], { modified: '2024-01-02T00:00:00Z' }));
    const older = idx.addOsv(
      osv('GHSA-9', [{ ecosystem: 'npm', name: 'z' }], { modified: '2024-01-01T00:00:00Z' }),
    );
    expect(older).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    const moved = idx.addOsv(
      osv('GHSA-9', [{ ecosystem: 'npm', name: 'b' }], { modified: '2024-01-03T00:00:00Z' }),
    );
    expect([...moved.keys].sort()).toEqual(['npm/a', 'npm/b']);
    const withdrawn = idx.addOsv(
      osv('GHSA-9', [{ ecosystem: 'npm', name: 'b' }], {
        modified: '2024-01-04T00:00:00Z',
        withdrawn: '2024-01-04T00:00:00Z',
      }),
    );
    expect([...withdrawn.keys]).toEqual(['npm/b']);
    const cve = idx.addNvd(
      nvdCve('CVE-2024-7', {
        configurations: [{ nodes: [{ cpeMatch: [{ criteria: 'cpe:2.3:a:acme:tool:*:*:*:*:*:*:*:*' }] }] }],
      }),
    );
    expect([...cve.keys]).toEqual(['cpe:acme:tool']);
    // A new NVD revision also touches the packages of OSV records reported under that CVE.
    idx.addOsv(osv('GHSA-10', [{ ecosystem: 'npm', name: 'c' }], { aliases: ['CVE-2024-7'] }));
    const rescored = idx.addNvd(nvdCve('CVE-2024-7', { lastModified: '2024-02-01T00:00:00.000', score: 5 }));
    expect([...rescored.keys].sort()).toEqual(['cpe:acme:tool', 'npm/c']);
  });
});
