import { z } from 'zod';

/*
 * The platform admin's vulnerability-database API (`/api/v1/admin/vulndb/*`, issue 5), shared by
 * libs/vulndb, the admin controller and the portal's settings page.
 */

/** `PUT /admin/vulndb/settings`: every part optional, unknown keys refused. */
export const VulndbSettingsRequest = z
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
export type VulndbSettingsRequest = z.infer<typeof VulndbSettingsRequest>;

/** One OSV feed: an ecosystem and the URL of its `all.zip` (or a JSON record list). */
export interface OsvSource {
  ecosystem: string;
  url: string;
}

/** `GET`/`PUT /admin/vulndb/settings`. The NVD API key is never returned, only whether one is set. */
export interface VulndbSettingsView {
  nvd: { enabled: boolean; url: string; apiKeySet: boolean; intervalMinutes: number };
  osv: { sources: OsvSource[] };
}

/** Where a running sync is: the NVD pass (page by page), then each OSV source. */
export type VulndbSyncProgress =
  | {
      source: 'nvd';
      /** The full initial download, or the incremental windows after it. */
      phase: 'initial' | 'incremental';
      /** Records fetched so far of `totalResults` (of the current window when incremental). */
      fetched: number;
      totalResults: number;
      window: { start: string; end: string } | null;
    }
  | { source: 'osv'; ecosystem: string; fetched: number };

/** `GET /admin/vulndb/status`. */
export interface VulndbStatusView {
  state: 'idle' | 'running';
  /** Of the running sync; null when idle. */
  progress: VulndbSyncProgress | null;
  lastSuccessAt: string | null;
  /** The last failure, when it is newer than the last success. */
  lastError: string | null;
  counts: { nvd: number; osv: number; affectedPackages: number };
  dbVersion: number;
}

/** `POST /admin/vulndb/sync` (202): false when a sync is already queued. */
export interface VulndbSyncRequestedView {
  queued: boolean;
}

/** `POST /admin/vulndb/import`: records loaded per source, and the files that held none. */
export interface VulndbImportResult {
  runId: string;
  nvd: number;
  osv: number;
  skipped: string[];
}
