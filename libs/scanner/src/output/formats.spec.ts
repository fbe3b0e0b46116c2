import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import Ajv2019Module from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { analyzeEntries } from '../__tests__/layers.js';
import { mergeLayers } from '../merge.js';
import { ANALYZER_VERSION, type ImageScanResult } from '../types.js';
import { render, toCycloneDx, toSpdx, toTable } from './formats.js';

// CommonJS packages under NodeNext: the class is the default export's `default`.
const Ajv = AjvModule.default;
const Ajv2019 = Ajv2019Module.default;
const addFormats = addFormatsModule.default;

const here = dirname(fileURLToPath(import.meta.url));
const schema = (f: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(here, '..', 'schemas', f), 'utf8')) as Record<string, unknown>;

async function sampleResult(): Promise<ImageScanResult> {
  const analysis = await analyzeEntries([
    {
      name: 'usr/lib/os-release',
      content:
        'ID=debian\nVERSION_ID="12"\nNAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    },
    {
      name: 'var/lib/dpkg/status',
      content:
        'Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.15-1~deb12u1\nMaintainer: Debian OpenSSL Team <x@y>\n',
    },
    {
      name: 'usr/share/doc/libssl3/copyright',
      content:
        'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: Apache-2.0\n',
    },
    {
      name: 'app/node_modules/@scope/x/package.json',
      content: JSON.stringify({ name: '@scope/x', version: '1.0.0', license: 'Custom Thing' }),
    },
    {
      name: 'bin/bb',
      content: Buffer.from('\x7fELF\x02\x01\x01' + '\0'.repeat(100) + 'BusyBox v1.36.1 (x)\0', 'latin1'),
    },
    {
      name: 'bin/py',
      content: Buffer.from('\x7fELF\x02\x01\x01' + '\0'.repeat(100) + 'Py_GetBuildInfo\0', 'latin1'),
    },
  ]);
  const merged = mergeLayers([
    {
      index: 0,
      digest: 'sha256:' + 'a'.repeat(64),
      diffId: analysis.diffId,
      createdBy: 'ADD rootfs /',
      analysis,
    },
  ]);
  return {
    scanner: { name: 'drydock-scanner', analyzerVersion: ANALYZER_VERSION },
    image: {
      reference: 'example/app:1',
      digest: 'sha256:' + 'b'.repeat(64),
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      configDigest: 'sha256:' + 'c'.repeat(64),
      platform: { os: 'linux', architecture: 'amd64' },
    },
    os: merged.os,
    layers: [],
    history: [],
    components: merged.components,
    unownedElfFiles: merged.unownedElfFiles,
    flagged: [],
    warnings: [],
    fileCount: merged.files.size,
  };
}

describe('SBOM formats', () => {
  it('CycloneDX 1.6 output validates against the official schema', async () => {
    const r = await sampleResult();
    const bom = toCycloneDx(r, { created: new Date('2025-01-01T00:00:00Z') });
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    // ajv-formats has no IRI formats; the BOM uses them only for URLs, which this test does not emit.
    ajv.addFormat('iri-reference', true);
    ajv.addSchema(schema('spdx.schema.json'));
    ajv.addSchema(schema('jsf-0.82.schema.json'));
    const validate = ajv.compile(schema('bom-1.6.schema.json'));
    const ok = validate(bom);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(bom['specVersion']).toBe('1.6');
    const comps = bom['components'] as {
      name: string;
      purl?: string;
      version?: string;
      hashes?: unknown[];
    }[];
    expect(comps.map((c) => c.name).sort()).toEqual(
      ['@scope/x', 'busybox', 'debian', 'libssl3', 'python'].sort(),
    );
    expect(comps.find((c) => c.name === 'libssl3')?.purl).toBe(
      'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl',
    );
    expect(comps.find((c) => c.name === 'python')?.version).toBeUndefined();
    // Reproducible given the same timestamp.
    expect(toCycloneDx(r, { created: new Date('2025-01-01T00:00:00Z') })).toEqual(bom);
  });

  it('SPDX 2.3 output validates against the official schema', async () => {
    const r = await sampleResult();
    const doc = toSpdx(r, { created: new Date('2025-01-01T00:00:00Z') });
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema('spdx-2.3.schema.json'));
    validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    const pkgs = doc['packages'] as { name: string; licenseDeclared?: string; licenseComments?: string }[];
    expect(pkgs.find((p) => p.name === 'libssl3')?.licenseDeclared).toBe('Apache-2.0');
    expect(pkgs.find((p) => p.name === '@scope/x')).toMatchObject({
      licenseDeclared: 'NOASSERTION',
      licenseComments: 'declared: Custom Thing',
    });
  });

  it('table and JSON', async () => {
    const r = await sampleResult();
    const t = toTable(r);
    expect(t).toContain('busybox');
    expect(t).toContain('unknown');
    const j = JSON.parse(render(r, 'json', { findings: [] })) as Record<string, unknown>;
    expect(j['findings']).toEqual([]);
    expect((j['image'] as { digest: string }).digest).toBe(r.image.digest);
  });
});
