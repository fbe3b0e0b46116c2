import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Addon, EntitlementSource } from '@drydock/contracts';

/**
 * One row per organization, add-on and source. The decision whether the add-on is on is made from
 * all rows together (entitlement-decision.ts), so a lapsed subscription does not erase a grant.
 */
@Entity('entitlements')
export class Entitlement {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'organization_id' }) organizationId!: string;
  @Column('text') addon!: Addon;
  @Column('text') source!: EntitlementSource;
  /** Stripe: the subscription status; grant: active | revoked; license: active. */
  @Column('text') status!: string;
  @Column('timestamptz', { name: 'period_end', nullable: true }) periodEnd!: Date | null;
  @Column('timestamptz', { name: 'ends_at', nullable: true }) endsAt!: Date | null;
  @Column('timestamptz', { name: 'past_due_since', nullable: true }) pastDueSince!: Date | null;
  @Column('text', { name: 'stripe_subscription_id', nullable: true }) stripeSubscriptionId!: string | null;
  @Column('text', { name: 'stripe_customer_id', nullable: true }) stripeCustomerId!: string | null;
  /** `created` of the newest Stripe event applied to this row: older events never overwrite it. */
  @Column('timestamptz', { name: 'stripe_event_at', nullable: true }) stripeEventAt!: Date | null;
  @Column('text', { name: 'license_key', nullable: true }) licenseKey!: string | null;
  @Column('jsonb', { default: () => "'{}'" }) details!: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The Stripe customer of an organization, created once (checkout and portal reuse it). */
@Entity('stripe_customers')
export class StripeCustomer {
  @PrimaryColumn('uuid', { name: 'organization_id' }) organizationId!: string;
  @Column('text', { name: 'customer_id' }) customerId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** Processed webhook events: each event id is applied once. */
@Entity('stripe_events')
export class StripeEvent {
  @PrimaryColumn('text') id!: string;
  @Column('text') type!: string;
  @Column('timestamptz', { name: 'event_created' }) eventCreated!: Date;
  @Column('uuid', { name: 'organization_id', nullable: true }) organizationId!: string | null;
  @Column('text', { nullable: true }) outcome!: string | null;
  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' }) processedAt!: Date;
}

/** Installation-wide settings changed by platform admins (e.g. the scanning add-on switch). */
@Entity('platform_settings')
export class PlatformSetting {
  @PrimaryColumn('text') key!: string;
  @Column('jsonb') value!: unknown;
  @Column('text', { name: 'updated_by', nullable: true }) updatedBy!: string | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

export const billingEntities = [Entitlement, StripeCustomer, StripeEvent, PlatformSetting];
