import { z } from 'zod';

/** Shapes of the admin REST API (`/api/v1/admin/vulndb/*`); the portal and outside tests rely on them. */
export const vulndbSettingsInputSchema = z
  .object({
    nvd: z
      .object({
        enabled: z.boolean(),
        url: z.string().url(),
        /** Write-only: a string sets it, null clears it, absent keeps it. */
        apiKey: z.string().min(1).max(200).nullable(),
        intervalMinutes: z.number().int().min(5).max(10080),
      })
      .partial()
      .strict(),
    osv: z
      .object({
        sources: z
          .array(z.object({ ecosystem: z.string().min(1).max(100), url: z.string().url() }).strict())
          .max(100),
      })
      .strict(),
  })
  .partial()
  .strict();

export type VulndbSettingsInput = z.infer<typeof vulndbSettingsInputSchema>;

export interface VulndbSettingsView {
  nvd: { enabled: boolean; url: string; apiKeySet: boolean; intervalMinutes: number };
  osv: { sources: { ecosystem: string; url: string }[] };
}

export interface VulndbStatusView {
  state: 'idle' | 'running';
  progress: Record<string, unknown> | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  counts: { nvd: number; osv: number; affectedPackages: number };
  dbVersion: number;
}

export interface VulndbImportResult {
  runId: string;
  nvd: number;
  osv: number;
  skipped: string[];
}

export const VulndbJob = {
  Sync: 'vulndb-sync',
  Reevaluate: 'vulndb-reevaluate',
} as const;
