import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@drydock/platform';

const TENANT_TABLES = [
  'repositories',
  'repository_blobs',
  'upload_sessions',
  'manifests',
  'tags',
  'manifest_references',
];

/**
 * The registry's metadata. Blobs are content-addressed and shared across tenants, so `blobs` has no
 * organization; every table that says which repository holds what is tenant-owned and gets its
 * row-level security policy here, in the migration that creates it.
 */
export class Registry1764633600200 implements MigrationInterface {
  name = 'Registry1764633600200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE repositories (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) < 256),
      visibility text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
      scan_mode text NOT NULL DEFAULT 'on_push' CHECK (scan_mode IN ('on_push', 'manual')),
      description text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (organization_id, name)
    )`);
    // The /v2 API finds a repository by its full name before it knows more; names are globally
    // unique because the first component is the organization slug.
    await q.query(`CREATE UNIQUE INDEX repositories_name_idx ON repositories (name)`);
    await q.query(`CREATE TABLE blobs (
      digest text PRIMARY KEY,
      size bigint NOT NULL CHECK (size >= 0),
      media_type text,
      storage_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE repository_blobs (
      repository_id uuid NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
      digest text NOT NULL REFERENCES blobs(digest) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (repository_id, digest)
    )`);
    await q.query(`CREATE INDEX repository_blobs_digest_idx ON repository_blobs (digest)`);
    // Upload state lives here, not in process memory, so a PATCH may land on any replica and an
    // upload survives a restart; parts lists which storage objects make up the bytes so far.
    await q.query(`CREATE TABLE upload_sessions (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      repository_id uuid NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
      uploaded_bytes bigint NOT NULL DEFAULT 0,
      parts jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX upload_sessions_updated_idx ON upload_sessions (updated_at)`);
    await q.query(`CREATE TABLE manifests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      repository_id uuid NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
      digest text NOT NULL,
      media_type text NOT NULL,
      size integer NOT NULL,
      content bytea NOT NULL,
      config_digest text,
      subject_digest text,
      artifact_type text,
      annotations jsonb,
      total_size bigint NOT NULL DEFAULT 0,
      platforms jsonb,
      pushed_at timestamptz NOT NULL DEFAULT now(),
      pushed_by text,
      UNIQUE (repository_id, digest)
    )`);
    await q.query(
      `CREATE INDEX manifests_subject_idx ON manifests (repository_id, subject_digest) WHERE subject_digest IS NOT NULL`,
    );
    await q.query(`CREATE TABLE tags (
      repository_id uuid NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
      name text NOT NULL,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      manifest_id uuid NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
      pushed_at timestamptz NOT NULL DEFAULT now(),
      pushed_by text,
      PRIMARY KEY (repository_id, name)
    )`);
    await q.query(`CREATE INDEX tags_manifest_idx ON tags (manifest_id)`);
    // Garbage collection asks "does any manifest in any repository still reference this digest?":
    // hence the index on digest alone.
    await q.query(`CREATE TABLE manifest_references (
      manifest_id uuid NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
      digest text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('config', 'layer', 'manifest', 'subject')),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      PRIMARY KEY (manifest_id, digest, kind)
    )`);
    await q.query(`CREATE INDEX manifest_references_digest_idx ON manifest_references (digest)`);
    for (const t of TENANT_TABLES) await enableTenantRls(q, t);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of TENANT_TABLES) await disableTenantRls(q, t);
    for (const t of [
      'manifest_references',
      'tags',
      'manifests',
      'upload_sessions',
      'repository_blobs',
      'blobs',
      'repositories',
    ]) {
      await q.query(`DROP TABLE IF EXISTS "${t}"`);
    }
  }
}
