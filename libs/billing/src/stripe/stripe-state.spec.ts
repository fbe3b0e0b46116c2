import { describe, expect, it } from '@jest/globals';
import type { CheckoutFacts, SubscriptionFacts } from './stripe-objects.js';
import { readInvoice, readSubscription } from './stripe-objects.js';
import {
  applyCheckoutCompleted,
  applyPaymentFailed,
  applySubscriptionEvent,
  type StripeState,
  type Transition,
} from './stripe-state.js';

const PRICE = 'price_scanning';
const t = (s: number) => new Date(Date.UTC(2030, 0, 1) + s * 1000);
const sub = (over: Partial<SubscriptionFacts> = {}): SubscriptionFacts => ({
  id: 'sub_1',
  customer: 'cus_1',
  status: 'active',
  organizationId: null,
  priceIds: [PRICE],
  periodEnd: t(1000),
  cancelAt: null,
  endedAt: null,
  ...over,
});
const next = (tr: Transition): StripeState => {
  if ('skip' in tr) throw new Error(`skipped: ${tr.skip}`);
  return tr.next;
};

describe('Stripe events → entitlement state', () => {
  it('created then updated apply in order; an older event after a newer one is stale', () => {
    const a = next(applySubscriptionEvent(null, sub({ status: 'incomplete' }), 'created', t(10), PRICE));
    const b = next(applySubscriptionEvent(a, sub({ status: 'active' }), 'updated', t(20), PRICE));
    expect(b).toMatchObject({
      status: 'active',
      subscriptionId: 'sub_1',
      eventAt: t(20),
      periodEnd: t(1000),
    });
    // subscription.created (incomplete) delivered late must not undo "active".
    expect(applySubscriptionEvent(b, sub({ status: 'incomplete' }), 'created', t(10), PRICE)).toEqual({
      skip: 'stale',
    });
  });

  it('deleted is terminal for that subscription, even against a late update with the same second', () => {
    const a = next(applySubscriptionEvent(null, sub(), 'created', t(10), PRICE));
    const d = next(
      applySubscriptionEvent(a, sub({ status: 'canceled', endedAt: t(30) }), 'deleted', t(30), PRICE),
    );
    expect(d).toMatchObject({ status: 'canceled', endsAt: t(30) });
    expect(applySubscriptionEvent(d, sub(), 'updated', t(30), PRICE)).toEqual({ skip: 'stale' });
    expect(applySubscriptionEvent(d, sub(), 'updated', t(25), PRICE)).toEqual({ skip: 'stale' });
  });

  it('past_due records when payment trouble began and keeps it; recovery clears it', () => {
    const a = next(applySubscriptionEvent(null, sub(), 'created', t(10), PRICE));
    const p = next(applySubscriptionEvent(a, sub({ status: 'past_due' }), 'updated', t(20), PRICE));
    expect(p.pastDueSince).toEqual(t(20));
    const p2 = next(applySubscriptionEvent(p, sub({ status: 'past_due' }), 'updated', t(40), PRICE));
    expect(p2.pastDueSince).toEqual(t(20));
    const d = next(applySubscriptionEvent(p2, sub({ status: 'canceled' }), 'deleted', t(50), PRICE));
    expect(d).toMatchObject({ status: 'canceled', pastDueSince: t(20) });
    const r = next(applySubscriptionEvent(p, sub({ status: 'active' }), 'updated', t(30), PRICE));
    expect(r.pastDueSince).toBeNull();
  });

  it('invoice.payment_failed moves an active subscription to past_due', () => {
    const a = next(applySubscriptionEvent(null, sub(), 'created', t(10), PRICE));
    const inv = { id: 'in_1', customer: 'cus_1', subscription: 'sub_1' };
    expect(next(applyPaymentFailed(a, inv, t(20)))).toMatchObject({
      status: 'past_due',
      pastDueSince: t(20),
    });
    expect(applyPaymentFailed(a, { ...inv, subscription: 'sub_other' }, t(20))).toEqual({
      skip: 'unknown_subscription',
    });
    expect(applyPaymentFailed(a, inv, t(5))).toEqual({ skip: 'stale' });
  });

  it('subscriptions without the add-on price are ignored; removing the price ends the add-on', () => {
    expect(applySubscriptionEvent(null, sub({ priceIds: ['price_other'] }), 'created', t(10), PRICE)).toEqual(
      {
        skip: 'subscription_without_addon',
      },
    );
    const a = next(applySubscriptionEvent(null, sub(), 'created', t(10), PRICE));
    expect(
      next(applySubscriptionEvent(a, sub({ priceIds: ['price_other'] }), 'updated', t(20), PRICE)).status,
    ).toBe('canceled');
  });

  it('the end of another subscription does not end the live one', () => {
    const a = next(applySubscriptionEvent(null, sub({ id: 'sub_2' }), 'created', t(10), PRICE));
    expect(
      applySubscriptionEvent(a, sub({ id: 'sub_1', status: 'canceled' }), 'deleted', t(20), PRICE),
    ).toEqual({
      skip: 'other_subscription',
    });
  });

  it('checkout.session.completed provisions once, and leaves ordering to the subscription events', () => {
    const s: CheckoutFacts = {
      id: 'cs_1',
      mode: 'subscription',
      organizationId: 'o',
      customer: 'cus_1',
      subscription: 'sub_1',
      paymentStatus: 'paid',
    };
    const c = next(applyCheckoutCompleted(null, s));
    expect(c).toMatchObject({ status: 'active', subscriptionId: 'sub_1', eventAt: null });
    // subscription.created arriving after the checkout still applies (it carries the period end).
    const a = next(applySubscriptionEvent(c, sub(), 'created', t(5), PRICE));
    expect(a.periodEnd).toEqual(t(1000));
    expect(applyCheckoutCompleted(a, s)).toEqual({ skip: 'already_known' });
    expect(applyCheckoutCompleted(null, { ...s, mode: 'payment' })).toEqual({
      skip: 'not_a_subscription_checkout',
    });
    expect(next(applyCheckoutCompleted(null, { ...s, paymentStatus: 'unpaid' })).status).toBe('incomplete');
  });
});

