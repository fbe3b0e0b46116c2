import { describe, expect, it } from '@jest/globals';
import initSqlJs from 'sql.js';
import {
  analyzeBuffer,
  analyzeEntries,
  buildTar,
  buildZip,
  fakeElf,
  goInlineBuildInfo,
  goModinfo,
  goPointerElf,
  sha256,
} from '../__tests__/layers.js';
import type { DetectedComponent, LayerSource } from '../types.js';
import { parseApkInstalled } from './apk.js';
import { parseDebianCopyright, parseDpkgList, parseDpkgStatus } from './dpkg.js';
import { parseGoBuildInfo } from './go.js';
import { parsePackageLock } from './npm.js';
import { parseOsRelease } from './os-release.js';
import { parsePythonMetadata } from './python.js';
import { parseRpmHeader, rpmComponentFromHeader } from './rpm.js';

const components = (sources: LayerSource[]): DetectedComponent[] =>
  sources.flatMap((s) => ('components' in s ? s.components : 'component' in s ? [s.component] : []));

describe('dpkg', () => {
  const status = [
    'Package: libssl3',
    'Status: install ok installed',
    'Architecture: amd64',
    'Source: openssl (3.0.15-1~deb12u1)',
    'Version: 3.0.15-1~deb12u1+b1',
    'Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>',
    'Description: Secure Sockets Layer toolkit',
    ' continuation line',
    '',
    'Package: libc6',
    'Status: install ok installed',
    'Architecture: amd64',
    'Source: glibc',
    'Version: 2.36-9+deb12u14',
    '',
    'Package: removed-one',
    'Status: deinstall ok config-files',
    'Version: 1.0',
    '',
    'Package: zlib1g',
    'Status: install ok installed',
    'Version: 1:1.2.13.dfsg-1',
  ].join('\n');

  it('parses binary package, version, arch, source (with version in parentheses) and maintainer', () => {
    const c = parseDpkgStatus(status, '/var/lib/dpkg/status');
    expect(c.map((x) => x.name)).toEqual(['libssl3', 'libc6', 'zlib1g']);
    expect(c[0]).toMatchObject({
      type: 'deb',
      version: '3.0.15-1~deb12u1+b1',
      arch: 'amd64',
      sourceName: 'openssl',
      sourceVersion: '3.0.15-1~deb12u1',
      maintainer: 'Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>',
    });
    expect(c[1]).toMatchObject({ sourceName: 'glibc', sourceVersion: '2.36-9+deb12u14' });
    expect(c[2]).toMatchObject({ sourceName: 'zlib1g', sourceVersion: '1:1.2.13.dfsg-1' });
  });

  it('reads status.d (distroless), .list ownership and DEP-5 licenses inside a layer', async () => {
    const a = await analyzeEntries([
      { name: 'var/lib/dpkg/status.d/libssl3', content: status.split('\n\n')[0] },
      { name: 'var/lib/dpkg/status.d/libssl3.md5sums', content: 'abc  usr/lib/libssl.so.3\n' },
      {
        name: 'var/lib/dpkg/info/libssl3:amd64.list',
        content: '/.\n/usr\n/usr/lib/x86_64-linux-gnu/libssl.so.3\n',
      },
      {
        name: 'usr/share/doc/libssl3/copyright',
        content:
          'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: OpenSSL\n\nFiles: *\nCopyright: x\nLicense: Apache-2.0\n\nFiles: debian/*\nLicense: GPL-2+\n\nLicense: Apache-2.0\n Text\n',
      },
      { name: 'usr/share/doc/other/copyright', content: 'This is free-form prose. License: whatever\n' },
    ]);
    expect(components(a.sources).map((c) => c.name)).toEqual(['libssl3']);
    expect(a.sources.find((s) => s.kind === 'dpkg-list')).toMatchObject({
      package: 'libssl3',
      files: ['usr', 'usr/lib/x86_64-linux-gnu/libssl.so.3'],
    });
    expect(a.sources.find((s) => s.kind === 'dpkg-copyright')).toMatchObject({
      package: 'libssl3',
      licenses: ['Apache-2.0', 'GPL-2+'],
    });
    expect(a.sources.filter((s) => s.kind === 'dpkg-copyright')).toHaveLength(1);
  });

  it('helpers', () => {
    expect(parseDpkgList('/bin/busybox\n', 'busybox-static.list')).toEqual({
      package: 'busybox-static',
      files: ['bin/busybox'],
    });
    expect(parseDebianCopyright('free text')).toBeNull();
  });
});

