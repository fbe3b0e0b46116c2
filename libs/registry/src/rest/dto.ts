import { z } from 'zod';
import type { Platform } from '../oci/manifest.js';

export const RepositoryListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  /** Substring of the repository name. */
  q: z.string().max(255).optional(),
});

export const CreateRepositoryRequest = z.object({
  name: z.string().min(1).max(255),
  visibility: z.enum(['private', 'public']).default('private'),
  scanMode: z.enum(['on_push', 'manual']).default('on_push'),
  description: z.string().max(2000).nullable().optional(),
});

export const UpdateRepositoryRequest = z
  .object({
    visibility: z.enum(['private', 'public']).optional(),
    scanMode: z.enum(['on_push', 'manual']).optional(),
    description: z.string().max(2000).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to update' });

export const TagListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export interface RepositoryResponse {
  id: string;
  /** Full name, `<org>/<path>`: what `docker pull <host>/<name>` takes. */
  name: string;
  path: string;
  visibility: 'private' | 'public';
  scanMode: 'on_push' | 'manual';
  description: string | null;
  tagCount: number;
  /** The caller's level on this repository (null for a public repository the caller only pulls). */
  level: 'read' | 'write' | 'admin' | null;
  createdAt: string;
  updatedAt: string;
}

export interface TagResponse {
  name: string;
  digest: string;
  mediaType: string;
  /** Config plus layers (image), or the sum over the index's child images. */
  totalSize: number;
  platforms: Platform[];
  pushedAt: string;
  pushedBy: string | null;
  /** Added by the scanning add-on when it is installed (issue 6). */
  scanStatus?: string;
  counts?: Record<string, number> | null;
}
