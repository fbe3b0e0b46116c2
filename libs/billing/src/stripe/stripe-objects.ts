/**
 * The few fields Drydock reads from Stripe webhook objects, read defensively: the objects come from
 * whichever API version the account's webhook endpoint is pinned to, so both the current shapes
 * (period end on subscription items, `invoice.parent.subscription_details`) and older ones
 * (`subscription.current_period_end`, `invoice.subscription`) are understood.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const date = (v: unknown): Date | null => (num(v) === null ? null : new Date(num(v)! * 1000));
/** An id field that may also be an expanded object. */
const ref = (v: unknown): string | null => str(v) ?? (isObj(v) ? str(v.id) : null);
const meta = (o: Obj, key: string): string | null => (isObj(o.metadata) ? str(o.metadata[key]) : null);

export interface SubscriptionFacts {
  id: string;
  customer: string | null;
  status: string;
  organizationId: string | null;
  priceIds: string[];
  periodEnd: Date | null;
  /** A scheduled cancellation (cancel_at, or the period end with cancel_at_period_end). */
  cancelAt: Date | null;
  endedAt: Date | null;
}

export function readSubscription(o: unknown): SubscriptionFacts | null {
  if (!isObj(o) || !str(o.id)) return null;
  const items = isObj(o.items) && Array.isArray(o.items.data) ? o.items.data.filter(isObj) : [];
  const priceIds = items.map((i) => ref(i.price) ?? ref(i.plan)).filter((p): p is string => !!p);
  const ends = items.map((i) => num(i.current_period_end)).filter((n): n is number => n !== null);
  const periodEnd = ends.length ? new Date(Math.max(...ends) * 1000) : date(o.current_period_end);
  const cancelAt = date(o.cancel_at) ?? (o.cancel_at_period_end === true ? periodEnd : null);
  return {
    id: str(o.id)!,
    customer: ref(o.customer),
    status: str(o.status) ?? 'incomplete',
    organizationId: meta(o, 'organization_id'),
    priceIds,
    periodEnd,
    cancelAt,
    endedAt: date(o.ended_at) ?? date(o.canceled_at),
  };
}

export interface CheckoutFacts {
  id: string;
  mode: string | null;
  organizationId: string | null;
  customer: string | null;
  subscription: string | null;
  paymentStatus: string | null;
}

export function readCheckoutSession(o: unknown): CheckoutFacts | null {
  if (!isObj(o) || !str(o.id)) return null;
  return {
    id: str(o.id)!,
    mode: str(o.mode),
    organizationId: str(o.client_reference_id) ?? meta(o, 'organization_id'),
    customer: ref(o.customer),
    subscription: ref(o.subscription),
    paymentStatus: str(o.payment_status),
  };
}

export interface InvoiceFacts {
  id: string;
  customer: string | null;
  subscription: string | null;
}

export function readInvoice(o: unknown): InvoiceFacts | null {
  if (!isObj(o) || !str(o.id)) return null;
  const parent = isObj(o.parent) ? o.parent : null;
  const details = parent && isObj(parent.subscription_details) ? parent.subscription_details : null;
  return {
    id: str(o.id)!,
    customer: ref(o.customer),
    subscription: (details ? ref(details.subscription) : null) ?? ref(o.subscription),
  };
}
