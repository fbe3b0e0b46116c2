import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CheckoutRequest, Permission, type BillingSessionResponse } from '@drydock/contracts';
import { BillingService, StripeWebhooksService, type WebhookResult } from '@drydock/billing';
import {
  Access,
  CurrentOrg,
  CurrentPrincipal,
  RequestId,
  type OrgContext,
  type Principal,
} from '@drydock/identity';
import { ApiBodySchema } from '../openapi/zod-openapi.js';

const SESSION = {
  schema: { type: 'object', properties: { url: { type: 'string', format: 'uri' } }, required: ['url'] },
} as const;

@ApiTags('billing')
@Controller()
export class BillingController {
  constructor(
    private readonly billing: BillingService,
    private readonly webhooks: StripeWebhooksService,
  ) {}

  @Post('orgs/:org/billing/checkout')
  @Access.org(Permission.BillingManage)
  @ApiBodySchema(CheckoutRequest)
  @ApiCreatedResponse({
    description: 'A Stripe Checkout Session (subscription mode) to redirect to',
    ...SESSION,
  })
  checkout(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Body({ schema: CheckoutRequest }) b: CheckoutRequest,
    @RequestId() rid?: string,
  ): Promise<BillingSessionResponse> {
    return this.billing.checkout(org, p, b.addon, rid);
  }

  @Post('orgs/:org/billing/portal')
  @Access.org(Permission.BillingManage)
  @ApiCreatedResponse({ description: 'A Stripe Billing Portal session to redirect to', ...SESSION })
  portal(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @RequestId() rid?: string,
  ): Promise<BillingSessionResponse> {
    return this.billing.portal(org, p, rid);
  }

  /** Stripe → Drydock. The body stays raw bytes (see http-app.ts): the signature covers them exactly. */
  @Post('billing/stripe/webhook')
  @HttpCode(200)
  @Access.public()
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: 'Stripe’s webhook signature' })
  @ApiBody({ description: 'A Stripe Event object, as sent by Stripe', schema: { type: 'object' } })
  @ApiOkResponse({ description: 'Processed, or a duplicate of an event already processed' })
  webhook(
    @Req() req: Request,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<WebhookResult> {
    return this.webhooks.handle(req.body, signature);
  }
}
