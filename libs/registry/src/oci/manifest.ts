import { OciError } from './errors.js';
import { MediaTypes, isForeignLayer, isIndexMediaType } from './media-types.js';
import { tryParseDigest } from './names.js';

/** distribution-spec, "Pushing manifests": registries SHOULD accept manifests of at least 4 MiB; larger → 413. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: Platform;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

export type ReferenceKind = 'config' | 'layer' | 'manifest' | 'subject';

export interface ManifestReference {
  kind: ReferenceKind;
  digest: string;
  mediaType: string;
  size: number;
  /** Foreign layers and subjects need not exist in the registry. */
  mustExist: boolean;
}

export interface ParsedManifest {
  mediaType: string;
  isIndex: boolean;
  configDigest: string | null;
  configMediaType: string | null;
  /** image-spec: `artifactType`, else the config media type for artifacts (referrers API rule). */
  artifactType: string | null;
  subject: Descriptor | null;
  annotations: Record<string, string> | null;
  references: ManifestReference[];
  /** Sum of config and layer sizes (image manifests); for an index, the children's manifest sizes. */
  totalSize: number;
  platforms: Platform[];
}

function invalid(message: string, detail?: unknown): OciError {
  return new OciError('MANIFEST_INVALID', message, detail);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown, field: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw invalid(`${field} must be a map of strings`);
  }
  return v as Record<string, string>;
}

function parseDescriptor(v: unknown, field: string): Descriptor {
  if (!isObject(v)) throw invalid(`${field} must be a descriptor object`);
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string' || mediaType.length === 0)
    throw invalid(`${field}.mediaType is required`);
  if (typeof digest !== 'string' || !tryParseDigest(digest))
    throw invalid(`${field}.digest is not a valid sha256 digest`, { digest });
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw invalid(`${field}.size must be a non-negative integer`);
  const d: Descriptor = { mediaType, digest, size };
  if (v.urls !== undefined) {
    if (!Array.isArray(v.urls) || v.urls.some((u) => typeof u !== 'string'))
      throw invalid(`${field}.urls must be strings`);
    d.urls = v.urls as string[];
  }
  const annotations = stringMap(v.annotations, `${field}.annotations`);
  if (annotations) d.annotations = annotations;
  if (typeof v.artifactType === 'string') d.artifactType = v.artifactType;
  if (v.platform !== undefined) {
    const p = v.platform;
    if (!isObject(p) || typeof p.architecture !== 'string' || typeof p.os !== 'string') {
      throw invalid(`${field}.platform needs architecture and os`);
    }
    d.platform = { architecture: p.architecture, os: p.os };
    if (typeof p.variant === 'string') d.platform.variant = p.variant;
    if (typeof p['os.version'] === 'string') d.platform['os.version'] = p['os.version'];
  }
  return d;
}

function descriptorList(v: unknown, field: string): Descriptor[] {
  if (!Array.isArray(v)) throw invalid(`${field} must be an array`);
  return v.map((x, i) => parseDescriptor(x, `${field}[${i}]`));
}

/**
 * Validates a manifest body the way the registry must before storing it
 * (distribution-spec, "Pushing manifests"): the media type (from `Content-Type`, or the body's
 * own `mediaType` when the header is missing) must be one we serve, and must agree with the body.
 * Returns what the registry indexes: references (for existence checks, GC and referrers), subject,
 * artifact type, size and platforms. The bytes themselves are stored untouched.
 */
