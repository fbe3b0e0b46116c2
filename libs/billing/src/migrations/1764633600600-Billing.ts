import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@drydock/platform';

/**
 * Add-on entitlements and the Stripe bookkeeping behind them. entitlements and stripe_customers are
 * tenant-owned and get row-level security here; stripe_events and platform_settings belong to the
 * installation (a webhook event names no tenant until it is read).
 */
export class Billing1764633600600 implements MigrationInterface {
  name = 'Billing1764633600600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE entitlements (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      addon text NOT NULL CHECK (addon IN ('scanning')),
      source text NOT NULL CHECK (source IN ('stripe', 'grant', 'license')),
      status text NOT NULL,
      period_end timestamptz,
      ends_at timestamptz,
      past_due_since timestamptz,
      stripe_subscription_id text,
      stripe_customer_id text,
      stripe_event_at timestamptz,
      license_key text,
      details jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (organization_id, addon, source)
    )`);
    await q.query(
      `CREATE INDEX entitlements_subscription_idx ON entitlements (stripe_subscription_id) WHERE stripe_subscription_id IS NOT NULL`,
    );
    await q.query(`CREATE TABLE stripe_customers (
      organization_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
      customer_id text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // event_created is Stripe's own timestamp, kept to reason about out-of-order delivery.
    await q.query(`CREATE TABLE stripe_events (
      id text PRIMARY KEY,
      type text NOT NULL,
      event_created timestamptz NOT NULL,
      organization_id uuid REFERENCES organizations(id) ON DELETE SET NULL,
      outcome text,
      processed_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE platform_settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_by text,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await enableTenantRls(q, 'entitlements');
    await enableTenantRls(q, 'stripe_customers');
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantRls(q, 'stripe_customers');
    await disableTenantRls(q, 'entitlements');
    for (const t of ['platform_settings', 'stripe_events', 'stripe_customers', 'entitlements']) {
      await q.query(`DROP TABLE IF EXISTS "${t}"`);
    }
  }
}
