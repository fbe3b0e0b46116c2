import { createHash } from 'node:crypto';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { platformString } from '../source/types.js';
import { ANALYZER_VERSION, type Component, type ImageScanResult } from '../types.js';

export type OutputFormat = 'table' | 'json' | 'cyclonedx' | 'spdx';

export interface SbomOptions {
  /** Document timestamp (default: now). Fixed values make output reproducible. */
  created?: Date;
  /** Image name shown in the document (default: the reference or the digest). */
  name?: string;
}

const present = (r: ImageScanResult) => r.components.filter((c) => c.removedInLayer === undefined);

function imageName(r: ImageScanResult, opts: SbomOptions): string {
  return opts.name ?? r.image.reference ?? r.image.digest ?? r.image.configDigest;
}

/** Deterministic document id: the same scan gives the same serial number / namespace. */
function documentId(r: ImageScanResult): string {
  const h = createHash('sha256')
    .update(
      `${r.image.digest ?? ''}|${r.image.configDigest}|${platformString(r.image.platform)}|${ANALYZER_VERSION}`,
    )
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------
// CycloneDX 1.6 (https://cyclonedx.org/docs/1.6/json/) through the official library.

function cdxLicenses(licenses: string[]): CDX.Models.LicenseRepository {
  const repo = new CDX.Models.LicenseRepository();
  for (const l of licenses) {
    const id = CDX.SPDX.fixupSpdxId(l);
    if (id) repo.add(new CDX.Models.SpdxLicense(id));
    else if (/\s(?:AND|OR|WITH)\s/.test(l)) repo.add(new CDX.Models.NamedLicense(l));
    else repo.add(new CDX.Models.NamedLicense(l));
  }
  return repo;
}

function cdxProperties(c: Component): CDX.Models.PropertyRepository {
  const props = new CDX.Models.PropertyRepository();
  const add = (k: string, v: string | number | boolean | undefined | null) => {
    if (v !== undefined && v !== null && v !== '')
      props.add(new CDX.Models.Property(`drydock:${k}`, String(v)));
  };
  add('type', c.type);
  add('path', c.path);
  add('layerIndex', c.layerIndex);
  add('layerDigest', c.layerDigest);
  add('layerDiffId', c.layerDiffId);
  add('createdBy', c.createdBy);
  add('foundBy', c.foundBy);
  add('sourceName', c.sourceName);
  add('sourceVersion', c.sourceVersion);
  add('arch', c.arch);
  add('versionString', c.versionString);
  add('lockfileOnly', c.lockfileOnly);
  add('declaredAt', c.declaredAt);
  if (c.version === null) add('versionUnknown', true);
  for (const cpe of c.cpes.slice(1)) add('cpe', cpe);
  return props;
}

export function toCycloneDx(r: ImageScanResult, opts: SbomOptions = {}): Record<string, unknown> {
  const bom = new CDX.Models.Bom();
  bom.serialNumber = `urn:uuid:${documentId(r)}`;
  bom.metadata.timestamp = opts.created ?? new Date();
  bom.metadata.tools.components.add(
    new CDX.Models.Component(CDX.Enums.ComponentType.Application, 'drydock-scanner', {
      version: ANALYZER_VERSION,
    }),
  );
  const image = new CDX.Models.Component(CDX.Enums.ComponentType.Container, imageName(r, opts), {
    bomRef: 'image',
    ...(r.image.digest ? { version: r.image.digest } : {}),
  });
  image.properties.add(new CDX.Models.Property('drydock:platform', platformString(r.image.platform)));
  image.properties.add(new CDX.Models.Property('drydock:configDigest', r.image.configDigest));
  bom.metadata.component = image;
  if (r.os) {
    bom.components.add(
      new CDX.Models.Component(CDX.Enums.ComponentType.OperatingSystem, r.os.id, {
        bomRef: 'os',
        ...(r.os.versionId ? { version: r.os.versionId } : {}),
        ...(r.os.prettyName ? { description: r.os.prettyName } : {}),
      }),
    );
  }
  const seen = new Set<string>();
  for (const c of present(r)) {
    let ref = `${c.purl}|${c.path}`;
    for (let n = 2; seen.has(ref); n++) ref = `${c.purl}|${c.path}|${n}`;
    seen.add(ref);
    const comp = new CDX.Models.Component(
      c.type === 'binary' ? CDX.Enums.ComponentType.Application : CDX.Enums.ComponentType.Library,
      c.name,
      {
        bomRef: ref,
        ...(c.version ? { version: c.version } : {}),
        ...(c.group ? { group: c.group } : {}),
        purl: c.purl,
        licenses: cdxLicenses(c.licenses),
        properties: cdxProperties(c),
        ...(c.cpes[0] ? { cpe: c.cpes[0] } : {}),
      },
    );
    if (c.sha256) comp.hashes.set(CDX.Enums.HashAlgorithm['SHA-256'], c.sha256.replace(/^sha256:/, ''));
    bom.components.add(comp);
  }
  const serializer = new CDX.Serialize.JsonSerializer(
    new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6),
  );
  return JSON.parse(serializer.serialize(bom, { sortLists: true })) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/).

function spdxId(s: string): string {
  return s.replace(/[^a-zA-Z0-9.-]/g, '-');
}

/** A license expression SPDX accepts, or null when some license is not an SPDX id. */
function spdxExpression(licenses: string[]): string | null {
  if (licenses.length === 0) return null;
  const ids: string[] = [];
  for (const l of licenses) {
    const id = CDX.SPDX.fixupSpdxId(l);
    if (!id) return null;
    ids.push(id);
  }
  return ids.length === 1 ? ids[0] : `(${ids.join(' AND ')})`;
}

