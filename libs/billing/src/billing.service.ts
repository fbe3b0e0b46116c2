import { Injectable } from '@nestjs/common';
import type { Addon, BillingSessionResponse } from '@drydock/contracts';
import { AuditService, type OrgContext, type Principal } from '@drydock/identity';
import { AppConfig, AppError, TenantDb } from '@drydock/platform';
import { Entitlement, StripeCustomer } from './entities.js';
import { decideStripe } from './entitlement-decision.js';
import { lockOrgEntitlements } from './entitlements.service.js';
import { NOT_CONFIGURED, StripeGateway } from './stripe/stripe.gateway.js';

/** Stripe Checkout and the Billing Portal for organization owners and admins. */
@Injectable()
export class BillingService {
  constructor(
    private readonly db: TenantDb,
    private readonly config: AppConfig,
    private readonly stripe: StripeGateway,
    private readonly audit: AuditService,
  ) {}

  private billingPage(org: OrgContext): string {
    return `${this.config.publicUrl}/orgs/${org.slug}/billing`;
  }

  async checkout(
    org: OrgContext,
    actor: Principal,
    addon: Addon,
    requestId?: string,
  ): Promise<BillingSessionResponse> {
    if (!this.stripe.configured) throw new AppError('unavailable', NOT_CONFIGURED);
    const current = await this.db.withTenant(org.id, (m) =>
      m.findOne(Entitlement, { where: { organizationId: org.id, addon, source: 'stripe' } }),
    );
    if (current && decideStripe(current, new Date(), this.config.billing.graceDays).active)
      throw new AppError(
        'conflict',
        'This organization already has a subscription for the add-on; manage it in the billing portal (POST .../billing/portal)',
      );
    const customer = await this.customerFor(org);
    const page = this.billingPage(org);
    const metadata = { organization_id: org.id, organization_slug: org.slug, addon };
    const url = await this.stripe.createCheckoutSession({
      mode: 'subscription',
      customer,
      line_items: [{ price: this.stripe.priceScanning!, quantity: 1 }],
      // Both carry the organization to the webhook: the session's own fields, and the
      // subscription's metadata for every later customer.subscription.* event.
      client_reference_id: org.id,
      metadata,
      subscription_data: { metadata },
      success_url: `${page}?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${page}?checkout=cancelled`,
    });
    await this.audit.record({
      organizationId: org.id,
      actor,
      action: 'billing.checkout_started',
      target: addon,
      details: { addon },
      requestId,
    });
    return { url };
  }

  async portal(org: OrgContext, actor: Principal, requestId?: string): Promise<BillingSessionResponse> {
    if (!this.stripe.configured) throw new AppError('unavailable', NOT_CONFIGURED);
    const customer = await this.customerFor(org);
    const url = await this.stripe.createPortalSession(customer, this.billingPage(org));
    await this.audit.record({
      organizationId: org.id,
      actor,
      action: 'billing.portal_opened',
      target: null,
      details: {},
      requestId,
    });
    return { url };
  }

  /**
   * The organization's Stripe customer, created on first use. The org lock makes concurrent first
   * checkouts wait for one another, and the idempotency key covers a retry after a lost answer.
   */
  private customerFor(org: OrgContext): Promise<string> {
    return this.db.withTenant(org.id, async (m) => {
      await lockOrgEntitlements(m, org.id);
      const known = await m.findOne(StripeCustomer, { where: { organizationId: org.id } });
      if (known) return known.customerId;
      const id = await this.stripe.createCustomer(org);
      await m.insert(StripeCustomer, { organizationId: org.id, customerId: id });
      return id;
    });
  }
}
