import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parseNvdCve, parseOsvRecord, nvdRecord, osvRecord, type VulnRecord } from '@drydock/vulndb';

/*
 * Small Debian-like images built in code for the scanning tests (no fixtures): a dpkg status layer
 * with known packages, an os-release, history with Dockerfile commands; and vulnerability records
 * written in the test.
 */

export const sha256 = (b: Buffer | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface Blob {
  digest: string;
  size: number;
  bytes: Buffer;
  mediaType: string;
}

function blobOf(bytes: Buffer, mediaType: string): Blob {
  return { digest: sha256(bytes), size: bytes.length, bytes, mediaType };
}

function header(name: string, size: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(name, 0, 100, 'utf8');
  h.write(type === '5' ? '0000755\0' : '0000644\0', 100, 8, 'ascii');
  h.write('0000000\0', 108, 8, 'ascii');
  h.write('0000000\0', 116, 8, 'ascii');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 12, 'ascii');
  h.write('14000000000\0', 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii');
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** A ustar archive of regular files (directories implied). */
export function tarOf(files: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
    parts.push(header(name, body.length, '0'), body, Buffer.alloc((512 - (body.length % 512)) % 512, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

export interface DebPackage {
  name: string;
  version: string;
  source?: string;
}

export function dpkgStatus(pkgs: readonly DebPackage[]): string {
  return pkgs
    .map((p) =>
      [
        `Package: ${p.name}`,
        'Status: install ok installed',
        'Priority: optional',
        'Architecture: amd64',
        ...(p.source ? [`Source: ${p.source}`] : []),
        `Version: ${p.version}`,
        'Maintainer: Debian <debian@example.org>',
        `Description: ${p.name}`,
        '',
      ].join('\n'),
    )
    .join('\n');
}

const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';

export interface BuiltImage {
  config: Blob;
  layers: Blob[];
  manifest: Buffer;
  digest: string;
  mediaType: string;
}

/**
 * A two-layer Debian 12 image: the base layer holds os-release and the dpkg status with `packages`,
 * the second an application file (and `extra` files when given).
 */
export function debianImage(
  seed: string,
  packages: readonly DebPackage[],
  opts: { arch?: string; extra?: Record<string, string> } = {},
): BuiltImage {
  const base = tarOf({ 'etc/os-release': OS_RELEASE, 'var/lib/dpkg/status': dpkgStatus(packages) });
  const app = tarOf({ [`app/${seed}.txt`]: `${seed}\n`, ...opts.extra });
  const tars = [base, app];
  const layers = tars.map((t) => blobOf(gzipSync(t), 'application/vnd.oci.image.layer.v1.tar+gzip'));
  const config = blobOf(
    Buffer.from(
      JSON.stringify({
        architecture: opts.arch ?? 'amd64',
        os: 'linux',
        config: { Env: [`SEED=${seed}`] },
        rootfs: { type: 'layers', diff_ids: tars.map((t) => sha256(t)) },
        history: [
          { created_by: '/bin/sh -c #(nop) ADD file:base in / ' },
          { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
          { created_by: `COPY ${seed}.txt /app/ # buildkit` },
        ],
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    }),
  );
  return {
    config,
    layers,
    manifest,
    digest: sha256(manifest),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
  };
}

export function indexOf(images: { image: BuiltImage; arch: string }[]): {
  manifest: Buffer;
  digest: string;
  mediaType: string;
} {
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: images.map(({ image, arch }) => ({
        mediaType: image.mediaType,
        digest: image.digest,
        size: image.manifest.length,
        platform: { os: 'linux', architecture: arch },
      })),
    }),
  );
  return { manifest, digest: sha256(manifest), mediaType: 'application/vnd.oci.image.index.v1+json' };
}

/** A Debian advisory (OSV) for a source package in Debian 12, reported under its CVE. */
export function debianAdvisory(cve: string, source: string, fixed: string): VulnRecord {
  return osvRecord(
    parseOsvRecord({
      schema_version: '1.7.0',
      id: `DEBIAN-${cve}`,
      modified: '2026-01-01T00:00:00Z',
      published: '2026-01-01T00:00:00Z',
      aliases: [],
      upstream: [cve],
      summary: `${source} issue ${cve}`,
      affected: [
        {
          package: { ecosystem: 'Debian:12', name: source },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
        },
      ],
      references: [],
    }),
  );
}

/** The NVD record of a CVE: where the severity and score come from. */
export function nvdScore(cve: string, score: number, severity: string): VulnRecord {
  return nvdRecord(
    parseNvdCve({
      id: cve,
      sourceIdentifier: 'cve@mitre.org',
      published: '2026-01-01T00:00:00.000',
      lastModified: '2026-01-02T00:00:00.000',
      vulnStatus: 'Analyzed',
      descriptions: [{ lang: 'en', value: `Description of ${cve}` }],
      metrics: {
        cvssMetricV31: [
          {
            source: 'nvd@nist.gov',
            type: 'Primary',
            cvssData: {
              version: '3.1',
              vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
              baseScore: score,
              baseSeverity: severity,
            },
          },
        ],
      },
      references: [],
    }),
  );
}
