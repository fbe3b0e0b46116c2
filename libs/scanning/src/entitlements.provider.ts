import type { Provider } from '@nestjs/common';
import { EntitlementsService } from '@drydock/billing';
import { SCANNING_ENTITLEMENTS } from './entitlements.js';

/** The add-on check is billing's (Stripe, platform grants, license keys; BillingModule is global). */
export const entitlementsProvider: Provider = {
  provide: SCANNING_ENTITLEMENTS,
  useExisting: EntitlementsService,
};
