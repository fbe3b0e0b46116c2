/**
 * A local stand-in for the parts of Stripe's API that Drydock calls, for integration and e2e tests.
 * Point the SDK at it with STRIPE_API_URL (the SDK's `host`/`port`/`protocol` options).
 *
 * Wire format as Stripe's (https://docs.stripe.com/api):
 * - Requests are `application/x-www-form-urlencoded` with bracketed keys (`metadata[k]=v`,
 *   `line_items[0][price]=p`), authenticated with `Authorization: Bearer <secret key>`.
 * - Answers are JSON objects with `id`, `object`, `created` (Unix seconds) and `livemode`; errors are
 *   `{error: {type, code?, message, param?}}` with 400 (invalid request), 401 (bad key) or 404.
 * - A repeated `Idempotency-Key` on the same path replays the first answer.
 * - Implemented: POST /v1/customers, GET /v1/customers/:id, POST /v1/checkout/sessions,
 *   GET /v1/checkout/sessions/:id, POST /v1/billing_portal/sessions, GET /v1/subscriptions/:id.
 *
 * It also builds the webhook events Stripe would send for what happened here (a completed checkout,
 * a subscription change) and signs them the way Stripe does, with the SDK's own test helper.
 *
 * The hosted pages a browser is sent to are served too, in the simplest form that behaves like
 * Stripe's: `GET /checkout/:id` (the session's `url`) shows a "Subscribe" button; submitting it
 * completes the session, hands the resulting events to `onCheckoutCompleted` (a test delivers them
 * as signed webhooks, as Stripe would) and then redirects (303) to the session's `success_url`,
 * with `{CHECKOUT_SESSION_ID}` filled in; "Cancel" goes to `cancel_url`. `GET /p/session/:id` (the
 * Billing Portal) links back to its `return_url`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

type Json = Record<string, unknown>;

export interface RecordedStripeRequest {
  method: string;
  path: string;
  params: Json;
  idempotencyKey: string | null;
  status: number;
}

export interface StripeServerOptions {
  /** The secret key requests must carry; any `sk_test_` key is accepted when unset. */
  secretKey?: string;
  /** Known price ids; when given, checkout with another price is refused as Stripe does. */
  prices?: string[];
  /**
   * Called when a customer pays on the hosted checkout page, with the events Stripe would send; the
   * browser is redirected to `success_url` once it resolves (Stripe sends webhooks as the customer
   * returns, so a test delivers them here to be deterministic).
   */
  onCheckoutCompleted?: (events: Stripe.Event[]) => Promise<void>;
}

export interface WebhookEventOptions {
  /** Unix seconds; default now. */
  created?: number;
  id?: string;
}

const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const now = () => Math.floor(Date.now() / 1000);
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;

/** Parses Stripe's form encoding: `a[b][0][c]=v` → `{a: {b: [{c: 'v'}]}}`. */
export function parseStripeForm(body: string): Json {
  const root: Json = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.split('[').map((p, i) => (i === 0 ? p : p.replace(/\]$/, '')));
    let node: Json | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const key: string | number = Array.isArray(node) ? (part === '' ? node.length : Number(part)) : part;
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[key] = value;
        return;
      }
      if (container[key] === undefined) container[key] = /^\d*$/.test(parts[i + 1]) ? [] : {};
      node = container[key] as Json | unknown[];
    });
  }
  return root;
}

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String(body.message));
  }
}

