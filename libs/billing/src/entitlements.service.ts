import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type {
  Addon,
  AddonGrantRequest,
  AddonListResponse,
  AddonStatusResponse,
  EntitlementSource,
  PlatformAddonResponse,
} from '@drydock/contracts';
import { ADDONS } from '@drydock/contracts';
import { AuditService, principalLabel, type Principal } from '@drydock/identity';
import { AppConfig, AppError, LOGGER, TenantDb, type Logger } from '@drydock/platform';
import { Entitlement, PlatformSetting } from './entities.js';
import {
  decideAddon,
  toSourceStatus,
  type AddonDecision,
  type EntitlementFacts,
} from './entitlement-decision.js';
import { parseLicensePublicKey, verifyLicenseKey, type LicenseVerdict } from './license.js';
import { addonMessage, howToEnable } from './messages.js';

/** Serializes every entitlement change of one organization (webhooks, grants, licenses). */
export async function lockOrgEntitlements(m: EntityManager, organizationId: string): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`entitlements:${organizationId}`]);
}

const settingKey = (addon: Addon) => `addon.${addon}.enabled`;

/** A short fingerprint of a license key for audit details: the key itself never goes to logs or audit. */
function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * Who has which add-on. The scanning module asks `hasAddon` before it enqueues a scan and on every
 * result endpoint; the portal shows `status`. The decision itself is `decideAddon` (pure).
 */
@Injectable()
export class EntitlementsService implements OnModuleInit {
  private readonly publicKey: KeyObject | null;

  constructor(
    private readonly db: TenantDb,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.publicKey = config.billing.licensePublicKey
      ? parseLicensePublicKey(config.billing.licensePublicKey)
      : null;
  }

  onModuleInit(): void {
    const key = this.config.billing.licenseKey;
    if (!key) return;
    const v = verifyLicenseKey(key, this.publicKey, { addon: 'scanning', now: new Date() });
    if (v.ok)
      this.logger.info(
        { org: v.payload.org ?? '*', expiresAt: v.expiresAt },
        'installation license key accepted',
      );
    else
      this.logger.warn(
        { reason: v.reason },
        `installation license key (LICENSE_KEY) not accepted: ${v.message}`,
      );
  }

  /** True when the organization may use the add-on now (any active source, and the installation switch on). */
  async hasAddon(organizationId: string, addon: Addon = 'scanning'): Promise<boolean> {
    return (await this.decide(organizationId, addon)).decision.enabled;
  }

  /** Throws 402 `addon_required` with how to enable it, for endpoints the add-on gates. */
  async assertAddon(organizationId: string, addon: Addon = 'scanning'): Promise<void> {
    const { decision, slug } = await this.decide(organizationId, addon);
    if (decision.enabled) return;
    throw new AppError('addon_required', addonMessage(addon, decision.reason, slug, null), {
      addon,
      reason: decision.reason,
      howToEnable: howToEnable(addon, slug),
    });
  }

  async status(organizationId: string, addon: Addon = 'scanning'): Promise<AddonStatusResponse> {
    const { decision, slug } = await this.decide(organizationId, addon);
    return this.present(addon, decision, slug);
  }

  async list(organizationId: string): Promise<AddonListResponse> {
    return { items: await Promise.all(ADDONS.map((a) => this.status(organizationId, a))) };
  }

  // ---- the installation-wide switch ----

  async instanceEnabled(addon: Addon = 'scanning'): Promise<boolean> {
    return (await this.instanceSetting(addon)).enabled;
  }

  async instanceSetting(addon: Addon = 'scanning'): Promise<PlatformAddonResponse> {
    // Installation-wide settings belong to no tenant: system context by design.
    const row = await this.db.withSystem((m) =>
      m.findOne(PlatformSetting, { where: { key: settingKey(addon) } }),
    );
    return this.presentSetting(addon, row);
  }

