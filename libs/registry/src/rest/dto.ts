import { z } from 'zod';

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

// The response shapes live in @drydock/contracts, shared with the portal so the two cannot drift.
export type { RepositoryResponse, TagResponse } from '@drydock/contracts';