const missing = (what: string, value: string, param: string) =>
  new StripeApiError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${what}: '${value}'`,
    param,
  });
const required = (param: string) =>
  new StripeApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    message: `Missing required param: ${param}.`,
    param,
  });

export class StripeServer {
  readonly requests: RecordedStripeRequest[] = [];
  readonly customers = new Map<string, Json>();
  readonly sessions = new Map<string, Json>();
  readonly subscriptions = new Map<string, Json>();
  private readonly idempotent = new Map<string, { status: number; body: Json }>();
  private readonly portals = new Map<string, Json>();
  private server = createServer((req, res) => void this.handle(req, res));
  url = '';

  constructor(private readonly opts: StripeServerOptions = {}) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stripe.local');
    if (!url.pathname.startsWith('/v1/')) return this.hostedPage(req.method ?? 'GET', url.pathname, res);
    const params = req.method === 'GET' ? parseStripeForm(url.search.slice(1)) : parseStripeForm(body);
    const idem = (req.headers['idempotency-key'] as string | undefined) ?? null;
    let status = 200;
    let answer: Json;
    const replay = idem ? this.idempotent.get(`${req.method} ${url.pathname} ${idem}`) : undefined;
    if (replay) {
      ({ status, body: answer } = replay);
    } else {
      try {
        this.authenticate(req.headers.authorization);
        answer = this.route(req.method ?? 'GET', url.pathname, params);
      } catch (err) {
        if (!(err instanceof StripeApiError)) throw err;
        status = err.status;
        answer = { error: err.body };
      }
      if (idem && req.method === 'POST')
        this.idempotent.set(`${req.method} ${url.pathname} ${idem}`, { status, body: answer });
    }
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      params,
      idempotencyKey: idem,
      status,
    });
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': id('req'),
      ...(idem ? { 'idempotency-key': idem } : {}),
    });
    res.end(JSON.stringify(answer));
  }

  /** The browser-facing pages: Checkout and the Billing Portal (see the file comment). */
  private async hostedPage(method: string, path: string, res: ServerResponse): Promise<void> {
    const page = (status: number, title: string, body: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
          `<body><main><h1>${title}</h1>${body}</main></body></html>`,
      );
    };
    const redirect = (to: string) => {
      res.writeHead(303, { location: to });
      res.end();
    };
    const checkout = /^\/checkout\/([A-Za-z0-9_]+)(\/pay|\/cancel)?$/.exec(path);
    const session = checkout ? this.sessions.get(checkout[1]) : undefined;
    if (checkout && session) {
      const action = checkout[2];
      if (method === 'GET' && !action) {
        if (session.status !== 'open') return page(410, 'This checkout session is no longer open', '');
        const items = (session._line_items as Json[]).map((li) => `<li>${esc(li.price)}</li>`).join('');
        return page(
          200,
          'Subscribe (Stripe test mode)',
          `<ul>${items}</ul><form method="post" action="/checkout/${checkout[1]}/pay">` +
            `<button type="submit">Subscribe</button></form>` +
            `<form method="post" action="/checkout/${checkout[1]}/cancel"><button type="submit">Cancel</button></form>`,
        );
      }
      if (method === 'POST' && action === '/pay' && session.status === 'open') {
        const { events } = this.completeCheckout(checkout[1]);
        await this.opts.onCheckoutCompleted?.(events);
        return redirect(String(session.success_url).replace('{CHECKOUT_SESSION_ID}', checkout[1]));
      }
      if (method === 'POST' && action === '/cancel' && typeof session.cancel_url === 'string') {
        session.status = 'expired';
        return redirect(session.cancel_url);
      }
    }
    const portal = /^\/p\/session\/([A-Za-z0-9_]+)$/.exec(path);
    const ps = portal ? this.portals.get(portal[1]) : undefined;
    if (method === 'GET' && ps) {
      const back = ps.return_url ? `<a href="${esc(ps.return_url)}">Return to Drydock</a>` : '';
      return page(200, 'Billing portal (Stripe test mode)', `<p>Customer ${esc(ps.customer)}</p>${back}`);
    }
    page(404, 'Not found', '');
  }

  private authenticate(header: string | undefined): void {
    const key = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
    const ok = key && (this.opts.secretKey ? key === this.opts.secretKey : key.startsWith('sk_test_'));
    if (!ok)
      throw new StripeApiError(401, {
        type: 'invalid_request_error',
        message: `Invalid API Key provided: ${key ? `${key.slice(0, 8)}****` : '(none)'}`,
      });
  }

  private route(method: string, path: string, p: Json): Json {
    const m = /^\/v1\/([a-z_]+(?:\/[a-z_]+)?)(?:\/([A-Za-z0-9_]+))?$/.exec(path);
    const [resource, objectId] = [m?.[1], m?.[2]];
    if (method === 'POST' && resource === 'customers' && !objectId) return this.createCustomer(p);
    if (method === 'GET' && resource === 'customers' && objectId)
      return this.get(this.customers, objectId, 'customer');
    if (method === 'POST' && resource === 'checkout/sessions' && !objectId) return this.createSession(p);
    if (method === 'GET' && resource === 'checkout/sessions' && objectId)
      return this.get(this.sessions, objectId, 'checkout.session');
    if (method === 'POST' && resource === 'billing_portal/sessions' && !objectId) return this.createPortal(p);
    if (method === 'GET' && resource === 'subscriptions' && objectId)
      return this.get(this.subscriptions, objectId, 'subscription');
    throw new StripeApiError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}).`,
    });
  }

  private get(map: Map<string, Json>, key: string, what: string): Json {
    const o = map.get(key);
    if (!o) throw missing(what, key, 'id');
    return o;
  }

  private createCustomer(p: Json): Json {
    const c: Json = {
      id: id('cus'),
      object: 'customer',
      created: now(),
      livemode: false,
      name: p.name ?? null,
      email: p.email ?? null,
      metadata: p.metadata ?? {},
    };
    this.customers.set(c.id as string, c);
    return c;
  }

  private createSession(p: Json): Json {
    if (!p.success_url) throw required('success_url');
    if (!p.mode) throw required('mode');
    const items = Array.isArray(p.line_items) ? (p.line_items as Json[]) : [];
    if (p.mode === 'subscription' && items.length === 0) throw required('line_items');
    for (const [i, item] of items.entries()) {
      if (!item.price) throw required(`line_items[${i}][price]`);
      if (this.opts.prices && !this.opts.prices.includes(item.price as string))
        throw missing('price', item.price as string, `line_items[${i}][price]`);
    }
    if (typeof p.customer === 'string' && !this.customers.has(p.customer))
      throw missing('customer', p.customer, 'customer');
    const sid = id('cs_test');
    const s: Json = {
      id: sid,
      object: 'checkout.session',
      created: now(),
      livemode: false,
      mode: p.mode,
      status: 'open',
      payment_status: 'unpaid',
      customer: p.customer ?? null,
      client_reference_id: p.client_reference_id ?? null,
      metadata: p.metadata ?? {},
      subscription: null,
      success_url: p.success_url,
      cancel_url: p.cancel_url ?? null,
      url: `${this.url}/checkout/${sid}`,
      // Not part of Stripe's answer; kept to build the subscription when the test completes it.
      _line_items: items,
      _subscription_data: p.subscription_data ?? {},
    };
    this.sessions.set(sid, s);
    return this.publicSession(s);
  }

  private publicSession(s: Json): Json {
    return Object.fromEntries(Object.entries(s).filter(([k]) => !k.startsWith('_')));
  }

  private createPortal(p: Json): Json {
    if (typeof p.customer !== 'string') throw required('customer');
    if (!this.customers.has(p.customer)) throw missing('customer', p.customer, 'customer');
    const pid = id('bps');
    const ps: Json = {
      id: pid,
      object: 'billing_portal.session',
      created: now(),
      livemode: false,
      customer: p.customer,
      return_url: p.return_url ?? null,
      url: `${this.url}/p/session/${pid}`,
    };
    this.portals.set(pid, ps);
    return ps;
  }

  // ---- what Stripe would send next ----

  /**
   * The customer pays: the session completes and a subscription starts. Returns the two events Stripe
   * sends (`checkout.session.completed`, `customer.subscription.created`), in the order given.
   */
  completeCheckout(
    sessionId: string,
    opts: { status?: string; periodDays?: number; created?: number } = {},
  ): { session: Json; subscription: Json; events: Stripe.Event[] } {
    const s = this.sessions.get(sessionId);
    if (!s) throw new Error(`no checkout session ${sessionId}`);
    const created = opts.created ?? now();
    const items = (s._line_items as Json[]).map((li) => ({
      id: id('si'),
      object: 'subscription_item',
      price: { id: li.price, object: 'price' },
      quantity: Number(li.quantity ?? 1),
      current_period_start: created,
      current_period_end: created + (opts.periodDays ?? 30) * 86_400,
    }));
    const data = s._subscription_data as Json;
    const sub: Json = {
      id: id('sub'),
      object: 'subscription',
      created,
      livemode: false,
      customer: s.customer,
      status: opts.status ?? 'active',
      metadata: data.metadata ?? {},
      items: { object: 'list', data: items },
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      start_date: created,
    };
    this.subscriptions.set(sub.id as string, sub);
    Object.assign(s, { status: 'complete', payment_status: 'paid', subscription: sub.id });
    return {
      session: this.publicSession(s),
      subscription: sub,
      events: [
        this.event('checkout.session.completed', this.publicSession(s), { created }),
        this.event('customer.subscription.created', sub, { created }),
      ],
    };
  }

  /** Changes a subscription and returns the event Stripe sends for it (`.updated` or `.deleted`). */
  updateSubscription(subscriptionId: string, patch: Json, opts: WebhookEventOptions = {}): Stripe.Event {
    const sub = this.subscriptions.get(subscriptionId);
    if (!sub) throw new Error(`no subscription ${subscriptionId}`);
    const previous = Object.fromEntries(Object.keys(patch).map((k) => [k, sub[k]]));
    Object.assign(sub, patch);
    const type =
      sub.status === 'canceled' ? 'customer.subscription.deleted' : 'customer.subscription.updated';
    return this.event(type, structuredClone(sub), opts, type.endsWith('updated') ? previous : undefined);
  }

  /** `invoice.payment_failed` for a subscription's renewal invoice (current API shape). */
  paymentFailed(subscriptionId: string, opts: WebhookEventOptions = {}): Stripe.Event {
    const sub = this.subscriptions.get(subscriptionId);
    if (!sub) throw new Error(`no subscription ${subscriptionId}`);
    const invoice: Json = {
      id: id('in'),
      object: 'invoice',
      created: opts.created ?? now(),
      livemode: false,
      customer: sub.customer,
      status: 'open',
      attempt_count: 1,
      billing_reason: 'subscription_cycle',
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: sub.id, metadata: sub.metadata },
      },
    };
    return this.event('invoice.payment_failed', invoice, opts);
  }

  /** A Stripe Event envelope around an object. */
  event(type: string, object: Json, opts: WebhookEventOptions = {}, previous?: Json): Stripe.Event {
    return {
      id: opts.id ?? id('evt'),
      object: 'event',
      api_version: '2026-10-28.endive',
      created: opts.created ?? now(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object, ...(previous ? { previous_attributes: previous } : {}) },
    } as unknown as Stripe.Event;
  }
}

/** The body and `Stripe-Signature` header Stripe would send, signed with the endpoint's secret. */
export function signStripeEvent(
  event: unknown,
  secret: string,
  timestamp?: number,
): { payload: string; signature: string } {
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp ? { timestamp } : {}),
  });
  return { payload, signature };
}

/** Posts a signed event to a webhook URL as Stripe does; answers the status and parsed body. */
export async function deliverStripeEvent(
  webhookUrl: string,
  event: unknown,
  secret: string,
  opts: { timestamp?: number; signature?: string } = {},
): Promise<{ status: number; body: any }> {
  const { payload, signature } = signStripeEvent(event, secret, opts.timestamp);
  const res = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': opts.signature ?? signature,
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    },
    body: payload,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}
