import type { SchemaParts } from '@drydock/platform';
import { billingEntities } from './entities.js';
import { Billing1764633600600 } from './migrations/1764633600600-Billing.js';

export * from './billing.module.js';
export * from './billing.service.js';
export * from './entitlement-decision.js';
export { EntitlementsService } from './entitlements.service.js';
export * from './license.js';
export { StripeWebhooksService, type WebhookResult } from './stripe/stripe-webhooks.service.js';

/** Where Stripe posts events; the HTTP app gives this path the raw body instead of parsed JSON. */
export const STRIPE_WEBHOOK_PATH = '/api/v1/billing/stripe/webhook';

export const billingSchema: SchemaParts = {
  entities: billingEntities,
  migrations: [Billing1764633600600],
};
