import { Inject, Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import type { Addon } from '@drydock/contracts';
import { AuditService } from '@drydock/identity';
import { LOGGER, TenantDb, type Logger } from '@drydock/platform';
import { Entitlement, StripeCustomer } from '../entities.js';
import { lockOrgEntitlements } from '../entitlements.service.js';
import { readCheckoutSession, readInvoice, readSubscription } from './stripe-objects.js';
import {
  applyCheckoutCompleted,
  applyPaymentFailed,
  applySubscriptionEvent,
  type StripeState,
  type Transition,
} from './stripe-state.js';
import { StripeGateway } from './stripe.gateway.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ADDON: Addon = 'scanning';

export interface WebhookResult {
  received: true;
  duplicate: boolean;
  outcome: string;
}

interface Outcome {
  organizationId: string | null;
  outcome: string;
}

const SUBSCRIPTION_EVENTS: Record<string, 'created' | 'updated' | 'deleted'> = {
  'customer.subscription.created': 'created',
  'customer.subscription.updated': 'updated',
  'customer.subscription.deleted': 'deleted',
};

function toState(r: Entitlement | null): StripeState | null {
  if (!r) return null;
  return {
    status: r.status,
    subscriptionId: r.stripeSubscriptionId,
    customerId: r.stripeCustomerId,
    periodEnd: r.periodEnd,
    endsAt: r.endsAt,
    pastDueSince: r.pastDueSince,
    eventAt: r.stripeEventAt,
  };
}

/**
 * POST /api/v1/billing/stripe/webhook. Each event is applied at most once and atomically with its
 * record in stripe_events: the insert of the event id and the entitlement change commit together, so
 * a crash leaves Stripe to redeliver and a redelivery changes nothing.
 */
@Injectable()
export class StripeWebhooksService {
  constructor(
    private readonly db: TenantDb,
    private readonly stripe: StripeGateway,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  handle(raw: unknown, signature: string | undefined): Promise<WebhookResult> {
    return this.process(this.stripe.verifyWebhook(raw, signature));
  }

  async process(event: Stripe.Event): Promise<WebhookResult> {
    const eventAt = new Date(event.created * 1000);
    // Cross-tenant by design: an event names its organization only inside its payload, and the event
    // ledger belongs to the installation. Every write below names the organization explicitly.
    const result = await this.db.withSystem(async (m) => {
      const inserted: unknown[] = await m.query(
        `INSERT INTO stripe_events (id, type, event_created) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [event.id, event.type, eventAt],
      );
      if (inserted.length === 0) return { received: true as const, duplicate: true, outcome: 'duplicate' };
      const o = await this.dispatch(m, event, eventAt);
      await m.query(`UPDATE stripe_events SET organization_id = $2, outcome = $3 WHERE id = $1`, [
        event.id,
        o.organizationId,
        o.outcome,
      ]);
      return { received: true as const, duplicate: false, outcome: o.outcome };
    });
    this.logger.info({ eventId: event.id, type: event.type, outcome: result.outcome }, 'stripe webhook');
    return result;
  }

  private async dispatch(m: EntityManager, event: Stripe.Event, eventAt: Date): Promise<Outcome> {
    const object: unknown = event.data.object;
    const subType = SUBSCRIPTION_EVENTS[event.type];
    if (subType) {
      const sub = readSubscription(object);
      if (!sub) return { organizationId: null, outcome: 'malformed' };
      const org = (await this.orgById(m, sub.organizationId)) ?? (await this.orgByCustomer(m, sub.customer));
      if (!org) return { organizationId: null, outcome: 'unknown_organization' };
      if (sub.customer) await this.rememberCustomer(m, org, sub.customer);
      return this.transition(m, org, event, (cur) =>
        applySubscriptionEvent(cur, sub, subType, eventAt, this.stripe.priceScanning),
      );
    }
    // A plain string: Stripe adds event types over time, and all but three are ignored here.
    const type: string = event.type;
    switch (type) {
      case 'checkout.session.completed': {
        const s = readCheckoutSession(object);
        if (!s) return { organizationId: null, outcome: 'malformed' };
        const org = await this.orgById(m, s.organizationId);
        if (!org) return { organizationId: null, outcome: 'unknown_organization' };
        if (s.customer) await this.rememberCustomer(m, org, s.customer);
        return this.transition(m, org, event, (cur) => applyCheckoutCompleted(cur, s));
      }
      case 'invoice.payment_failed': {
        const inv = readInvoice(object);
        if (!inv) return { organizationId: null, outcome: 'malformed' };
        const org =
          (await this.orgByCustomer(m, inv.customer)) ?? (await this.orgBySubscription(m, inv.subscription));
        if (!org) return { organizationId: null, outcome: 'unknown_organization' };
        return this.transition(m, org, event, (cur) => applyPaymentFailed(cur, inv, eventAt));
      }
      default:
        return { organizationId: null, outcome: 'ignored' };
    }
  }

  private async transition(
    m: EntityManager,
    organizationId: string,
    event: Stripe.Event,
    apply: (current: StripeState | null) => Transition,
  ): Promise<Outcome> {
    await lockOrgEntitlements(m, organizationId);
    const row = await m.findOne(Entitlement, { where: { organizationId, addon: ADDON, source: 'stripe' } });
    const before = toState(row);
    const t = apply(before);
    if ('skip' in t) return { organizationId, outcome: `skipped:${t.skip}` };
    const n = t.next;
    const values = {
      status: n.status,
      stripeSubscriptionId: n.subscriptionId,
      stripeCustomerId: n.customerId,
      periodEnd: n.periodEnd,
      endsAt: n.endsAt,
      pastDueSince: n.pastDueSince,
      stripeEventAt: n.eventAt,
    };
    if (row) await m.update(Entitlement, { id: row.id }, values);
    else await m.insert(Entitlement, { organizationId, addon: ADDON, source: 'stripe', ...values });
    await this.audit.record(
      {
        organizationId,
        actor: null,
        action: 'addon.subscription_changed',
        target: ADDON,
        details: {
          addon: ADDON,
          source: 'stripe',
          from: before?.status ?? null,
          to: n.status,
          subscription: n.subscriptionId,
          eventId: event.id,
          eventType: event.type,
        },
      },
      m,
    );
    return { organizationId, outcome: `applied:${n.status}` };
  }

  private async orgById(m: EntityManager, id: string | null): Promise<string | null> {
    if (!id || !UUID.test(id)) return null;
    const rows: { id: string }[] = await m.query(`SELECT id FROM organizations WHERE id = $1`, [id]);
    return rows[0]?.id ?? null;
  }

  private async orgByCustomer(m: EntityManager, customer: string | null): Promise<string | null> {
    if (!customer) return null;
    const c = await m.findOne(StripeCustomer, { where: { customerId: customer } });
    return c?.organizationId ?? null;
  }

  private async orgBySubscription(m: EntityManager, subscription: string | null): Promise<string | null> {
    if (!subscription) return null;
    const e = await m.findOne(Entitlement, { where: { stripeSubscriptionId: subscription } });
    return e?.organizationId ?? null;
  }

  /** The first customer seen for an organization stays its customer (checkout created it). */
  private async rememberCustomer(
    m: EntityManager,
    organizationId: string,
    customerId: string,
  ): Promise<void> {
    await m.query(
      `INSERT INTO stripe_customers (organization_id, customer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [organizationId, customerId],
    );
  }
}
