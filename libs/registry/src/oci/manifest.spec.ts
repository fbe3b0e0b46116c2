import { describe, it, expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { MAX_MANIFEST_BYTES, acceptsManifest, parseManifest } from './manifest.js';
import { MediaTypes } from './media-types.js';
import type { OciError } from './errors.js';

const d = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const buf = (o: unknown) => Buffer.from(JSON.stringify(o));

function error(fn: () => unknown): OciError {
  try {
    fn();
  } catch (e) {
    return e as OciError;
  }
  throw new Error('expected an error');
}

const image = {
  schemaVersion: 2,
  mediaType: MediaTypes.ociManifest,
  config: { mediaType: MediaTypes.ociConfig, digest: d('c'), size: 10 },
  layers: [
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('l1'), size: 100 },
    {
      mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
      digest: d('f'),
      size: 1000,
      urls: ['https://x/f'],
    },
  ],
};

describe('parseManifest', () => {
  it('indexes an OCI image manifest: config, layers, foreign layers optional, total size', () => {
    const m = parseManifest(buf(image), MediaTypes.ociManifest);
    expect(m.mediaType).toBe(MediaTypes.ociManifest);
    expect(m.isIndex).toBe(false);
    expect(m.configDigest).toBe(d('c'));
    expect(m.totalSize).toBe(1110);
    expect(m.references.map((r) => [r.kind, r.mustExist])).toEqual([
      ['config', true],
      ['layer', true],
      ['layer', false],
    ]);
    expect(m.artifactType).toBe(MediaTypes.ociConfig);
  });

  it('accepts Docker schema 2 and its Windows foreign layers', () => {
    const m = parseManifest(
      buf({
        schemaVersion: 2,
        mediaType: MediaTypes.dockerManifest,
        config: { mediaType: MediaTypes.dockerConfig, digest: d('c'), size: 1 },
        layers: [
          { mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: d('w'), size: 5 },
        ],
      }),
      MediaTypes.dockerManifest,
    );
    expect(m.references[1].mustExist).toBe(false);
  });

  it('indexes an OCI index and a Docker manifest list with platforms', () => {
    for (const mediaType of [MediaTypes.ociIndex, MediaTypes.dockerManifestList]) {
      const m = parseManifest(
        buf({
          schemaVersion: 2,
          mediaType,
          manifests: [
            {
              mediaType: MediaTypes.ociManifest,
              digest: d('a'),
              size: 3,
              platform: { os: 'linux', architecture: 'amd64' },
            },
            {
              mediaType: MediaTypes.ociManifest,
              digest: d('b'),
              size: 4,
              platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
            },
          ],
        }),
        mediaType,
      );
      expect(m.isIndex).toBe(true);
      expect(m.platforms).toEqual([
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
      ]);
      expect(m.references.every((r) => r.kind === 'manifest' && r.mustExist)).toBe(true);
    }
  });

  it('lets a subject dangle and takes artifactType for referrers', () => {
    const m = parseManifest(
      buf({
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        artifactType: 'application/vnd.example.sbom',
        config: { mediaType: MediaTypes.ociEmpty, digest: d('{}'), size: 2 },
        layers: [],
        subject: { mediaType: MediaTypes.ociManifest, digest: d('s'), size: 7 },
      }),
      MediaTypes.ociManifest,
    );
    expect(m.subject?.digest).toBe(d('s'));
    expect(m.artifactType).toBe('application/vnd.example.sbom');
    expect(m.references.find((r) => r.kind === 'subject')?.mustExist).toBe(false);
  });

  it('falls back to the config media type as artifactType', () => {
    const m = parseManifest(
      buf({ ...image, config: { ...image.config, mediaType: 'application/vnd.example.config' } }),
      undefined,
    );
    expect(m.artifactType).toBe('application/vnd.example.config');
  });

  it('refuses schema 1 with a clear message', () => {
    const e = error(() =>
      parseManifest(
        buf({ schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [] }),
        MediaTypes.dockerSchema1Signed,
      ),
    );
    expect(e.code).toBe('MANIFEST_INVALID');
    expect(e.message).toMatch(/schema 1/);
    expect(error(() => parseManifest(buf({ schemaVersion: 1, fsLayers: [] }), undefined)).code).toBe(
      'MANIFEST_INVALID',
    );
  });

  it('answers 413 over 4 MiB', () => {
    const e = error(() => parseManifest(Buffer.alloc(MAX_MANIFEST_BYTES + 1, 32), MediaTypes.ociManifest));
    expect(e.status).toBe(413);
  });

  it('refuses malformed bodies and mismatched media types', () => {
    expect(error(() => parseManifest(Buffer.from('{'), MediaTypes.ociManifest)).code).toBe(
      'MANIFEST_INVALID',
    );
    expect(error(() => parseManifest(buf(image), MediaTypes.dockerManifest)).code).toBe('MANIFEST_INVALID');
    expect(
      error(() => parseManifest(buf({ ...image, config: { ...image.config, digest: 'md5:x' } }), undefined))
        .code,
    ).toBe('MANIFEST_INVALID');
    expect(
      error(() =>
        parseManifest(buf({ ...image, layers: [{ mediaType: 'x', digest: d('q'), size: -1 }] }), undefined),
      ).code,
    ).toBe('MANIFEST_INVALID');
    expect(
      error(() =>
        parseManifest(buf({ ...image, mediaType: 'application/x-unknown' }), 'application/x-unknown'),
      ).status,
    ).toBe(415);
  });

  it('infers the media type when neither header nor body names it', () => {
    const { mediaType: _omit, ...noType } = image;
    expect(parseManifest(buf(noType), undefined).mediaType).toBe(MediaTypes.ociManifest);
  });
});

describe('acceptsManifest', () => {
  it('accepts without Accept, with a wildcard, or when the stored type is listed', () => {
    expect(acceptsManifest(undefined, MediaTypes.ociIndex)).toBe(true);
    expect(acceptsManifest('*/*', MediaTypes.ociIndex)).toBe(true);
    expect(
      acceptsManifest(`${MediaTypes.dockerManifest}, ${MediaTypes.ociIndex};q=0.5`, MediaTypes.ociIndex),
    ).toBe(true);
  });
  it('refuses a stored form the client did not list', () => {
    expect(acceptsManifest(MediaTypes.dockerManifest, MediaTypes.ociIndex)).toBe(false);
  });
});
