import type { RepoLevel } from './permissions.js';
import type { RepositoryScanView, ScanStatus, SeverityCountsView } from './scanning.js';

/** Response shapes of the repositories REST API (issue 3), shared by libs/registry and the portal. */

export type RepositoryVisibility = 'private' | 'public';
export type RepositoryScanMode = 'on_push' | 'manual';

export interface PlatformView {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

export interface RepositoryResponse {
  id: string;
  /** Full name, `<org>/<path>`: what `docker pull <host>/<name>` takes. */
  name: string;
  path: string;
  visibility: RepositoryVisibility;
  scanMode: RepositoryScanMode;
  description: string | null;
  tagCount: number;
  /** When a tag of this repository was last pushed (null before the first push). */
  lastPushedAt: string | null;
  /**
   * Added by the scanning add-on when it is installed: the worst result over the repository's tags
   * (null without tags).
   */
  scan?: RepositoryScanView | null;
  /** The caller's level on this repository (null for a public repository the caller only pulls). */
  level: RepoLevel | null;
  createdAt: string;
  updatedAt: string;
}

/** An item of `GET …/repositories/{name}/tags`, and the answer of `GET …/tags/{tag}`. */
export interface TagResponse {
  name: string;
  digest: string;
  mediaType: string;
  /** Config plus layers (image), or the sum over the index's child images. */
  totalSize: number;
  /**
   * An index: its images' platforms. An image: `[{os, architecture, variant?}]` from its config in
   * the single-tag read (`GET …/tags/{tag}`), `[]` in the tag list (no blob read per row).
   */
  platforms: PlatformView[];
  pushedAt: string;
  pushedBy: string | null;
  /** Added by the scanning add-on when it is installed (issue 6). */
  scanStatus?: ScanStatus;
  counts?: SeverityCountsView | null;
}
