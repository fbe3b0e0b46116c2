import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32, gzipSync } from 'node:zlib';
import { parseNvdCve, parseNvdPage, preferredCvss, isRejected } from './nvd.js';
import { parseOsvRecord } from './osv.js';
import { NvdPageScanner, readNvdPageStream } from './nvd-stream.js';
import { loadVulnDataPath } from './loader.js';
import { nvdPage, rawNvdCve, rawOsv } from '../testing/records.js';
import type { NvdCve, OsvRecord } from '../model/types.js';

describe('NVD CVE API 2.0 parser', () => {
  it('reads descriptions, dates, status, CWEs, references and ignores unknown keys', () => {
    const raw = {
      ...rawNvdCve('CVE-2024-0001', { description: 'An overflow.' }),
      cveTags: [{ sourceIdentifier: 'x', tags: ['disputed'] }],
      affected: [{ vendor: 'x' }],
      weaknesses: [
        {
          source: 'nvd@nist.gov',
          type: 'Primary',
          description: [
            { lang: 'en', value: 'CWE-787' },
            { lang: 'en', value: 'NVD-CWE-noinfo' },
          ],
        },
      ],
      somethingNew: { nested: true },
    };
    const cve = parseNvdCve(raw);
    expect(cve).toMatchObject({
      id: 'CVE-2024-0001',
      description: 'An overflow.',
      published: '2024-01-01T00:00:00.000',
      lastModified: '2024-01-02T00:00:00.000',
      vulnStatus: 'Analyzed',
      cwes: ['CWE-787'],
    });
    expect(cve.references).toEqual([
      { url: 'https://example.org/CVE-2024-0001', source: 'cve@mitre.org', tags: ['Patch'] },
    ]);
    expect(cve.configurations).toEqual([]);
  });

  it('reads every CVSS version; v2 baseSeverity sits outside cvssData; v4.0 is preferred', () => {
    const cve = parseNvdCve({
      ...rawNvdCve('CVE-2024-0002'),
      metrics: {
        cvssMetricV2: [
          {
            source: 'nvd@nist.gov',
            type: 'Primary',
            cvssData: { version: '2.0', vectorString: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', baseScore: 7.5 },
            baseSeverity: 'HIGH',
          },
        ],
        cvssMetricV30: [
          {
            source: 'nvd@nist.gov',
            type: 'Primary',
            cvssData: {
              version: '3.0',
              vectorString: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
              baseScore: 7.5,
              baseSeverity: 'HIGH',
            },
          },
        ],
        cvssMetricV31: [
          {
            source: 'cna@example.org',
            type: 'Secondary',
            cvssData: {
              version: '3.1',
              vectorString: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N',
              baseScore: 4.0,
              baseSeverity: 'MEDIUM',
            },
          },
          {
            source: 'nvd@nist.gov',
            type: 'Primary',
            cvssData: {
              version: '3.1',
              vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
              baseScore: 9.8,
              baseSeverity: 'CRITICAL',
            },
          },
        ],
        cvssMetricV40: [
          {
            source: 'cna@example.org',
            type: 'Secondary',
            cvssData: {
              version: '4.0',
              vectorString: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
              baseScore: 9.3,
              baseSeverity: 'CRITICAL',
            },
          },
        ],
        ssvcV203: [{ whatever: 1 }],
      },
    });
    expect(cve.cvss.map((m) => [m.version, m.baseScore, m.baseSeverity])).toEqual([
      ['4.0', 9.3, 'critical'],
      ['3.1', 4.0, 'medium'],
      ['3.1', 9.8, 'critical'],
      ['3.0', 7.5, 'high'],
      ['2.0', 7.5, 'high'],
    ]);
    expect(preferredCvss(cve)?.version).toBe('4.0');
    const without4 = { ...cve, cvss: cve.cvss.filter((m) => m.version !== '4.0') };
    expect(preferredCvss(without4)).toMatchObject({ version: '3.1', baseScore: 9.8 });
    expect(preferredCvss({ ...cve, cvss: cve.cvss.filter((m) => m.version === '2.0') })).toMatchObject({
      baseSeverity: 'high',
    });
  });

  it('reads configurations with AND/OR nodes, negate, bounds and the vulnerable flag', () => {
    const cve = parseNvdCve(
      rawNvdCve('CVE-2024-0003', {
        configurations: [
          {
            operator: 'AND',
            nodes: [
              {
                cpeMatch: [
                  {
                    criteria: 'cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*',
                    versionStartIncluding: '1.0',
                    versionEndExcluding: '1.4',
                  },
                ],
              },
              {
                negate: true,
                cpeMatch: [{ criteria: 'cpe:2.3:o:acme:os:-:*:*:*:*:*:*:*', vulnerable: false }],
              },
            ],
          },
        ],
      }),
    );
    expect(cve.configurations).toEqual([
      {
        operator: 'AND',
        negate: false,
        nodes: [
          {
            operator: 'OR',
            negate: false,
            cpeMatch: [
              {
                criteria: 'cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*',
                vulnerable: true,
                versionStartIncluding: '1.0',
                versionEndExcluding: '1.4',
                matchCriteriaId: '00000000-0000-0000-0000-000000000000',
              },
            ],
          },
          {
            operator: 'OR',
            negate: true,
            cpeMatch: [
              {
                criteria: 'cpe:2.3:o:acme:os:-:*:*:*:*:*:*:*',
                vulnerable: false,
                matchCriteriaId: '00000000-0000-0000-0000-000000000000',
              },
            ],
          },
        ],
      },
    ]);
  });

  it('recognises Rejected records and reads a page envelope', () => {
    expect(isRejected(parseNvdCve(rawNvdCve('CVE-2024-0004', { vulnStatus: 'Rejected' })))).toBe(true);
    const page = parseNvdPage(nvdPage([rawNvdCve('CVE-2024-0005')], 10, 11));
    expect(page).toMatchObject({
      startIndex: 10,
      totalResults: 11,
      resultsPerPage: 1,
      timestamp: '2026-09-01T00:00:00.000',
    });
    expect(page.vulnerabilities[0].id).toBe('CVE-2024-0005');
  });
});

describe('NVD page streaming', () => {
  const page = nvdPage(
    Array.from({ length: 25 }, (_, i) =>
      rawNvdCve(`CVE-2024-${1000 + i}`, {
        description: `tricky "quotes" {braces} [brackets] \\ and ünïcode ${i}`,
      }),
    ),
    0,
    25,
  );
  const text = JSON.stringify(page, null, 2);

  it('yields every record whatever the chunk boundaries, and the envelope', () => {
    for (const size of [1, 7, 64, 4096, text.length]) {
      const scanner = new NvdPageScanner();
      const ids: string[] = [];
      for (let i = 0; i < text.length; i += size) {
        for (const el of scanner.push(text.slice(i, i + size)))
          ids.push((el as { cve: { id: string } }).cve.id);
      }
      expect(ids).toHaveLength(25);
      expect(ids[24]).toBe('CVE-2024-1024');
      expect(scanner.envelope()).toMatchObject({
        totalResults: 25,
        startIndex: 0,
        timestamp: '2026-09-01T00:00:00.000',
        vulnerabilities: [],
      });
    }
  });

  it('reads a byte stream and parses the records', async () => {
    const out: NvdCve[] = [];
    let total = 0;
    for await (const cve of readNvdPageStream(
      Readable.from([Buffer.from(text)]),
      (e) => (total = e.totalResults ?? 0),
    ))
      out.push(cve);
    expect(out.map((c) => c.description)[3]).toBe('tricky "quotes" {braces} [brackets] \\ and ünïcode 3');
    expect(total).toBe(25);
  });
});

describe('OSV parser', () => {
  it('reads packages, ranges, versions, aliases, upstream, severity, specific blocks and withdrawn', () => {
    const r = parseOsvRecord({
      ...rawOsv(
        'DEBIAN-CVE-2024-1',
        [
          {
            ecosystem: 'Debian:12',
            name: 'openssl',
            ranges: [{ events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u1' }] }],
            databaseSpecific: { severity: 'high' },
          },
        ],
        {
          upstream: ['CVE-2024-1'],
          withdrawn: '2024-02-01T00:00:00Z',
          severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
        },
      ),
      unknownField: 1,
    });
    expect(r).toMatchObject({
      id: 'DEBIAN-CVE-2024-1',
      upstream: ['CVE-2024-1'],
      aliases: [],
      withdrawn: '2024-02-01T00:00:00Z',
      severity: [{ type: 'CVSS_V3' }],
      affected: [
        {
          ecosystem: 'Debian:12',
          name: 'openssl',
          versions: [],
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u1' }] }],
          databaseSpecific: { severity: 'high' },
        },
      ],
    });
  });
});

/** A minimal stored (uncompressed) zip, like osv.dev's all.zip but without deflate. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const fname = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fname.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fname, data);
    centrals.push(central, fname);
    offset += 30 + fname.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('offline loader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vulndb-load-'));
    await mkdir(join(dir, 'nvd'));
    await mkdir(join(dir, 'osv/nested'), { recursive: true });
    await writeFile(
      join(dir, 'nvd/page-1.json'),
      JSON.stringify(nvdPage([rawNvdCve('CVE-2024-0001'), rawNvdCve('CVE-2024-0002')])),
    );
    await writeFile(
      join(dir, 'nvd/page-2.json.gz'),
      gzipSync(JSON.stringify(nvdPage([rawNvdCve('CVE-2024-0003')], 2, 3))),
    );
    await writeFile(
      join(dir, 'osv/GHSA-aaaa.json'),
      JSON.stringify(rawOsv('GHSA-aaaa', [{ ecosystem: 'npm', name: 'a' }])),
    );
    await writeFile(
      join(dir, 'osv/nested/list.json'),
      JSON.stringify([
        rawOsv('PYSEC-1', [{ ecosystem: 'PyPI', name: 'b' }]),
        rawOsv('PYSEC-2', [{ ecosystem: 'PyPI', name: 'c' }]),
      ]),
    );
    await writeFile(
      join(dir, 'osv/all.zip'),
      zip({
        'GO-1.json': JSON.stringify(rawOsv('GO-1', [{ ecosystem: 'Go', name: 'x' }])),
        'README.txt': 'x',
      }),
    );
    await writeFile(join(dir, 'expected.json'), JSON.stringify({ schema: 'not a record' }));
    await writeFile(join(dir, 'README.md'), '# readme');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads NVD pages (plain and gzip), OSV files, arrays and zips recursively; skips the rest', async () => {
    const nvd: string[] = [];
    const osv: string[] = [];
    const skipped: string[] = [];
    await loadVulnDataPath(dir, {
      nvd: (c: NvdCve) => void nvd.push(c.id),
      osv: (r: OsvRecord) => void osv.push(r.id),
      skipped: (p) => skipped.push(p.slice(dir.length + 1)),
    });
    expect(nvd.sort()).toEqual(['CVE-2024-0001', 'CVE-2024-0002', 'CVE-2024-0003']);
    expect(osv.sort()).toEqual(['GHSA-aaaa', 'GO-1', 'PYSEC-1', 'PYSEC-2']);
    expect(skipped.sort()).toEqual(['README.md', 'expected.json']);
  });
});