export function parseManifest(body: Buffer, contentType: string | undefined): ParsedManifest {
  if (body.length > MAX_MANIFEST_BYTES) {
    throw new OciError('MANIFEST_INVALID', `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`, undefined, 413);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid('manifest is not valid JSON');
  }
  if (!isObject(doc)) throw invalid('manifest must be a JSON object');

  const header = contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
  const bodyType = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (
    header === MediaTypes.dockerSchema1 ||
    header === MediaTypes.dockerSchema1Signed ||
    bodyType === MediaTypes.dockerSchema1 ||
    bodyType === MediaTypes.dockerSchema1Signed ||
    (doc.schemaVersion === 1 && !bodyType)
  ) {
    throw new OciError(
      'MANIFEST_INVALID',
      'Docker image manifest schema 1 is deprecated and not supported; push the image as Docker schema 2 or OCI',
      { mediaType: bodyType ?? header ?? 'schemaVersion 1' },
    );
  }
  if (doc.schemaVersion !== 2) throw invalid('schemaVersion must be 2');

  let mediaType =
    header && header !== 'application/json' && header !== 'application/octet-stream' ? header : bodyType;
  if (!mediaType) {
    // An OCI manifest may omit mediaType; infer from the shape (image-spec, "mediaType" is SHOULD).
    mediaType = Array.isArray(doc.manifests) ? MediaTypes.ociIndex : MediaTypes.ociManifest;
  }
  if (bodyType !== undefined && bodyType !== mediaType) {
    throw invalid('Content-Type does not match the manifest mediaType', {
      contentType: mediaType,
      mediaType: bodyType,
    });
  }

  const annotations = stringMap(doc.annotations, 'annotations') ?? null;
  const subject = doc.subject === undefined ? null : parseDescriptor(doc.subject, 'subject');
  const artifactTypeField = typeof doc.artifactType === 'string' ? doc.artifactType : null;
  const references: ManifestReference[] = [];

  if (isIndexMediaType(mediaType)) {
    const manifests = descriptorList(doc.manifests, 'manifests');
    const platforms: Platform[] = [];
    let totalSize = 0;
    for (const m of manifests) {
      references.push({
        kind: 'manifest',
        digest: m.digest,
        mediaType: m.mediaType,
        size: m.size,
        mustExist: true,
      });
      if (m.platform) platforms.push(m.platform);
      totalSize += m.size;
    }
    if (subject)
      references.push({
        kind: 'subject',
        digest: subject.digest,
        mediaType: subject.mediaType,
        size: subject.size,
        mustExist: false,
      });
    return {
      mediaType,
      isIndex: true,
      configDigest: null,
      configMediaType: null,
      artifactType: artifactTypeField,
      subject,
      annotations,
      references,
      totalSize,
      platforms,
    };
  }

  if (mediaType !== MediaTypes.ociManifest && mediaType !== MediaTypes.dockerManifest) {
    throw new OciError(
      'MANIFEST_INVALID',
      `unsupported manifest media type ${mediaType}`,
      { mediaType },
      415,
    );
  }
  const config = parseDescriptor(doc.config, 'config');
  const layers =
    doc.layers === undefined && mediaType === MediaTypes.ociManifest
      ? []
      : descriptorList(doc.layers, 'layers');
  references.push({
    kind: 'config',
    digest: config.digest,
    mediaType: config.mediaType,
    size: config.size,
    mustExist: true,
  });
  let totalSize = config.size;
  for (const l of layers) {
    references.push({
      kind: 'layer',
      digest: l.digest,
      mediaType: l.mediaType,
      size: l.size,
      mustExist: !isForeignLayer(l.mediaType),
    });
    totalSize += l.size;
  }
  if (subject)
    references.push({
      kind: 'subject',
      digest: subject.digest,
      mediaType: subject.mediaType,
      size: subject.size,
      mustExist: false,
    });
  // Referrers API: artifactType, else the config media type (distribution-spec, "Listing Referrers").
  return {
    mediaType,
    isIndex: false,
    configDigest: config.digest,
    configMediaType: config.mediaType,
    artifactType: artifactTypeField ?? config.mediaType,
    subject,
    annotations,
    references,
    totalSize,
    platforms: [],
  };
}

/**
 * Content negotiation for manifest GET/HEAD. Drydock never converts a manifest, so the only
 * question is whether the stored form is acceptable: no Accept header (or a wildcard) accepts
 * anything; otherwise the stored media type must be listed, as distribution answers
 * MANIFEST_UNKNOWN to a client that cannot read the form it holds.
 */
export function acceptsManifest(accept: string | undefined, mediaType: string): boolean {
  if (!accept) return true;
  const types = accept
    .split(',')
    .map((t) => t.split(';')[0].trim().toLowerCase())
    .filter((t) => t.length > 0);
  if (types.length === 0) return true;
  return types.some((t) => t === mediaType || t === '*/*' || t === 'application/*');
}
