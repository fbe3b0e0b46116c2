import { Global, Module } from '@nestjs/common';
import { BillingService } from './billing.service.js';
import { EntitlementsService } from './entitlements.service.js';
import { StripeWebhooksService } from './stripe/stripe-webhooks.service.js';
import { StripeGateway } from './stripe/stripe.gateway.js';

/**
 * Add-on entitlements, Stripe and license keys. Global: the scanning module (API and worker) asks
 * EntitlementsService before it enqueues or shows scans. Uses the global platform and identity
 * providers (TenantDb, AppConfig, AuditService).
 */
@Global()
@Module({
  providers: [EntitlementsService, BillingService, StripeGateway, StripeWebhooksService],
  exports: [EntitlementsService, BillingService, StripeWebhooksService],
})
export class BillingModule {}
