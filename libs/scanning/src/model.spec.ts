import { describe, it, expect } from '@jest/globals';
import type { Finding } from '@drydock/vulndb';
import {
  aggregateStatus,
  countFindings,
  csvCell,
  findingIdentity,
  componentIdentity,
  scanJobId,
} from './model.js';
import { platformChildren } from './oci.js';

const finding = (severity: Finding['severity']): Finding =>
  ({
    id: 'CVE-1',
    aliases: [],
    severity,
    score: null,
    vector: null,
    summary: null,
    fixedVersion: null,
    link: '',
    component: { type: 'deb', name: 'libssl3', version: '1', purl: null },
    paths: ['/var/lib/dpkg/status'],
    layerIndex: 0,
  }) as Partial<Finding> as Finding;

describe('severity counts', () => {
  it('counts each bucket and the total; CVSS none is the low bucket', () => {
    expect(
      countFindings(['critical', 'high', 'high', 'none', 'low', 'unknown'].map((s) => finding(s as never))),
    ).toEqual({ critical: 1, high: 2, medium: 0, low: 2, unknown: 1, total: 6 });
  });
});

describe('index aggregate status', () => {
  it('is completed only when every platform is, and shows the least settled state otherwise', () => {
    expect(aggregateStatus(['completed', 'completed'])).toBe('completed');
    expect(aggregateStatus(['completed', 'scanning', 'queued'])).toBe('scanning');
    expect(aggregateStatus(['completed', 'queued'])).toBe('queued');
    expect(aggregateStatus(['completed', 'failed'])).toBe('failed');
    expect(aggregateStatus(['completed', 'not_scanned'])).toBe('not_scanned');
    expect(aggregateStatus([])).toBe('not_scanned');
  });
});

describe('identities', () => {
  it('a finding names the component it was found on', () => {
    expect(findingIdentity(finding('high'))).toBe(
      componentIdentity({ type: 'deb', name: 'libssl3', version: '1', paths: ['/var/lib/dpkg/status'] }),
    );
  });

  it('job ids are deterministic and free of colons', () => {
    const id = scanJobId('r', `sha256:${'a'.repeat(64)}`);
    expect(id).toBe(scanJobId('r', `sha256:${'a'.repeat(64)}`));
    expect(id).not.toContain(':');
  });
});

describe('csv cells', () => {
  it('quotes separators and neutralises formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=cmd()')).toBe("'=cmd()");
    expect(csvCell(null)).toBe('');
    expect(csvCell(9.8)).toBe('9.8');
  });
});

describe('index children', () => {
  it('keeps platform images and drops attestation manifests', () => {
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: 'sha256:1',
            size: 1,
            platform: { os: 'linux', architecture: 'amd64' },
          },
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: 'sha256:2',
            size: 1,
            platform: { os: 'unknown', architecture: 'unknown' },
            annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
          },
        ],
      }),
    );
    expect(platformChildren(index).map((c) => c.digest)).toEqual(['sha256:1']);
  });
});
