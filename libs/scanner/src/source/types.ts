import type { Readable } from 'node:stream';
import type { Platform } from '../types.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  'os.version'?: string;
  variant?: string;
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: { created?: string; created_by?: string; empty_layer?: boolean; comment?: string }[];
}

/**
 * One image (one platform) to scan: its manifest, its config, and a way to open each blob as a
 * stream. The worker implements it over registry storage; the readers below over local archives.
 */
export interface ImageSource {
  /** Human-readable origin for reports (file path, repository reference). */
  reference: string | null;
  manifest: ImageManifest;
  /** Digest of the manifest bytes; null when there is none (docker save tarballs). */
  manifestDigest: string | null;
  config: ImageConfig;
  configDigest: string;
  /** Platform from the index descriptor, else from the config. */
  platform: Platform;
  openBlob(digest: string): Promise<Readable>;
}

/** A local image container (archive or directory) holding one or more images. */
export interface ImageContainer {
  images: ImageSource[];
  close(): Promise<void>;
}

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerLayerTar: 'application/vnd.docker.image.rootfs.diff.tar',
} as const;

export function isIndexMediaType(mt: string | undefined): boolean {
  return mt === MEDIA_TYPES.ociIndex || mt === MEDIA_TYPES.dockerList;
}

/** Foreign (non-distributable) layers: Windows base layers served from elsewhere, never scanned. */
export function isForeignLayer(d: Descriptor): boolean {
  return d.mediaType.includes('foreign') || d.mediaType.includes('nondistributable');
}

export function platformString(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? '/' + p.variant : ''}`;
}

export function parsePlatform(s: string): Platform {
  const [os, architecture, variant] = s.split('/');
  if (!os || !architecture) throw new Error(`invalid platform "${s}" (expected os/arch[/variant])`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function platformMatches(want: Platform, have: Platform): boolean {
  if (want.os !== have.os || want.architecture !== have.architecture) return false;
  if (!want.variant) return true;
  // arm64 images often omit the implied v8 variant.
  return (have.variant ?? (have.architecture === 'arm64' ? 'v8' : undefined)) === want.variant;
}
