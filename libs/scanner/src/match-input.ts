import type { Component, ImageScanResult } from './types.js';

/**
 * The fields a vulnerability matcher needs (structurally @drydock/vulndb's MatchComponent), so the
 * worker and the CLI hand the same thing to `matchImage`. Removed and lockfile-only components are
 * kept and flagged: the matcher decides what to do with them.
 */
export interface MatchableComponent {
  type: string;
  name: string;
  version: string | null;
  sourceName?: string;
  sourceVersion?: string;
  purl: string;
  cpes: string[];
  paths: string[];
  layerIndex: number;
  removed: boolean;
  lockfileOnly: boolean;
}

export function toMatchComponents(components: readonly Component[]): MatchableComponent[] {
  return components.map((c) => ({
    type: c.type,
    name: c.name,
    version: c.version,
    ...(c.sourceName ? { sourceName: c.sourceName } : {}),
    ...(c.sourceVersion ? { sourceVersion: c.sourceVersion } : {}),
    purl: c.purl,
    cpes: c.cpes,
    paths: c.paths,
    layerIndex: c.layerIndex,
    removed: c.removedInLayer !== undefined,
    lockfileOnly: c.lockfileOnly === true,
  }));
}

/** The image context a matcher keys distribution advisories by (e.g. debian + 12). */
export function matchContext(result: ImageScanResult): {
  os: { id: string; versionId: string | null } | null;
} {
  return { os: result.os ? { id: result.os.id, versionId: result.os.versionId } : null };
}
