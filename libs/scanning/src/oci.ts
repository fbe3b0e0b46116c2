import type { ImageIndex, ImageManifest, Platform } from '@drydock/scanner';
import { isIndexMediaType } from '@drydock/scanner';

/** A platform manifest of an index (attestations and other artifacts excluded). */
export interface PlatformChild {
  digest: string;
  mediaType: string;
  platform: Platform | null;
}

export function parseJson(content: Buffer): Record<string, unknown> {
  return JSON.parse(content.toString('utf8')) as Record<string, unknown>;
}

export function isIndex(mediaType: string, doc?: Record<string, unknown>): boolean {
  return isIndexMediaType(mediaType) || (doc !== undefined && Array.isArray(doc.manifests) && !doc.layers);
}

/**
 * The images of an index worth scanning: BuildKit stores provenance/SBOM attestations as
 * `unknown/unknown` entries (annotation `vnd.docker.reference.type`), which hold no filesystem.
 */
export function platformChildren(content: Buffer): PlatformChild[] {
  const doc = parseJson(content) as unknown as ImageIndex;
  return (doc.manifests ?? [])
    .filter(
      (d) =>
        d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' &&
        !(d.platform?.os === 'unknown' && d.platform.architecture === 'unknown') &&
        !isIndexMediaType(d.mediaType),
    )
    .map((d) => ({ digest: d.digest, mediaType: d.mediaType, platform: d.platform ?? null }));
}

export function imageManifest(content: Buffer): ImageManifest {
  return parseJson(content) as unknown as ImageManifest;
}
