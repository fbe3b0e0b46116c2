import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  AddonGrantRequest,
  ApplyLicenseRequest,
  Permission,
  PlatformAddonRequest,
  type AddonListResponse,
  type AddonStatusResponse,
  type PlatformAddonResponse,
} from '@drydock/contracts';
import { EntitlementsService } from '@drydock/billing';
import {
  Access,
  CurrentOrg,
  CurrentPrincipal,
  RequestId,
  type OrgContext,
  type Principal,
} from '@drydock/identity';
import { ApiBodySchema } from '../openapi/zod-openapi.js';

@ApiTags('addons')
@Controller('orgs/:org/addons')
export class AddonsController {
  constructor(private readonly entitlements: EntitlementsService) {}

  @Get()
  @Access.org(Permission.AddonsRead)
  list(@CurrentOrg() org: OrgContext): Promise<AddonListResponse> {
    return this.entitlements.list(org.id);
  }

  @Get('scanning')
  @Access.org(Permission.AddonsRead)
  scanning(@CurrentOrg() org: OrgContext): Promise<AddonStatusResponse> {
    return this.entitlements.status(org.id, 'scanning');
  }

  @Put('license')
  @Access.org(Permission.BillingManage)
  @ApiBodySchema(ApplyLicenseRequest)
  applyLicense(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @Body({ schema: ApplyLicenseRequest }) b: ApplyLicenseRequest,
    @RequestId() rid?: string,
  ): Promise<AddonStatusResponse> {
    return this.entitlements.applyLicense(org.id, b.key, p, rid);
  }

  @Delete('license')
  @HttpCode(204)
  @Access.org(Permission.BillingManage)
  removeLicense(
    @CurrentOrg() org: OrgContext,
    @CurrentPrincipal() p: Principal,
    @RequestId() rid?: string,
  ): Promise<void> {
    return this.entitlements.removeLicense(org.id, p, rid);
  }
}

/**
 * Platform administration of add-ons. The organization parameter is named `slug`, not `org`: these
 * routes are not organization-scoped (a platform admin need not be a member), so they stay out of the
 * cross-tenant table, which covers every `{org}` path.
 */
@ApiTags('admin')
@Controller('admin')
export class AdminAddonsController {
  constructor(private readonly entitlements: EntitlementsService) {}

  @Get('addons/scanning')
  @Access.platformAdmin()
  instance(): Promise<PlatformAddonResponse> {
    return this.entitlements.instanceSetting('scanning');
  }

  @Put('addons/scanning')
  @Access.platformAdmin()
  @ApiBodySchema(PlatformAddonRequest)
  setInstance(
    @CurrentPrincipal() p: Principal,
    @Body({ schema: PlatformAddonRequest }) b: PlatformAddonRequest,
    @RequestId() rid?: string,
  ): Promise<PlatformAddonResponse> {
    return this.entitlements.setInstanceEnabled('scanning', b.enabled, p, rid);
  }

  @Get('orgs/:slug/addons')
  @Access.platformAdmin()
  orgAddons(@Param('slug') slug: string): Promise<AddonListResponse> {
    return this.entitlements.listBySlug(slug);
  }

  @Put('orgs/:slug/addons/scanning')
  @Access.platformAdmin()
  @ApiBodySchema(AddonGrantRequest)
  grant(
    @Param('slug') slug: string,
    @CurrentPrincipal() p: Principal,
    @Body({ schema: AddonGrantRequest }) b: AddonGrantRequest,
    @RequestId() rid?: string,
  ): Promise<AddonStatusResponse> {
    return this.entitlements.setGrantBySlug(slug, 'scanning', b, p, rid);
  }
}