  async setInstanceEnabled(
    addon: Addon,
    enabled: boolean,
    actor: Principal,
    requestId?: string,
  ): Promise<PlatformAddonResponse> {
    const row = await this.db.withSystem(async (m) => {
      await m.query(
        `INSERT INTO platform_settings (key, value, updated_by, updated_at) VALUES ($1, $2::jsonb, $3, now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [settingKey(addon), JSON.stringify(enabled), principalLabel(actor)],
      );
      await this.audit.record(
        {
          organizationId: null,
          actor,
          action: enabled ? 'platform.addon_enabled' : 'platform.addon_disabled',
          target: addon,
          details: { addon, enabled },
          requestId,
        },
        m,
      );
      return m.findOne(PlatformSetting, { where: { key: settingKey(addon) } });
    });
    return this.presentSetting(addon, row);
  }

  // ---- platform administration by slug (a platform admin need not be a member) ----

  async listBySlug(slug: string): Promise<AddonListResponse> {
    return this.list(await this.orgIdBySlug(slug));
  }

  async setGrantBySlug(
    slug: string,
    addon: Addon,
    grant: AddonGrantRequest,
    actor: Principal,
    requestId?: string,
  ): Promise<AddonStatusResponse> {
    return this.setGrant(await this.orgIdBySlug(slug), addon, grant, actor, requestId);
  }

  private async orgIdBySlug(slug: string): Promise<string> {
    // Platform administration resolves the tenant from the URL: system context by design.
    const rows: { id: string }[] = await this.db.withSystem((m) =>
      m.query(`SELECT id FROM organizations WHERE slug = $1`, [slug]),
    );
    if (!rows[0]) throw AppError.notFound('Organization');
    return rows[0].id;
  }

  // ---- grants and licenses ----

  async setGrant(
    organizationId: string,
    addon: Addon,
    grant: AddonGrantRequest,
    actor: Principal,
    requestId?: string,
  ): Promise<AddonStatusResponse> {
    const endsAt = grant.endsAt ? new Date(grant.endsAt) : null;
    if (grant.enabled && endsAt && endsAt <= new Date())
      throw AppError.validation([{ field: 'endsAt', message: 'must be in the future' }]);
    await this.db.withTenant(organizationId, async (m) => {
      await lockOrgEntitlements(m, organizationId);
      await this.upsert(m, organizationId, addon, 'grant', {
        status: grant.enabled ? 'active' : 'revoked',
        endsAt: grant.enabled ? endsAt : new Date(),
        details: { grantedBy: principalLabel(actor) },
      });
      await this.audit.record(
        {
          organizationId,
          actor,
          action: grant.enabled ? 'addon.granted' : 'addon.grant_revoked',
          target: addon,
          details: { addon, source: 'grant', endsAt: endsAt?.toISOString() ?? null },
          requestId,
        },
        m,
      );
    });
    return this.status(organizationId, addon);
  }

  /** Applies an offline license key to one organization (owner/admin); 422 says why a key is refused. */
  async applyLicense(
    organizationId: string,
    key: string,
    actor: Principal,
    requestId?: string,
  ): Promise<AddonStatusResponse> {
    const slug = await this.slugOf(organizationId);
    const addon: Addon = 'scanning';
    const v = verifyLicenseKey(key, this.publicKey, { addon, now: new Date(), orgSlug: slug });
    if (!v.ok) throw new AppError('unprocessable', v.message, { reason: v.reason });
    await this.db.withTenant(organizationId, async (m) => {
      await lockOrgEntitlements(m, organizationId);
      await this.upsert(m, organizationId, addon, 'license', {
        status: 'active',
        endsAt: v.expiresAt,
        licenseKey: key.trim(),
        details: {
          licenseId: v.payload.id ?? null,
          licensee: v.payload.licensee ?? null,
          org: v.payload.org ?? '*',
        },
      });
      await this.audit.record(
        {
          organizationId,
          actor,
          action: 'addon.license_applied',
          target: addon,
          details: {
            addon,
            source: 'license',
            expiresAt: v.expiresAt.toISOString(),
            licenseId: v.payload.id ?? null,
            fingerprint: fingerprint(key.trim()),
          },
          requestId,
        },
        m,
      );
    });
    return this.status(organizationId, addon);
  }

  async removeLicense(organizationId: string, actor: Principal, requestId?: string): Promise<void> {
    const addon: Addon = 'scanning';
    await this.db.withTenant(organizationId, async (m) => {
      await lockOrgEntitlements(m, organizationId);
      const res = await m.delete(Entitlement, { organizationId, addon, source: 'license' });
      if (!res.affected) throw AppError.notFound('License');
      await this.audit.record(
        {
          organizationId,
          actor,
          action: 'addon.license_removed',
          target: addon,
          details: { addon, source: 'license' },
          requestId,
        },
        m,
      );
    });
  }

  // ---- internals ----

  /** Inserts or updates the one row of (organization, add-on, source); the caller holds the org lock. */
  private async upsert(
    m: EntityManager,
    organizationId: string,
    addon: Addon,
    source: EntitlementSource,
    values: Partial<Entitlement>,
  ): Promise<void> {
    const existing = await m.findOne(Entitlement, { where: { organizationId, addon, source } });
    if (existing) await m.update(Entitlement, { id: existing.id }, values as never);
    else await m.insert(Entitlement, { organizationId, addon, source, ...values } as never);
  }

  private async slugOf(organizationId: string): Promise<string> {
    const rows: { slug: string }[] = await this.db.withTenant(organizationId, (m) =>
      m.query(`SELECT slug FROM organizations WHERE id = $1`, [organizationId]),
    );
    if (!rows[0]) throw AppError.notFound('Organization');
    return rows[0].slug;
  }

  private async decide(
    organizationId: string,
    addon: Addon,
  ): Promise<{ decision: AddonDecision; slug: string }> {
    const now = new Date();
    const { rows, slug, setting } = await this.db.withTenant(organizationId, async (m) => {
      const org: { slug: string }[] = await m.query(`SELECT slug FROM organizations WHERE id = $1`, [
        organizationId,
      ]);
      const rows = await m.find(Entitlement, { where: { organizationId, addon } });
      const setting = await m.findOne(PlatformSetting, { where: { key: settingKey(addon) } });
      return { rows, slug: org[0]?.slug, setting };
    });
    if (!slug) throw AppError.notFound('Organization');
    const facts: EntitlementFacts[] = rows.map((r) => ({
      source: r.source,
      status: r.status,
      periodEnd: r.periodEnd,
      endsAt: r.endsAt,
      pastDueSince: r.pastDueSince,
      updatedAt: r.updatedAt,
      // Re-verified on every decision, so a rotated public key or a lapsed key takes effect at once.
      license:
        r.source === 'license'
          ? verifyLicenseKey(r.licenseKey ?? '', this.publicKey, { addon, now, orgSlug: slug })
          : undefined,
    }));
    const installKey = this.config.billing.licenseKey;
    const installLicense: LicenseVerdict | null = installKey
      ? verifyLicenseKey(installKey, this.publicKey, { addon, now, orgSlug: slug })
      : null;
    const decision = decideAddon(facts, {
      now,
      graceDays: this.config.billing.graceDays,
      instanceEnabled: this.presentSetting(addon, setting).enabled,
      installLicense,
    });
    return { decision, slug };
  }

  private present(addon: Addon, d: AddonDecision, slug: string): AddonStatusResponse {
    return {
      addon,
      enabled: d.enabled,
      reason: d.reason,
      message: addonMessage(addon, d.reason, slug, d.endsAt),
      endsAt: d.endsAt?.toISOString() ?? null,
      instanceEnabled: d.instanceEnabled,
      billingConfigured: !!this.config.billing.stripeSecretKey && !!this.config.billing.stripePriceScanning,
      sources: d.sources.map(toSourceStatus),
    };
  }

  private presentSetting(addon: Addon, row: PlatformSetting | null): PlatformAddonResponse {
    const fallback = this.config.scanning.enabled;
    return {
      addon,
      enabled: typeof row?.value === 'boolean' ? row.value : fallback,
      default: fallback,
      updatedAt: row?.updatedAt.toISOString() ?? null,
    };
  }
}