export function toSpdx(r: ImageScanResult, opts: SbomOptions = {}): Record<string, unknown> {
  const name = imageName(r, opts);
  const packages: Record<string, unknown>[] = [];
  const relationships: Record<string, unknown>[] = [];
  const imageRef = 'SPDXRef-Image';
  packages.push({
    SPDXID: imageRef,
    name,
    ...(r.image.digest ? { versionInfo: r.image.digest } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: 'CONTAINER',
    ...(r.image.digest
      ? { checksums: [{ algorithm: 'SHA256', checksumValue: r.image.digest.replace(/^sha256:/, '') }] }
      : {}),
    comment: `platform ${platformString(r.image.platform)}, config ${r.image.configDigest}`,
  });
  relationships.push({
    spdxElementId: 'SPDXRef-DOCUMENT',
    relatedSpdxElement: imageRef,
    relationshipType: 'DESCRIBES',
  });
  if (r.os) {
    packages.push({
      SPDXID: 'SPDXRef-OperatingSystem',
      name: r.os.id,
      ...(r.os.versionId ? { versionInfo: r.os.versionId } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'OPERATING-SYSTEM',
    });
    relationships.push({
      spdxElementId: imageRef,
      relatedSpdxElement: 'SPDXRef-OperatingSystem',
      relationshipType: 'CONTAINS',
    });
  }
  present(r).forEach((c, i) => {
    const id = `SPDXRef-Package-${spdxId(c.type)}-${i}`;
    const expr = spdxExpression(c.licenses);
    const refs: Record<string, string>[] = [
      { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: c.purl },
    ];
    for (const cpe of c.cpes)
      refs.push({ referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: cpe });
    packages.push({
      SPDXID: id,
      name: c.name,
      ...(c.version ? { versionInfo: c.version } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: expr ?? 'NOASSERTION',
      ...(!expr && c.licenses.length ? { licenseComments: `declared: ${c.licenses.join('; ')}` } : {}),
      copyrightText: 'NOASSERTION',
      ...(c.sha256
        ? { checksums: [{ algorithm: 'SHA256', checksumValue: c.sha256.replace(/^sha256:/, '') }] }
        : {}),
      externalRefs: refs,
      primaryPackagePurpose: c.type === 'binary' ? 'APPLICATION' : 'LIBRARY',
      sourceInfo: `${c.foundBy} at ${c.path}${c.lockfileOnly ? ' (lockfile only)' : ''}; layer ${c.layerIndex} (${c.layerDigest})${c.createdBy ? `: ${c.createdBy}` : ''}`,
      ...(c.maintainer ? { supplier: `Person: ${c.maintainer.replace(/[()]/g, '')}` } : {}),
    });
    relationships.push({ spdxElementId: imageRef, relatedSpdxElement: id, relationshipType: 'CONTAINS' });
  });
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://drydock.dev/spdx/${encodeURIComponent(name)}-${documentId(r)}`,
    creationInfo: {
      created: isoSeconds(opts.created ?? new Date()),
      creators: [`Tool: drydock-scanner-${ANALYZER_VERSION.split('/')[1]}`],
    },
    packages,
    relationships,
  };
}

// ---------------------------------------------------------------------------------------------
// JSON report and table.

/** The scanner's JSON output: the scan result plus, when a matcher ran, its findings. */
export function toJsonReport(r: ImageScanResult, findings?: unknown[]): Record<string, unknown> {
  return { ...r, ...(findings ? { findings } : {}) };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function toTable(r: ImageScanResult): string {
  const lines: string[] = [];
  lines.push(`Image   ${r.image.reference ?? ''} ${r.image.digest ?? ''}`.trimEnd());
  lines.push(
    `Platform ${platformString(r.image.platform)}${r.os ? `   OS ${r.os.prettyName ?? `${r.os.id} ${r.os.versionId ?? ''}`}` : ''}`,
  );
  for (const l of r.layers) {
    lines.push(
      `Layer ${l.index}  ${l.digest.slice(0, 19)}  ${l.status === 'scanned' ? `${l.fileCount ?? 0} files` : `not scanned: ${l.reason ?? ''}`}  ${l.createdBy ?? ''}`.trimEnd(),
    );
  }
  const rows = r.components.map((c) => [
    c.type,
    c.name,
    c.version ?? 'unknown',
    String(c.layerIndex),
    c.removedInLayer !== undefined ? `removed in ${c.removedInLayer}` : c.lockfileOnly ? 'lockfile only' : '',
    c.path,
  ]);
  const head = ['TYPE', 'NAME', 'VERSION', 'LAYER', 'STATUS', 'PATH'];
  const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((row) => row[i].length))));
  lines.push('');
  lines.push(head.map((h, i) => pad(h, widths[i])).join('  '));
  for (const row of rows)
    lines.push(row.map((v, i) => (i === row.length - 1 ? v : pad(v, widths[i]))).join('  '));
  lines.push('');
  lines.push(
    `${present(r).length} components (${r.components.length - present(r).length} removed), ${r.fileCount} files`,
  );
  return lines.join('\n') + '\n';
}

export function render(
  r: ImageScanResult,
  format: OutputFormat,
  opts: SbomOptions & { findings?: unknown[] } = {},
): string {
  switch (format) {
    case 'table':
      return toTable(r);
    case 'json':
      return JSON.stringify(toJsonReport(r, opts.findings), null, 2) + '\n';
    case 'cyclonedx':
      return JSON.stringify(toCycloneDx(r, opts), null, 2) + '\n';
    case 'spdx':
      return JSON.stringify(toSpdx(r, opts), null, 2) + '\n';
  }
}
