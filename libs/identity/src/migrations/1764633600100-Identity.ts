import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@drydock/platform';

/**
 * Organizations, users and everything that decides who may do what. Tenant-owned tables carry
 * organization_id and get row-level security in this same migration, so no table ever exists without
 * its policy.
 */
export class Identity1764633600100 implements MigrationInterface {
  name = 'Identity1764633600100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE organizations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND length(slug) BETWEEN 2 AND 40),
      display_name text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Emails are stored lower-cased by the API; the unique index is on the stored value.
    await q.query(`CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL UNIQUE,
      password_hash text,
      platform_admin boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE memberships (
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (organization_id, user_id)
    )`);
    await q.query(`CREATE INDEX memberships_user_idx ON memberships (user_id)`);
    await q.query(`CREATE TABLE teams (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE UNIQUE INDEX teams_org_name_idx ON teams (organization_id, lower(name))`);
    await q.query(`CREATE TABLE team_members (
      team_id uuid NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (team_id, user_id)
    )`);
    await q.query(`CREATE INDEX team_members_user_idx ON team_members (organization_id, user_id)`);
    await q.query(`CREATE TABLE service_accounts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      name text NOT NULL,
      description text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (organization_id, name)
    )`);
    // Exactly one grantee per grant: a team or a service account.
    await q.query(`CREATE TABLE repository_grants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      team_id uuid REFERENCES teams(id) ON DELETE CASCADE,
      service_account_id uuid REFERENCES service_accounts(id) ON DELETE CASCADE,
      target text NOT NULL,
      level text NOT NULL CHECK (level IN ('read', 'write', 'admin')),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((team_id IS NULL) <> (service_account_id IS NULL))
    )`);
    await q.query(
      `CREATE UNIQUE INDEX repository_grants_team_idx ON repository_grants (team_id, target) WHERE team_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX repository_grants_sa_idx ON repository_grants (service_account_id, target) WHERE service_account_id IS NOT NULL`,
    );
    await q.query(`CREATE TABLE api_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid REFERENCES users(id) ON DELETE CASCADE,
      service_account_id uuid REFERENCES service_accounts(id) ON DELETE CASCADE,
      organization_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
      name text NOT NULL,
      prefix text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      scopes text[] NOT NULL DEFAULT '{}',
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((user_id IS NULL) <> (service_account_id IS NULL)),
      CHECK (service_account_id IS NULL OR organization_id IS NOT NULL)
    )`);
    await q.query(`CREATE INDEX api_tokens_user_idx ON api_tokens (user_id)`);
    await q.query(`CREATE INDEX api_tokens_sa_idx ON api_tokens (service_account_id)`);
    await q.query(`CREATE TABLE invitations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      email text NOT NULL,
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
      token_hash text NOT NULL UNIQUE,
      invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE refresh_sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Audit rows outlive what they describe: no foreign keys to the actor or target.
    await q.query(`CREATE TABLE audit_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
      actor_type text NOT NULL CHECK (actor_type IN ('user', 'service_account', 'system')),
      actor_id uuid,
      actor_label text,
      action text NOT NULL,
      target text,
      details jsonb NOT NULL DEFAULT '{}',
      request_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX audit_events_org_idx ON audit_events (organization_id, created_at DESC)`);
    for (const t of [
      'memberships',
      'teams',
      'team_members',
      'service_accounts',
      'repository_grants',
      'api_tokens',
      'invitations',
      'audit_events',
    ]) {
      await enableTenantRls(q, t);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'memberships',
      'teams',
      'team_members',
      'service_accounts',
      'repository_grants',
      'api_tokens',
      'invitations',
      'audit_events',
    ]) {
      await disableTenantRls(q, t);
    }
    for (const t of [
      'audit_events',
      'refresh_sessions',
      'invitations',
      'api_tokens',
      'repository_grants',
      'service_accounts',
      'team_members',
      'teams',
      'memberships',
      'users',
      'organizations',
    ]) {
      await q.query(`DROP TABLE IF EXISTS "${t}"`);
    }
  }
}
