import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { AppConfig, AppError, LOGGER, type Logger } from '@drydock/platform';

export const NOT_CONFIGURED =
  'Billing is not configured on this installation (STRIPE_SECRET_KEY and STRIPE_PRICE_SCANNING are unset). ' +
  'A platform admin can grant the add-on, or an org admin can apply a license key.';

/** Where the SDK sends its requests: Stripe itself, or a stand-in named by STRIPE_API_URL (tests). */
export function stripeConnection(
  apiUrl: string | undefined,
): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiUrl) return {};
  const u = new URL(apiUrl);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port || (protocol === 'http' ? 80 : 443),
    protocol,
  };
}

/**
 * The Stripe SDK, configured once. Every call names an idempotency key where a retry could create a
 * second object, and SDK errors become a 503 whose body names no internals (the log has them).
 */
@Injectable()
export class StripeGateway {
  private readonly client: Stripe | null;

  constructor(
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const b = config.billing;
    this.client = b.stripeSecretKey
      ? new Stripe(b.stripeSecretKey, {
          ...stripeConnection(b.stripeApiUrl),
          maxNetworkRetries: 2,
          timeout: 20_000,
          telemetry: false,
          appInfo: { name: 'Drydock' },
        })
      : null;
  }

  /** Checkout and the portal need the API key and the add-on's price. */
  get configured(): boolean {
    return !!this.client && !!this.config.billing.stripePriceScanning;
  }

  get priceScanning(): string | undefined {
    return this.config.billing.stripePriceScanning;
  }

  private api(): Stripe {
    if (!this.client || !this.configured) throw new AppError('unavailable', NOT_CONFIGURED);
    return this.client;
  }

  private async call<T>(what: string, work: (s: Stripe) => Promise<T>): Promise<T> {
    const s = this.api();
    try {
      return await work(s);
    } catch (err) {
      this.logger.error({ err, what }, 'Stripe request failed');
      throw new AppError('unavailable', 'The payment provider could not be reached; try again shortly');
    }
  }

  createCustomer(org: { id: string; slug: string }): Promise<string> {
    return this.call('customers.create', async (s) => {
      const c = await s.customers.create(
        { name: org.slug, metadata: { organization_id: org.id, organization_slug: org.slug } },
        // Stripe replays the first answer for a repeated key (24 h), so a retried request makes one customer.
        { idempotencyKey: `drydock-customer-${org.id}` },
      );
      return c.id;
    });
  }

  createCheckoutSession(params: Stripe.Checkout.SessionCreateParams): Promise<string> {
    return this.call('checkout.sessions.create', async (s) => {
      const session = await s.checkout.sessions.create(params);
      if (!session.url) throw new Error('checkout session without url');
      return session.url;
    });
  }

  createPortalSession(customer: string, returnUrl: string): Promise<string> {
    return this.call('billing_portal.sessions.create', async (s) => {
      const session = await s.billingPortal.sessions.create({ customer, return_url: returnUrl });
      return session.url;
    });
  }

  /**
   * Verifies `Stripe-Signature` over the exact bytes received (https://docs.stripe.com/webhooks#verify-events);
   * the SDK also refuses a timestamp older than its tolerance (300 s), which stops replays.
   */
  verifyWebhook(raw: unknown, signature: string | undefined): Stripe.Event {
    const secret = this.config.billing.stripeWebhookSecret;
    if (!secret)
      throw new AppError(
        'unavailable',
        'Stripe webhooks are not configured on this installation (STRIPE_WEBHOOK_SECRET)',
      );
    if (!Buffer.isBuffer(raw) || raw.length === 0)
      throw new AppError('bad_request', 'The webhook body is missing');
    if (!signature) throw new AppError('bad_request', 'The Stripe-Signature header is missing');
    try {
      return Stripe.webhooks.constructEvent(raw, signature, secret);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'Stripe webhook refused: bad signature');
      throw new AppError('bad_request', 'The Stripe signature is invalid or too old');
    }
  }
}