describe('apk', () => {
  it('parses lib/apk/db/installed with origin, license and owned files', () => {
    const text =
      'C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\nm:Maintainer <m@x>\nF:lib\nR:ld-musl-x86_64.so.1\n\nP:busybox\nV:1.36.1-r5\nL:GPL-2.0-only\no:busybox\nF:bin\nR:busybox\n';
    const r = parseApkInstalled(text, '/lib/apk/db/installed');
    expect(r.components.map((c) => [c.name, c.version, c.origin, c.licenses])).toEqual([
      ['musl', '1.2.4-r2', 'musl', ['MIT']],
      ['busybox', '1.36.1-r5', 'busybox', ['GPL-2.0-only']],
    ]);
    expect(r.owned['busybox']).toEqual(['bin/busybox']);
  });
});

function rpmHeaderBlob(tags: { tag: number; type: number; value: string | string[] | number[] }[]): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let off = 0;
  for (const t of tags) {
    let d: Buffer;
    let count = 1;
    if (typeof t.value === 'string') d = Buffer.from(t.value + '\0');
    else if (typeof t.value[0] === 'string') {
      d = Buffer.from((t.value as string[]).map((s) => s + '\0').join(''));
      count = t.value.length;
    } else {
      // int32 data is 4-byte aligned
      const pad = (4 - (off % 4)) % 4;
      if (pad) {
        data.push(Buffer.alloc(pad));
        off += pad;
      }
      d = Buffer.alloc(4 * t.value.length);
      (t.value as number[]).forEach((n, i) => d.writeInt32BE(n, i * 4));
      count = t.value.length;
    }
    const e = Buffer.alloc(16);
    e.writeUInt32BE(t.tag, 0);
    e.writeUInt32BE(t.type, 4);
    e.writeUInt32BE(off, 8);
    e.writeUInt32BE(count, 12);
    index.push(e);
    data.push(d);
    off += d.length;
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(tags.length, 0);
  head.writeUInt32BE(off, 4);
  return Buffer.concat([head, ...index, ...data]);
}

describe('rpm', () => {
  const blob = rpmHeaderBlob([
    { tag: 1000, type: 6, value: 'openssl-libs' },
    { tag: 1001, type: 6, value: '3.0.7' },
    { tag: 1002, type: 6, value: '27.el9' },
    { tag: 1003, type: 4, value: [1] },
    { tag: 1014, type: 6, value: 'ASL 2.0' },
    { tag: 1022, type: 6, value: 'x86_64' },
    { tag: 1044, type: 6, value: 'openssl-3.0.7-27.el9.src.rpm' },
    { tag: 1116, type: 4, value: [0, 0] },
    { tag: 1117, type: 8, value: ['libssl.so.3', 'libcrypto.so.3'] },
    { tag: 1118, type: 8, value: ['/usr/lib64/'] },
  ]);

  it('parses an rpm header blob', () => {
    const r = rpmComponentFromHeader(parseRpmHeader(blob)!, '/var/lib/rpm/rpmdb.sqlite')!;
    expect(r.component).toMatchObject({
      type: 'rpm',
      name: 'openssl-libs',
      version: '1:3.0.7-27.el9',
      epoch: 1,
      arch: 'x86_64',
      licenses: ['ASL 2.0'],
      sourceName: 'openssl',
      sourceVersion: '3.0.7-27.el9',
    });
    expect(r.files).toEqual(['usr/lib64/libssl.so.3', 'usr/lib64/libcrypto.so.3']);
  });

  it('reads the SQLite rpmdb from a layer with sql.js', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
    db.run('INSERT INTO Packages (blob) VALUES (?)', [blob]);
    const bytes = Buffer.from(db.export());
    db.close();
    const a = await analyzeEntries([{ name: 'usr/lib/sysimage/rpm/rpmdb.sqlite', content: bytes }]);
    expect(components(a.sources).map((c) => `${c.name}@${c.version}`)).toEqual([
      'openssl-libs@1:3.0.7-27.el9',
    ]);
  });
});

describe('os-release', () => {
  it('parses quoted values', () => {
    expect(
      parseOsRelease(
        'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n',
        '/etc/os-release',
      ),
    ).toEqual({
      id: 'alpine',
      versionId: '3.19.1',
      name: 'Alpine Linux',
      prettyName: 'Alpine Linux v3.19',
      path: '/etc/os-release',
    });
    expect(parseOsRelease('garbage', '/etc/os-release')).toBeNull();
  });
});