describe('reading Stripe objects of different API versions', () => {
  it('period end from the items (current) or the subscription (older versions)', () => {
    const current = readSubscription({
      id: 'sub_1',
      status: 'active',
      customer: { id: 'cus_1' },
      metadata: { organization_id: 'org' },
      items: { data: [{ price: { id: PRICE }, current_period_end: 2_000_000_000 }] },
      cancel_at_period_end: true,
    });
    expect(current).toMatchObject({
      customer: 'cus_1',
      organizationId: 'org',
      priceIds: [PRICE],
      periodEnd: new Date(2_000_000_000_000),
      cancelAt: new Date(2_000_000_000_000),
    });
    const legacy = readSubscription({
      id: 'sub_1',
      status: 'active',
      customer: 'cus_1',
      current_period_end: 1_900_000_000,
      items: { data: [{ plan: { id: PRICE } }] },
    });
    expect(legacy).toMatchObject({
      periodEnd: new Date(1_900_000_000_000),
      priceIds: [PRICE],
      cancelAt: null,
    });
    expect(readSubscription({ status: 'active' })).toBeNull();
  });

  it('invoice subscription from parent.subscription_details (current) or invoice.subscription (older)', () => {
    expect(
      readInvoice({
        id: 'in_1',
        customer: 'cus_1',
        parent: { subscription_details: { subscription: 'sub_1' } },
      }),
    ).toMatchObject({ subscription: 'sub_1' });
    expect(readInvoice({ id: 'in_1', customer: 'cus_1', subscription: 'sub_2' })).toMatchObject({
      subscription: 'sub_2',
    });
  });
});
