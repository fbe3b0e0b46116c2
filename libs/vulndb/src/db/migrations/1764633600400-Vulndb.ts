import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The vulnerability database. Platform-wide data, not tenant-owned (every organization sees the
 * same advisories), so no row-level security here; only platform admins reach it through the API.
 *
 * - vulnerabilities: one row per record revision currently stored (source nvd|osv + id), the
 *   normalised record as jsonb, and the ids it is reported under (group_ids: a GHSA's CVE, a DSA's
 *   CVEs) so an NVD change can find the OSV records whose findings show its CVSS.
 * - affected_packages: the lookup index of the matcher, one row per package key a record names
 *   (`<ecosystem>/<name>` or `cpe:<vendor>:<product>`); the matcher never scans all records.
 * - vulndb_changes: every store change with the package keys it touched, consumed by re-evaluation.
 * - vulndb_sync_runs / vulndb_sync_cursors / vulndb_settings: sync history, resumable cursors, and
 *   the admin settings (API key encrypted by the application, never stored in clear).
 */
export class Vulndb1764633600400 implements MigrationInterface {
  name = 'Vulndb1764633600400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE vulnerabilities (
      source text NOT NULL CHECK (source IN ('nvd', 'osv')),
      id text NOT NULL,
      modified timestamptz NOT NULL,
      published timestamptz,
      status text,
      withdrawn boolean NOT NULL DEFAULT false,
      summary text,
      aliases text[] NOT NULL DEFAULT '{}',
      group_ids text[] NOT NULL DEFAULT '{}',
      severity text NOT NULL DEFAULT 'unknown',
      score real,
      record jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (source, id)
    )`);
    await q.query(`CREATE INDEX vulnerabilities_group_ids_idx ON vulnerabilities USING gin (group_ids)`);
    await q.query(`CREATE TABLE affected_packages (
      package_key text NOT NULL,
      source text NOT NULL,
      vuln_id text NOT NULL,
      PRIMARY KEY (package_key, source, vuln_id),
      FOREIGN KEY (source, vuln_id) REFERENCES vulnerabilities (source, id) ON DELETE CASCADE
    )`);
    // Deleting/replacing a record's keys goes by record.
    await q.query(`CREATE INDEX affected_packages_vuln_idx ON affected_packages (source, vuln_id)`);
    await q.query(`CREATE TABLE vulndb_changes (
      id bigserial PRIMARY KEY,
      source text NOT NULL,
      run_id uuid,
      package_keys text[] NOT NULL,
      records integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      reevaluated_at timestamptz
    )`);
    await q.query(
      `CREATE INDEX vulndb_changes_pending_idx ON vulndb_changes (id) WHERE reevaluated_at IS NULL`,
    );
    await q.query(`CREATE TABLE vulndb_sync_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('sync', 'import')),
      state text NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
      progress jsonb NOT NULL DEFAULT '{}',
      records integer NOT NULL DEFAULT 0,
      error text,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
    await q.query(`CREATE INDEX vulndb_sync_runs_started_idx ON vulndb_sync_runs (started_at DESC)`);
    await q.query(`CREATE TABLE vulndb_sync_cursors (
      source text PRIMARY KEY,
      cursor jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    // A single row (id = 1).
    await q.query(`CREATE TABLE vulndb_settings (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      nvd_enabled boolean NOT NULL DEFAULT true,
      nvd_url text,
      nvd_api_key_enc text,
      interval_minutes integer NOT NULL DEFAULT 120 CHECK (interval_minutes BETWEEN 5 AND 10080),
      osv_sources jsonb NOT NULL DEFAULT '[]',
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE vulndb_settings`);
    await q.query(`DROP TABLE vulndb_sync_cursors`);
    await q.query(`DROP TABLE vulndb_sync_runs`);
    await q.query(`DROP TABLE vulndb_changes`);
    await q.query(`DROP TABLE affected_packages`);
    await q.query(`DROP TABLE vulnerabilities`);
  }
}