describe('npm', () => {
  it('reads node_modules package.json files (scoped too) but not files deeper inside a package', async () => {
    const a = await analyzeEntries([
      {
        name: 'app/node_modules/lodash/package.json',
        content: JSON.stringify({ name: 'lodash', version: '4.17.15', license: 'MIT' }),
      },
      {
        name: 'app/node_modules/@types/node/package.json',
        content: JSON.stringify({ name: '@types/node', version: '20.1.0', licenses: [{ type: 'MIT' }] }),
      },
      { name: 'app/node_modules/lodash/fp/package.json', content: JSON.stringify({ main: '../fp.js' }) },
      { name: 'app/node_modules/broken/package.json', content: '{not json' },
    ]);
    expect(components(a.sources).map((c) => [c.name, c.version, c.licenses, c.paths[0]])).toEqual([
      ['lodash', '4.17.15', ['MIT'], '/app/node_modules/lodash/package.json'],
      ['@types/node', '20.1.0', ['MIT'], '/app/node_modules/@types/node/package.json'],
    ]);
  });

  it('parses package-lock v1 (nested dependencies), v2 and v3', () => {
    const v1 = {
      lockfileVersion: 1,
      dependencies: {
        a: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } },
        local: { version: 'file:../x' },
      },
    };
    expect(parsePackageLock(JSON.stringify(v1), 'app')).toEqual([
      { name: 'a', version: '1.0.0', declaredAt: 'app/node_modules/a' },
      { name: 'b', version: '2.0.0', declaredAt: 'app/node_modules/a/node_modules/b' },
    ]);
    const v2 = {
      lockfileVersion: 2,
      packages: {
        '': { name: 'root' },
        'node_modules/@s/x': { version: '1.0.0' },
        'node_modules/linked': { link: true, resolved: 'pkgs/linked' },
        'pkgs/linked': { version: '0.0.1' },
      },
      dependencies: { ignored: { version: '9' } },
    };
    expect(parsePackageLock(JSON.stringify(v2), '')).toEqual([
      { name: '@s/x', version: '1.0.0', declaredAt: 'node_modules/@s/x' },
    ]);
    expect(parsePackageLock('[]', '')).toBeNull();
  });
});

describe('python', () => {
  it('reads dist-info METADATA and egg-info PKG-INFO', async () => {
    const a = await analyzeEntries([
      {
        name: 'usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA',
        content:
          'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\nClassifier: License :: OSI Approved :: Apache Software License\n\nBody License: not this\n',
      },
      {
        name: 'usr/lib/python3/site-packages/six.egg-info/PKG-INFO',
        content: 'Name: six\nVersion: 1.16.0\nLicense-Expression: MIT\n',
      },
    ]);
    expect(components(a.sources).map((c) => [c.type, c.name, c.version, c.licenses])).toEqual([
      ['python', 'requests', '2.31.0', ['Apache 2.0', 'Apache Software License']],
      ['python', 'six', '1.16.0', ['MIT']],
    ]);
    expect(parsePythonMetadata('Name: x\n', '/m')).toBeNull();
  });
});

describe('go build info', () => {
  const modinfo = goModinfo([
    'path\texample.com/cmd/app',
    'mod\texample.com/app\tv1.2.3\th1:abc=',
    'dep\tgolang.org/x/net\tv0.17.0\th1:def=',
    'dep\tgithub.com/old/mod\tv1.0.0\th1:x=',
    '=>\tgithub.com/new/mod\tv1.1.0\th1:y=',
    'build\t-compiler=gc',
  ]);

  it('parses the Go 1.18+ inline format from a layer (split across chunks)', async () => {
    const elf = fakeElf(
      Buffer.concat([Buffer.alloc(8), goInlineBuildInfo('go1.21.5', modinfo), Buffer.alloc(5000)]),
    );
    const a = await analyzeBuffer(await buildTar([{ name: 'usr/local/bin/app', content: elf }]), {}, 11);
    const go = components(a.sources).filter((c) => c.type === 'golang');
    expect(go.map((c) => `${c.name}@${c.version}`)).toEqual([
      'stdlib@1.21.5',
      'example.com/app@v1.2.3',
      'golang.org/x/net@v0.17.0',
      'github.com/new/mod@v1.1.0',
    ]);
    expect(go[0]).toMatchObject({
      paths: ['/usr/local/bin/app'],
      sha256: sha256(elf),
      goVersion: 'go1.21.5',
    });
  });

  it('parses the pre-1.18 pointer format through the ELF program headers', () => {
    const info = parseGoBuildInfo(goPointerElf('go1.16.15', modinfo))!;
    expect(info.goVersion).toBe('go1.16.15');
    expect(info.main).toEqual({ path: 'example.com/app', version: 'v1.2.3' });
    expect(info.deps).toEqual([
      { path: 'golang.org/x/net', version: 'v0.17.0' },
      { path: 'github.com/new/mod', version: 'v1.1.0' },
    ]);
  });

  it('resolves the pointer format while streaming when the binary carries the Go note', async () => {
    const base = goPointerElf('go1.16.15', modinfo);
    // Insert a Go build-id note into the head (name "Go\0\0", type 4) so the scanner buffers it.
    const note = Buffer.from('04000000' + '08000000' + '04000000' + '476f0000' + '0011223344556677', 'hex');
    const elf = Buffer.concat([base.subarray(0, 120), base.subarray(120)]);
    const withNote = Buffer.concat([elf, note]);
    const a = await analyzeEntries([{ name: 'app', content: withNote }]);
    expect(components(a.sources).map((c) => c.name)).toContain('example.com/app');
  });
});

