import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@drydock/platform';

const TENANT_TABLES = ['scans', 'image_analyses'];

/**
 * The scanning add-on's results (issue 6; the summary model after Harbor's scan report, which is
 * keyed by digest and keeps severity counts so the tag list's shield is one indexed read).
 *
 * - layer_analyses: one scanner LayerAnalysis per (DiffID, analyser version). A pure function of
 *   the layer bytes, so it is shared by every image and organization holding the layer and holds no
 *   tenant data: no organization_id, no RLS (like `blobs`).
 * - scans: one row per manifest (image, not index) in a repository: status, live progress, error,
 *   the per-severity counts, when the layers were last read (scanned_at) and when findings were
 *   last computed (evaluated_at) against which vulnerability database version.
 * - image_analyses: the merged bill of materials of a scanned manifest (the scanner's result:
 *   layers with createdBy, components with their introducing layer, removed ones), its findings,
 *   and the package keys of its components (GIN index) so re-evaluation finds affected images by
 *   lookup, never by scanning every image.
 */
export class Scanning1764633600700 implements MigrationInterface {
  name = 'Scanning1764633600700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE layer_analyses (
      diff_id text NOT NULL,
      analyzer_version text NOT NULL,
      layer_digest text,
      analysis jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (diff_id, analyzer_version)
    )`);
    await q.query(`CREATE TABLE scans (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      repository_id uuid NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
      manifest_digest text NOT NULL,
      status text NOT NULL DEFAULT 'queued'
        CHECK (status IN ('not_scanned', 'queued', 'scanning', 'completed', 'failed')),
      progress jsonb NOT NULL DEFAULT '{"layersDone":0,"layersTotal":0,"bytesRead":0,"bytesTotal":0}',
      error text,
      attempts integer NOT NULL DEFAULT 0,
      queued_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      scanned_at timestamptz,
      evaluated_at timestamptz,
      db_version bigint,
      critical integer NOT NULL DEFAULT 0,
      high integer NOT NULL DEFAULT 0,
      medium integer NOT NULL DEFAULT 0,
      low integer NOT NULL DEFAULT 0,
      unknown integer NOT NULL DEFAULT 0,
      total integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (repository_id, manifest_digest)
    )`);
    // The sweeper looks for rows stuck in "scanning" across tenants.
    await q.query(
      `CREATE INDEX scans_active_idx ON scans (updated_at) WHERE status IN ('queued', 'scanning')`,
    );
    await q.query(`CREATE TABLE image_analyses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      repository_id uuid NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
      manifest_digest text NOT NULL,
      result jsonb NOT NULL,
      findings jsonb NOT NULL DEFAULT '[]',
      package_keys text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (repository_id, manifest_digest)
    )`);
    await q.query(`CREATE INDEX image_analyses_keys_idx ON image_analyses USING gin (package_keys)`);
    for (const t of TENANT_TABLES) await enableTenantRls(q, t);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of TENANT_TABLES) await disableTenantRls(q, t);
    await q.query(`DROP TABLE image_analyses`);
    await q.query(`DROP TABLE scans`);
    await q.query(`DROP TABLE layer_analyses`);
  }
}
