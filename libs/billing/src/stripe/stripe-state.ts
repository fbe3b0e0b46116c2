import type { CheckoutFacts, InvoiceFacts, SubscriptionFacts } from './stripe-objects.js';

/**
 * How one Stripe event changes an organization's Stripe entitlement. Pure, so the ordering rules
 * are tested without a database. Stripe does not promise delivery order
 * (https://docs.stripe.com/webhooks#event-ordering), so each row remembers the `created` time of the
 * newest event applied to it and an older event never overwrites newer state.
 */

export interface StripeState {
  status: string;
  subscriptionId: string | null;
  customerId: string | null;
  periodEnd: Date | null;
  endsAt: Date | null;
  pastDueSince: Date | null;
  eventAt: Date | null;
}

export type Transition = { next: StripeState } | { skip: string };

/** Statuses under which a subscription may still bill or entitle. */
const LIVE = new Set(['active', 'trialing', 'past_due', 'unpaid', 'incomplete']);
const TERMINAL = new Set(['canceled', 'incomplete_expired']);

export function applySubscriptionEvent(
  current: StripeState | null,
  sub: SubscriptionFacts,
  type: 'created' | 'updated' | 'deleted',
  eventAt: Date,
  addonPriceId: string | undefined,
): Transition {
  const same = current?.subscriptionId === sub.id;
  const includesAddon = !addonPriceId || sub.priceIds.includes(addonPriceId);
  if (!includesAddon && !same) return { skip: 'subscription_without_addon' };
  if (current?.eventAt && eventAt < current.eventAt) return { skip: 'stale' };
  // A cancelled subscription never comes back (Stripe makes a new one), whatever arrives late.
  if (same && current && TERMINAL.has(current.status) && type !== 'deleted') return { skip: 'stale' };

  // The add-on's price removed from the subscription ends the add-on like a cancellation.
  const status = type === 'deleted' || !includesAddon ? 'canceled' : sub.status;
  // The end of some other subscription of the customer does not end the current one.
  if (current && !same && LIVE.has(current.status) && TERMINAL.has(status))
    return { skip: 'other_subscription' };

  let pastDueSince: Date | null = null;
  if (status === 'past_due' || status === 'unpaid') pastDueSince = (same && current?.pastDueSince) || eventAt;
  else if (status === 'canceled') pastDueSince = same ? (current?.pastDueSince ?? null) : null;

  return {
    next: {
      status,
      subscriptionId: sub.id,
      customerId: sub.customer ?? current?.customerId ?? null,
      periodEnd: sub.periodEnd ?? (same ? (current?.periodEnd ?? null) : null),
      endsAt: status === 'canceled' ? (sub.endedAt ?? eventAt) : sub.cancelAt,
      pastDueSince,
      eventAt,
    },
  };
}

/**
 * checkout.session.completed: Stripe's signal to provision (https://docs.stripe.com/billing/subscriptions/build-subscriptions#provision-and-monitor).
 * It only creates state the subscription events have not yet written, and leaves `eventAt` alone so
 * that those events, whenever they arrive, still apply.
 */
export function applyCheckoutCompleted(current: StripeState | null, s: CheckoutFacts): Transition {
  if (s.mode !== 'subscription' || !s.subscription) return { skip: 'not_a_subscription_checkout' };
  if (current?.subscriptionId === s.subscription) return { skip: 'already_known' };
  if (current && LIVE.has(current.status) && current.status !== 'incomplete')
    return { skip: 'other_subscription' };
  return {
    next: {
      status: s.paymentStatus === 'unpaid' ? 'incomplete' : 'active',
      subscriptionId: s.subscription,
      customerId: s.customer ?? current?.customerId ?? null,
      periodEnd: null,
      endsAt: null,
      pastDueSince: null,
      eventAt: current?.eventAt ?? null,
    },
  };
}

/** invoice.payment_failed starts the grace period (if the subscription events have not already). */
export function applyPaymentFailed(
  current: StripeState | null,
  inv: InvoiceFacts,
  eventAt: Date,
): Transition {
  if (!current || !inv.subscription || current.subscriptionId !== inv.subscription)
    return { skip: 'unknown_subscription' };
  if (current.eventAt && eventAt < current.eventAt) return { skip: 'stale' };
  if (!['active', 'trialing', 'past_due', 'unpaid'].includes(current.status)) return { skip: 'not_active' };
  return {
    next: {
      ...current,
      status: current.status === 'active' || current.status === 'trialing' ? 'past_due' : current.status,
      pastDueSince: current.pastDueSince ?? eventAt,
      eventAt,
    },
  };
}