describe('java', () => {
  it('reads pom.properties and MANIFEST.MF of jars, nested jars included', async () => {
    const inner = buildZip([
      {
        name: 'META-INF/MANIFEST.MF',
        data: 'Manifest-Version: 1.0\nImplementation-Title: inner-lib\nImplementation-Version: 0.9\n',
      },
    ]);
    const war = buildZip([
      {
        name: 'META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties',
        data: 'groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n',
      },
      { name: 'WEB-INF/lib/inner.jar', data: inner },
    ]);
    const a = await analyzeEntries([
      { name: 'opt/app.war', content: war },
      { name: 'opt/broken.jar', content: 'PK not really' },
    ]);
    expect(components(a.sources).map((c) => [c.type, c.group, c.name, c.version, c.paths[0]])).toEqual([
      ['maven', 'org.apache.logging.log4j', 'log4j-core', '2.14.1', '/opt/app.war'],
      ['maven', undefined, 'inner-lib', '0.9', '/opt/app.war!/WEB-INF/lib/inner.jar'],
    ]);
    expect(a.warnings.map((w) => w.code)).toEqual(['DETECTOR_FAILED']);
  });
});

describe('ELF version signatures', () => {
  const cases: [string, string, string | null][] = [
    ['BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1)\0', 'busybox', '1.35.0'],
    ['\0OpenSSL 3.0.15 3 Sep 2024\0', 'openssl', '3.0.15'],
    ['\0libcurl/7.88.1\0', 'curl', '7.88.1'],
    ['\0curl 8.5.0 (x86_64-pc-linux-gnu) %s\0', 'curl', '8.5.0'],
    ['\0 deflate 1.2.13 Copyright 1995-2022 Jean-loup Gailly and Mark Adler \0', 'zlib', '1.2.13'],
    ['\0SQLite format 3\0', 'sqlite', null],
    ['\0OpenSSH_9.2p1 Debian-2\0', 'openssh', '9.2p1'],
    ['\0nginx version: nginx/1.25.3\0', 'nginx', '1.25.3'],
    ['\0https://nodejs.org/download/release/v20.11.0/node-v20.11.0-headers.tar.gz\0', 'node.js', '20.11.0'],
    ['\0Py_GetBuildInfo\0', 'python', null],
    ['\0GNU C Library (Debian GLIBC 2.36-9+deb12u4) stable release version 2.36.\0', 'glibc', '2.36'],
  ];
  for (const [text, name, version] of cases) {
    it(`finds ${name} ${version ?? '(unknown version)'} at every chunk boundary`, async () => {
      const elf = fakeElf(
        Buffer.concat([Buffer.alloc(3000, 0x90), Buffer.from(text, 'latin1'), Buffer.alloc(3000, 0x90)]),
      );
      // An uncompressed tar fed in small chunks: tar-stream hands the file over in pieces that
      // split the signature at every possible position.
      const tar = await buildTar([{ name: 'usr/bin/x', content: elf }]);
      for (const chunk of [5, 7, 13, 4096, 65536]) {
        const shifted = elf;
        const a = await analyzeBuffer(tar, {}, chunk);
        const c = components(a.sources).filter((x) => x.type === 'binary');
        expect(c.map((x) => [x.name, x.version])).toEqual([[name, version]]);
        expect(c[0]?.sha256).toBe(sha256(shifted));
      }
    });
  }

  it('does not scan non-ELF files or the separate executable segment', async () => {
    const text = 'BusyBox v1.36.0\0';
    const plain = await analyzeEntries([{ name: 'notes.txt', content: text }]);
    expect(plain.sources).toEqual([]);
    const payload = Buffer.concat([Buffer.alloc(1000), Buffer.from(text), Buffer.alloc(1000)]);
    const elf = fakeElf(payload, { textSegment: [500, 2000] });
    const a = await analyzeEntries([{ name: 'bin/x', content: elf }]);
    expect(a.sources).toEqual([]);
    expect(a.files[0]?.elf).toBe(true);
  });
});
