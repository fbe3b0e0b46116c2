/**
 * The portal in a real browser against a started Drydock: Debian's Chromium driven by
 * playwright-core (e2e/support/browser.ts), the built portal served by the API itself, nothing
 * mocked. Each step writes a screenshot to test-artifacts/portal/ and main pages get an axe-core
 * check (no serious or critical violations). Needs `npm run build:portal` and /usr/bin/chromium;
 * without them the suite says why and registers nothing else.
 *
 * The add-on is enabled the way a paying customer enables it: a Checkout Session on the Stripe
 * stand-in (e2e/support/stripe-server.ts), then its signed webhooks. Vulnerability data is loaded
 * through the platform-admin offline import (an OSV Debian advisory and its NVD record), and the
 * boot-time NVD sync talks to the NVD stand-in (e2e/support/nvd-server.ts), never to the internet.
 * When ../shared is there (CI always has it), a fixture image of ../shared/fixtures is pushed as
 * well and its scan against ../shared/vulndata's real records is checked in the UI.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { IdentityService } from '@drydock/identity';
import { VulndbService } from '@drydock/vulndb';
import { ApiClient } from '../test/support/http.js';
import { startTestApp, type TestApp } from '../test/support/test-app.js';
import { gzipSync } from 'node:zlib';
import { blobOf, sha256, tarOf, type TestImage } from '../libs/registry/src/testing/oci-test-client.js';
import {
  PHONE,
  chromiumAvailable,
  describeViolations,
  launchPortalBrowser,
  screenshot,
  seriousA11yViolations,
  type PortalBrowser,
} from './support/browser.js';
import { startNvdServer, type NvdCveJson, type NvdServer } from './support/nvd-server.js';
import { StripeServer, deliverStripeEvent } from './support/stripe-server.js';

const PORTAL_DIR = resolve(process.cwd(), 'dist', 'portal', 'browser');
const SHARED = resolve(process.cwd(), '..', 'shared');
const FIXTURES = join(SHARED, 'fixtures', 'images');
const VULNDATA = join(SHARED, 'vulndata');
const hasShared =
  existsSync(join(FIXTURES, 'bookworm-app.tar')) && existsSync(join(VULNDATA, 'expected-public.flat.json'));
/** The steps that need ../shared; without it they are reported as skipped. */
const itShared = hasShared ? it : it.skip;
interface FlatExpectations {
  images: Record<string, { mustReport: { component: string; version: string; ids: string[] }[] }>;
}
const flat: FlatExpectations = hasShared
  ? (JSON.parse(readFileSync(join(VULNDATA, 'expected-public.flat.json'), 'utf8')) as FlatExpectations)
  : { images: {} };
const portalBuilt = existsSync(join(PORTAL_DIR, 'index.html'));
const STEP = 90_000;

const STRIPE_SECRET_KEY = 'sk_test_portal_e2e';
const STRIPE_WEBHOOK_SECRET = 'whsec_portal_e2e';
const STRIPE_PRICE = 'price_scanning_e2e';
// The test image installs openssl 3.0.11-1~deb12u1 (source package openssl); the advisory's fix is newer.
const CVE = 'CVE-2026-1111';

function nvdCve(id: string, score: number, severity: string): NvdCveJson {
  return {
    id,
    sourceIdentifier: 'cve@mitre.org',
    published: '2026-01-01T00:00:00.000',
    lastModified: '2026-01-02T00:00:00.000',
    vulnStatus: 'Analyzed',
    descriptions: [{ lang: 'en', value: `Description of ${id}` }],
    metrics: {
      cvssMetricV31: [
        {
          source: 'nvd@nist.gov',
          type: 'Primary',
          cvssData: {
            version: '3.1',
            vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
            baseScore: score,
            baseSeverity: severity,
          },
        },
      ],
    },
    references: [],
  };
}

/** One NVD CVE API 2.0 page, as an offline feed file holds it. */
function nvdPage(cves: NvdCveJson[]): Record<string, unknown> {
  return {
    resultsPerPage: cves.length,
    startIndex: 0,
    totalResults: cves.length,
    format: 'NVD_CVE',
    version: '2.0',
    timestamp: '2026-09-01T00:00:00.000',
    vulnerabilities: cves.map((cve) => ({ cve })),
  };
}

/** A Debian security advisory in OSV form: the SOURCE package, fixed in a later Debian revision. */
function debianAdvisory(cve: string, source: string, fixed: string): Record<string, unknown> {
  return {
    schema_version: '1.7.0',
    id: `DEBIAN-${cve}`,
    modified: '2026-01-01T00:00:00Z',
    published: '2026-01-01T00:00:00Z',
    aliases: [],
    upstream: [cve],
    summary: `${source} issue ${cve}`,
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: source },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
      },
    ],
    references: [],
  };
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  const serious = await seriousA11yViolations(page);
  expect({ page: what, violations: describeViolations(serious) }).toEqual({ page: what, violations: '' });
}

/**
 * No horizontal scrolling at phone width: the layout reflows instead. The document is what scrolls
 * (shell.scss), so its scroll width is the page's; on failure the elements sticking out are named.
 */
async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client, wide } = await page.evaluate<{ scroll: number; client: number; wide: string[] }>(
    `(() => {
      const client = document.documentElement.clientWidth;
      const out = (el) => el.getClientRects().length > 0 && el.getBoundingClientRect().right > client + 1;
      // The outermost elements that stick out: their parent still fits.
      const wide = [...document.querySelectorAll('body *')]
        .filter((el) => out(el) && !(el.parentElement && out(el.parentElement)))
        .slice(0, 5)
        .map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
      return { scroll: document.documentElement.scrollWidth, client, wide };
    })()`,
  );
  expect({ scroll: scroll <= client + 1 ? 'fits' : scroll, wide: scroll <= client + 1 ? [] : wide }).toEqual({
    scroll: 'fits',
    wide: [],
  });
}

/**
 * A small Debian-like image whose second layer installs a package (an os-release file, then a dpkg
 * status), with correct diff_ids and a history, so the scanner has something to attribute.
 */
function debianImage(seed: string): TestImage {
  const files: [string, string, string][] = [
    [
      'etc/os-release',
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
      `ADD rootfs-${seed}.tar /`,
    ],
    [
      'var/lib/dpkg/status',
      'Package: openssl\nStatus: install ok installed\nVersion: 3.0.11-1~deb12u1\nArchitecture: amd64\n' +
        'Source: openssl\nDescription: Secure Sockets Layer toolkit\n\n',
      '/bin/sh -c apt-get install -y openssl # buildkit',
    ],
  ];
  const tars = files.map(([name, content]) => tarOf(name, Buffer.from(content)));
  const layers = tars.map((t) => blobOf(gzipSync(t)));
  const config = blobOf(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Env: [`SEED=${seed}`] },
        rootfs: { type: 'layers', diff_ids: tars.map((t) => sha256(t)) },
        history: files.map(([, , createdBy]) => ({ created_by: createdBy })),
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    }),
  );
  return {
    config,
    layers,
    manifest,
    digest: sha256(manifest),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
  };
}

if (!chromiumAvailable() || !portalBuilt) {
  describe('portal in Chromium', () => {
    it('needs /usr/bin/chromium and a built portal', () => {
      console.warn(
        `portal e2e not run: ${!chromiumAvailable() ? 'chromium is not installed (apt-get install chromium)' : ''}` +
          `${!portalBuilt ? ' the portal is not built (npm run build:portal)' : ''}`,
      );
    });
  });
} else {
  describe('portal in Chromium', () => {
    let t: TestApp;
    let b: PortalBrowser;
    let page: Page;
    const n = Date.now().toString(36);
    const owner = {
      organization: `portal${n}`,
      email: `owner-${n}@example.test`,
      password: 'owner-password-long',
    };
    const viewer = { email: `viewer-${n}@example.test`, password: 'viewer-password-long' };
    const admin = { email: `admin-${n}@example.test`, password: 'admin-password-long' };
    let saToken = '';
    let inviteUrl = '';
    let api: ApiClient;
    let stripe: StripeServer;
    let nvd: NvdServer;
    const critical = nvdCve(CVE, 9.8, 'CRITICAL');
    const webhooks: { type: string; status: number }[] = [];

    beforeAll(async () => {
      stripe = await new StripeServer({
        secretKey: STRIPE_SECRET_KEY,
        prices: [STRIPE_PRICE],
        // What Stripe does after a payment: signed events to the endpoint configured for Drydock.
        onCheckoutCompleted: async (events) => {
          for (const event of events) {
            const r = await deliverStripeEvent(
              `${t.url}/api/v1/billing/stripe/webhook`,
              event,
              STRIPE_WEBHOOK_SECRET,
            );
            webhooks.push({ type: event.type, status: r.status });
          }
        },
      }).start();
      nvd = await startNvdServer({ records: [critical], rateLimit: null });
      t = await startTestApp({
        env: {
          PORTAL_DIR,
          STRIPE_SECRET_KEY,
          STRIPE_WEBHOOK_SECRET,
          STRIPE_PRICE_SCANNING: STRIPE_PRICE,
          STRIPE_API_URL: stripe.url,
          NVD_URL: nvd.apiUrl,
        },
        worker: true,
      });
      await t.app.get(IdentityService).ensurePlatformAdmin(admin.email, admin.password);
      api = new ApiClient(t.url);
      b = await launchPortalBrowser(t.url);
      page = b.page;
    }, STEP);

    afterAll(async () => {
      await b?.close();
      await t?.close();
      await stripe?.stop();
      await nvd?.close();
    });

    it(
      'lands on the sign-in page',
      async () => {
        await page.goto('/');
        await page.waitForURL('**/sign-in');
        await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
        await screenshot(page, 'sign-in');
        await expectAccessible(page, 'sign-in');
      },
      STEP,
    );

    it(
      'shows the API validation on the sign-up fields, then signs up',
      async () => {
        await page.getByRole('link', { name: 'Create an organization' }).click();
        await page.waitForURL('**/sign-up');
        await expectAccessible(page, 'sign-up');
        // Client-side rules come from @drydock/contracts, so they are the API's own messages.
        await page.getByLabel('Organization').fill('admin');
        await page.getByLabel('Email').fill(owner.email);
        await page.getByLabel('Password').fill('short');
        await page.getByRole('button', { name: 'Create organization' }).click();
        await page.getByText('is a reserved word').waitFor();
        await page.getByText('must be at least 12 characters').waitFor();
        await screenshot(page, 'sign-up-validation');

        await page.getByLabel('Organization').fill(owner.organization);
        await page.getByLabel('Password').fill(owner.password);
        await page.getByRole('button', { name: 'Create organization' }).click();
        await page.waitForURL(`**/orgs/${owner.organization}/repositories`);
        await page.getByTestId('repos-empty').waitFor();
        // The empty state shows this instance's push commands.
        await page.getByText(`docker login ${new URL(t.url).host}`).waitFor();
        await screenshot(page, 'repositories-empty');
        await expectAccessible(page, 'repositories');
      },
      STEP,
    );

    it(
      'signs out and in again and sees the organization',
      async () => {
        await page.getByTestId('account-menu').click();
        await page.getByTestId('sign-out').click();
        await page.waitForURL('**/sign-in');
        await page.getByLabel('Email').fill(owner.email);
        await page.getByLabel('Password').fill('wrong-password-123');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByText('The email or password is not correct.').waitFor();
        await page.getByLabel('Password').fill(owner.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(`**/orgs/${owner.organization}/repositories`);
        await expect(page.getByTestId('org-switcher').textContent()).resolves.toContain(owner.organization);
        await screenshot(page, 'signed-in');
      },
      STEP,
    );

    it(
      'creates a service account and a token in the UI',
      async () => {
        await page.getByRole('link', { name: 'Service accounts' }).click();
        await page.waitForURL('**/service-accounts');
        await page.getByTestId('sa-name').fill('ci');
        await page.getByTestId('sa-target').fill(`${owner.organization}/`);
        await page.getByTestId('create-sa').click();
        await page.waitForURL(/\/service-accounts\/[^/]+$/);
        await page.getByTestId('token-name').fill('push from CI');
        await page.getByTestId('create-token').click();
        const token = (await page.getByTestId('token-value').textContent())?.trim() ?? '';
        expect(token).toMatch(/^ddk_/);
        saToken = token;
        await screenshot(page, 'service-account-token');
        await expectAccessible(page, 'service account');
        // The secret is shown once: after a reload the list has the token but not its value.
        await page.reload();
        await page.getByRole('cell', { name: 'push from CI', exact: true }).waitFor();
        await expect(page.getByTestId('token-value').count()).resolves.toBe(0);

        // The list of service accounts, with the new one in it.
        await page.goto(`/orgs/${owner.organization}/service-accounts`);
        await page.getByRole('link', { name: 'ci', exact: true }).waitFor();
        await screenshot(page, 'service-accounts');
        await expectAccessible(page, 'service accounts');
      },
      STEP,
    );

    it(
      'shows a pushed image with its shield, digest and details',
      async () => {
        const image = debianImage(`portal-${n}`);
        const layout = mkdtempSync(join(tmpdir(), 'drydock-portal-layout-'));
        try {
          mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
          writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
          for (const b of [image.config, ...image.layers]) {
            writeFileSync(join(layout, 'blobs', 'sha256', b.digest.slice(7)), b.bytes);
          }
          writeFileSync(join(layout, 'blobs', 'sha256', image.digest.slice(7)), image.manifest);
          writeFileSync(
            join(layout, 'index.json'),
            JSON.stringify({
              schemaVersion: 2,
              manifests: [
                {
                  mediaType: image.mediaType,
                  digest: image.digest,
                  size: image.manifest.length,
                  annotations: { 'org.opencontainers.image.ref.name': 'v1' },
                },
              ],
            }),
          );
          await pushAsCi(`oci:${layout}:v1`, 'web:v1');
        } finally {
          rmSync(layout, { recursive: true, force: true });
        }

        await page.goto(`/orgs/${owner.organization}/repositories`);
        await page
          .getByTestId('repo-link')
          .filter({ hasText: `${owner.organization}/web` })
          .waitFor();
        await screenshot(page, 'repositories');
        await expectAccessible(page, 'repositories with rows');
        await page
          .getByTestId('repo-link')
          .filter({ hasText: `${owner.organization}/web` })
          .click();
        await page.waitForURL(`**/repositories/web`);
        await page.getByTestId('tag-name').filter({ hasText: 'v1' }).waitFor();
        await expect(page.getByTestId('shield').first().getAttribute('data-color')).resolves.toBeTruthy();
        await page.getByText(image.digest.slice(0, 19)).waitFor();
        await screenshot(page, 'images-tab');
        await expectAccessible(page, 'images tab');

        // Settings: the owner is admin on the repository and sees every section.
        await page.getByRole('tab', { name: 'Settings' }).click();
        await page.waitForURL('**/repositories/web/settings');
        await page.getByRole('heading', { name: 'Team permissions' }).waitFor();
        await page.getByRole('heading', { name: 'Delete repository' }).waitFor();
        await screenshot(page, 'repository-settings');
        await expectAccessible(page, 'repository settings');
        await page.getByRole('tab', { name: 'Images' }).click();
        await page.getByTestId('tag-details').first().waitFor();

        await page.getByTestId('tag-details').first().click();
        await page.waitForURL('**/tags/v1');
        await page.getByTestId('tag-title').waitFor();
        await page
          .getByTestId('tag-digest')
          .filter({ hasText: image.digest.slice(0, 19) })
          .waitFor();
        // The platform from the image config (`GET …/tags/{tag}` reads it for a single-platform image).
        await page.getByTestId('tag-platform').filter({ hasText: 'linux/amd64' }).waitFor();
        // The owner has write access: the Scan button is there (enabled only with the add-on).
        await page.getByTestId('scan-button').waitFor();
        await screenshot(page, 'tag-details');
        await expectAccessible(page, 'tag details');
      },
      STEP,
    );

    it(
      'invites a member who joins, gets read-only access through a team, and sees no Scan button',
      async () => {
        await page.goto(`/orgs/${owner.organization}/members`);
        await page.getByLabel('Email').fill(viewer.email);
        await page.getByRole('button', { name: 'Send invitation' }).click();
        await page.getByTestId('invitation').waitFor();
        inviteUrl = (await page.getByTestId('invitation').locator('code').textContent())?.trim() ?? '';
        expect(inviteUrl).toContain('/invitations/');
        await screenshot(page, 'members-invitation');
        await expectAccessible(page, 'members');

        const other = await launchPortalBrowser(t.url);
        try {
          await other.page.goto(inviteUrl);
          await other.page.getByRole('heading', { name: 'Join the organization' }).waitFor();
          await screenshot(other.page, 'invitation');
          await expectAccessible(other.page, 'invitation');
          await other.page.getByLabel('Email (the invited address)').fill(viewer.email);
          await other.page.getByLabel('Password').fill(viewer.password);
          await other.page.getByRole('button', { name: 'Create account and join' }).click();
          await other.page.waitForURL(`**/orgs/${owner.organization}/repositories`);
        } finally {
          await other.close();
        }

        // A team with read-only access on the whole organization, the new member in it.
        await page.goto(`/orgs/${owner.organization}/teams`);
        await page.getByLabel('Team name').fill('viewers');
        await page.getByRole('button', { name: 'Create team' }).click();
        await page.waitForURL(/\/teams\/[^/]+$/);
        await page.getByRole('combobox', { name: 'Add a member' }).click();
        await page.getByRole('option', { name: viewer.email }).click();
        await page.getByRole('button', { name: 'Add', exact: true }).click();
        await page.getByRole('cell', { name: viewer.email }).waitFor();
        await page.getByLabel('Repository or namespace prefix').fill(`${owner.organization}/`);
        await page.getByRole('button', { name: 'Grant', exact: true }).click();
        await page
          .getByRole('cell', { name: `${owner.organization}/` })
          .first()
          .waitFor();
        await screenshot(page, 'team');
        await expectAccessible(page, 'team');
        await page.getByRole('link', { name: 'All teams' }).click();
        await page.getByRole('link', { name: 'viewers', exact: true }).waitFor();
        await screenshot(page, 'teams');
        await expectAccessible(page, 'teams');

        const ro = await launchPortalBrowser(t.url);
        try {
          await ro.page.goto('/sign-in');
          await ro.page.getByLabel('Email').fill(viewer.email);
          await ro.page.getByLabel('Password').fill(viewer.password);
          await ro.page.getByRole('button', { name: 'Sign in' }).click();
          await ro.page.waitForURL('**/repositories');
          await ro.page.goto(`/orgs/${owner.organization}/repositories/web/tags/v1`);
          await ro.page.getByTestId('scan-hint').waitFor();
          await expect(ro.page.getByTestId('scan-button').count()).resolves.toBe(0);
          await expect(ro.page.getByTestId('scan-hint').textContent()).resolves.toContain('write access');
          // Member: no admin pages in the navigation.
          await expect(ro.page.getByRole('link', { name: 'Service accounts' }).count()).resolves.toBe(0);
          await screenshot(ro.page, 'read-only-tag-details');
          expect(ro.pageErrors).toEqual([]);
        } finally {
          await ro.close();
        }
      },
      STEP * 2,
    );

    it(
      'loads vulnerability data through the platform-admin offline import',
      async () => {
        const form = new FormData();
        form.append('files', new Blob([JSON.stringify(nvdPage([critical]))]), 'nvd-page-1.json');
        form.append(
          'files',
          new Blob([JSON.stringify(debianAdvisory(CVE, 'openssl', '3.0.11-1~deb12u2'))]),
          `DEBIAN-${CVE}.json`,
        );
        const res = await fetch(`${t.url}/api/v1/admin/vulndb/import`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await login(admin.email, admin.password)}` },
          body: form,
        });
        expect(res.status).toBe(201);
        await expect(res.json()).resolves.toMatchObject({ nvd: 1, osv: 1, skipped: [] });
      },
      STEP,
    );

    it(
      'enables the add-on through Stripe Checkout and its signed webhook',
      async () => {
        // Without the add-on the tag page says so and the Scan button is disabled.
        await page.goto(`/orgs/${owner.organization}/repositories/web/tags/v1`);
        await page.getByTestId('not-licensed').waitFor();
        await expect(page.getByTestId('scan-button').isDisabled()).resolves.toBe(true);
        await screenshot(page, 'scan-not-licensed');

        await page.goto(`/orgs/${owner.organization}/billing`);
        await page.getByTestId('enable-scanning').waitFor();
        await screenshot(page, 'billing-not-enabled');
        // The button sends the browser to the Checkout page of the Stripe stand-in; paying there
        // completes the session, the stand-in's hook delivers Stripe's signed webhooks to Drydock,
        // and the browser returns to the success_url Drydock gave Stripe.
        await page.getByTestId('enable-scanning').click();
        await page.waitForURL(`${stripe.url}/checkout/**`);
        await screenshot(page, 'stripe-checkout');
        await page.getByRole('button', { name: 'Subscribe' }).click();
        await page.waitForURL(`**/orgs/${owner.organization}/billing?checkout=success*`);
        await page.getByTestId('checkout-result').filter({ hasText: 'scanning is enabled' }).waitFor();
        expect(webhooks).toEqual([
          { type: 'checkout.session.completed', status: 200 },
          { type: 'customer.subscription.created', status: 200 },
        ]);
        await page.getByTestId('addon-status').filter({ hasText: 'Enabled' }).waitFor();
        await expect(page.getByTestId('enable-scanning').count()).resolves.toBe(0);
        await screenshot(page, 'billing-enabled');
        await expectAccessible(page, 'billing');

        // "Manage billing" opens the Billing Portal, which links back to the same page.
        await page.getByRole('button', { name: 'Manage billing' }).click();
        await page.waitForURL(`${stripe.url}/p/session/**`);
        await page.getByRole('link', { name: 'Return to Drydock' }).click();
        await page.waitForURL(`**/orgs/${owner.organization}/billing`);
        await page.getByTestId('addon-status').filter({ hasText: 'Enabled' }).waitFor();
      },
      STEP,
    );

    it(
      'scans on demand, the progress bar completes, and the results show the vulnerability',
      async () => {
        await page.goto(`/orgs/${owner.organization}/repositories/web/tags/v1`);
        // Every state the progress area shows is recorded in the page, however briefly it is there.
        await page.getByTestId('scan-button').waitFor();
        await page.evaluate(`(() => {
          window.__progress = [];
          const record = () => {
            const el = document.querySelector('[data-testid="scan-progress"]');
            const text = el ? el.textContent.trim() : null;
            if (text && window.__progress[window.__progress.length - 1] !== text) window.__progress.push(text);
          };
          new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
        })()`);
        await page.getByTestId('scan-button').click();
        // The bar appears while queued/scanning and goes when the scan completes, without a reload.
        await page
          .getByTestId('scan-progress')
          .waitFor({ timeout: 10_000 })
          .then(() => screenshot(page, 'scan-progress'))
          .catch(() => undefined);
        await page.getByTestId('severity-summary').waitFor({ timeout: 60_000 });
        await expect(page.getByTestId('scan-progress').count()).resolves.toBe(0);
        const seen = await page.evaluate<string[]>('window.__progress');
        expect(seen.length).toBeGreaterThan(0);
        expect(seen[0]).toMatch(/^(Queued|Scanning):/);
        await page.getByTestId('db-version').waitFor();
        await screenshot(page, 'scan-completed');
        await expectAccessible(page, 'tag details with results');

        await page.getByRole('tab', { name: 'Layers' }).click();
        await page.getByTestId('layer').first().waitFor();
        await expect(page.getByTestId('layer').count()).resolves.toBe(2);
        // The layer that installed the package is selected and shows it.
        await page.getByTestId('layer').filter({ hasText: 'apt-get install -y openssl' }).click();
        await page.getByTestId('layer-detail').getByText('openssl').first().waitFor();
        await screenshot(page, 'layers-view');
        await expectAccessible(page, 'layers view');

        // Components: the vulnerable one first, expanded to its CVE with the NVD link.
        await page.getByRole('tab', { name: 'Components' }).click();
        await page.getByTestId('component-search').waitFor();
        const first = page.getByTestId('component').first();
        await expect(first.getByTestId('component-name').textContent()).resolves.toContain('openssl');
        await expect(first.getByTestId('shield').getAttribute('data-count')).resolves.toBe('1');
        if ((await first.getByTestId('vuln-link').count()) === 0)
          await first.getByTestId('component-name').click();
        const link = first.getByTestId('vuln-link').first();
        await link.waitFor();
        await expect(link.textContent()).resolves.toContain(CVE);
        await expect(link.getAttribute('href')).resolves.toBe(`https://nvd.nist.gov/vuln/detail/${CVE}`);
        await screenshot(page, 'components-view');
        await expectAccessible(page, 'components view');

        // The Images tab: a red shield (critical) with the count.
        await page.goto(`/orgs/${owner.organization}/repositories/web`);
        await page.getByTestId('tag-name').filter({ hasText: 'v1' }).waitFor();
        const shield = page.getByTestId('shield').first();
        await page.locator('[data-testid="shield"][data-color="red"]').first().waitFor();
        await expect(shield.getAttribute('data-color')).resolves.toBe('red');
        await expect(shield.getAttribute('data-count')).resolves.toBe('1');
        await expect(shield.textContent()).resolves.toContain('1');
        await screenshot(page, 'images-tab-red-shield');

        // The repository list: the worst shield over the tags, and when it was last pushed.
        await page.goto(`/orgs/${owner.organization}/repositories`);
        const row = page.getByRole('row').filter({ hasText: `${owner.organization}/web` });
        await row.locator('[data-testid="shield"][data-color="red"]').waitFor();
        await expect(row.getByTestId('shield').getAttribute('data-count')).resolves.toBe('1');
        await expect(row.textContent()).resolves.not.toContain('never');
        await screenshot(page, 'repositories-red-shield');
      },
      STEP * 2,
    );

    it(
      'shows the audit log, the access tokens and the profile',
      async () => {
        await page.goto(`/orgs/${owner.organization}/audit`);
        await page.getByRole('table', { name: 'Audit events' }).getByRole('row').nth(1).waitFor();
        await screenshot(page, 'audit-log');
        await expectAccessible(page, 'audit log');

        await page.getByTestId('account-menu').click();
        await page.getByRole('menuitem', { name: 'Access tokens' }).click();
        await page.waitForURL('**/me/tokens');
        await page.getByTestId('token-name').waitFor();
        await screenshot(page, 'me-tokens');
        await expectAccessible(page, 'personal access tokens');

        await page.getByTestId('account-menu').click();
        await page.getByRole('menuitem', { name: 'Profile' }).click();
        await page.waitForURL('**/me/profile');
        await page.getByText(owner.email, { exact: true }).last().waitFor();
        await screenshot(page, 'profile');
        await expectAccessible(page, 'profile');
      },
      STEP,
    );

    // The acceptance path (issue 7's "push a fixture image"): a real image of ../shared/fixtures,
    // pushed by skopeo with the token made in the UI, scanned on push against the real vulnerability
    // records of ../shared/vulndata. Registered only when ../shared is there (CI always has it).
    itShared(
      'pushes a ../shared fixture with the service-account token and shows its real findings',
      async () => {
        const vulndb = t.app.get(VulndbService);
        for (const dir of ['nvd/base', 'osv/ghsa', 'osv/debian'])
          await vulndb.importPath(join(VULNDATA, dir));
        await pushAsCi(`oci-archive:${join(FIXTURES, 'bookworm-app.tar')}`, 'fixture:bookworm');

        // Scanned on push (the add-on is on, the repository's mode defaults to on_push); the Images
        // tab's shield turns from grey to the result without a reload of the data by the test.
        const ownerApi = api.as(await login(owner.email, owner.password));
        const summaryUrl = `/api/v1/orgs/${owner.organization}/repositories/fixture/tags/bookworm/scan`;
        let summary = await ownerApi.get(summaryUrl);
        for (let i = 0; i < 600 && !['completed', 'failed'].includes(String(summary.body?.status)); i++) {
          await new Promise((r) => setTimeout(r, 250));
          summary = await ownerApi.get(summaryUrl);
        }
        const counts = (summary.body as { status: string; counts: Record<string, number> }).counts;
        expect(summary.body).toMatchObject({ status: 'completed' });
        expect(counts.total).toBeGreaterThanOrEqual(flat.images['bookworm-app'].mustReport.length);
        const colour = counts.critical + counts.high > 0 ? 'red' : 'orange';

        await page.goto(`/orgs/${owner.organization}/repositories/fixture`);
        const shield = page.locator(`[data-testid="shield"][data-color="${colour}"]`).first();
        await shield.waitFor();
        await expect(shield.getAttribute('data-count')).resolves.toBe(String(counts.total));
        await screenshot(page, 'fixture-images-tab');

        // Layers: the Dockerfile's apt-get layer shows the packages it installed, with their shields;
        // the last layer shows the npm package it deleted as removed.
        await page.goto(`/orgs/${owner.organization}/repositories/fixture/tags/bookworm`);
        await page.getByRole('tab', { name: 'Layers' }).click();
        await page.getByTestId('layer').first().waitFor();
        await page.getByTestId('layer').filter({ hasText: 'apt-get install' }).click();
        const detail = page.getByTestId('layer-detail');
        await detail.getByRole('button', { name: /^libxml2 / }).waitFor();
        await expect(
          detail.locator('[data-testid="shield"][data-color="red"]').count(),
        ).resolves.toBeGreaterThan(0);
        await screenshot(page, 'fixture-layers');
        await page.getByTestId('layer').filter({ hasText: 'minimist' }).click();
        await detail.getByRole('heading', { name: /^Removed/ }).waitFor();
        await detail
          .getByText(/minimist/)
          .first()
          .waitFor();

        // Components: most vulnerable first, and a known finding with its advisory link.
        await page.getByRole('tab', { name: 'Components' }).click();
        await page.getByTestId('component').first().waitFor();
        await expect(
          page.getByTestId('component').first().getByTestId('shield').getAttribute('data-color'),
        ).resolves.toBe(colour);
        const known = flat.images['bookworm-app'].mustReport.find((e) => e.component === 'axios')!;
        await page.getByTestId('component-search').fill(known.component);
        const axios = page.getByTestId('component').filter({ hasText: known.version }).first();
        if ((await axios.getByTestId('vuln-link').count()) === 0)
          await axios.getByTestId('component-name').click();
        const ids = await axios.getByTestId('vuln-link').allTextContents();
        expect(ids.map((i) => i.trim()).filter((i) => known.ids.includes(i))).not.toEqual([]);
        await screenshot(page, 'fixture-components');

        // The four downloads, as the browser saves them.
        const download = async (item: string): Promise<string> => {
          await page.getByRole('button', { name: 'Download' }).click();
          const [file] = await Promise.all([
            page.waitForEvent('download'),
            page.getByRole('menuitem', { name: item }).click(),
          ]);
          return readFileSync(await file.path(), 'utf8');
        };
        const cdx = JSON.parse(await download('SBOM (CycloneDX)')) as {
          bomFormat: string;
          components: unknown[];
        };
        expect(cdx.bomFormat).toBe('CycloneDX');
        expect(cdx.components.length).toBeGreaterThan(0);
        const spdx = JSON.parse(await download('SBOM (SPDX)')) as {
          spdxVersion: string;
          packages: unknown[];
        };
        expect(spdx.spdxVersion).toMatch(/^SPDX-2\./);
        expect(spdx.packages.length).toBeGreaterThan(0);
        const csv = (await download('Report (CSV)')).trim().split('\r\n');
        expect(csv.length - 1).toBe(counts.total);
        const report = JSON.parse(await download('Report (JSON)')) as { images: { findings: unknown[] }[] };
        expect(report.images.reduce((n, i) => n + i.findings.length, 0)).toBe(counts.total);
      },
      STEP * 3,
    );

    it(
      'lets a platform admin save the NVD settings, sync, and see the status',
      async () => {
        const admins = await launchPortalBrowser(t.url);
        try {
          const p = admins.page;
          await p.goto('/sign-in');
          await p.getByLabel('Email').fill(admin.email);
          await p.getByLabel('Password').fill(admin.password);
          await p.getByRole('button', { name: 'Sign in' }).click();
          await p.waitForURL('**/me/tokens');
          await p.getByRole('link', { name: 'Vulnerability data' }).click();
          await p.waitForURL('**/admin/vulndb');
          await p.getByTestId('nvd-interval').waitFor();
          await p.getByTestId('nvd-url').fill(nvd.apiUrl);
          await p.getByTestId('nvd-interval').fill('90');
          await p.getByTestId('nvd-api-key').fill('e2e-secret-key');
          await p.getByTestId('save-vulndb').click();
          await p.getByText('Settings saved.').waitFor();
          await p.getByTestId('api-key-state').filter({ hasText: 'is set' }).waitFor();
          // Saved on the server, the key write-only.
          const adminApi = api.as(await login(admin.email, admin.password));
          const saved = await adminApi.get('/api/v1/admin/vulndb/settings');
          expect(saved.status).toBe(200);
          expect(saved.body).toMatchObject({ nvd: { intervalMinutes: 90, apiKeySet: true } });
          expect(JSON.stringify(saved.body)).not.toContain('e2e-secret-key');
          await screenshot(p, 'admin-vulndb-saved');

          const before = nvd.requests.length;
          const clicked = Date.now();
          await p.getByTestId('sync-now').click();
          // The sync runs in the worker against the stand-in; wait for it to finish, then for the page's
          // own status polling to show it (no reload).
          type Status = { state: string; lastSuccessAt: string | null; dbVersion: number };
          let st = (await adminApi.get('/api/v1/admin/vulndb/status')).body as Status;
          const deadline = Date.now() + 60_000;
          while (
            Date.now() < deadline &&
            !(
              nvd.requests.length > before &&
              st.state === 'idle' &&
              st.lastSuccessAt !== null &&
              Date.parse(st.lastSuccessAt) >= clicked - 1000
            )
          ) {
            await new Promise((r) => setTimeout(r, 250));
            st = (await adminApi.get('/api/v1/admin/vulndb/status')).body as Status;
          }
          expect(nvd.requests.length).toBeGreaterThan(before);
          expect(st.state).toBe('idle');
          const status = p.getByTestId('vulndb-status');
          await p
            .getByTestId('db-version')
            .filter({ hasText: new RegExp(`^\\s*${st.dbVersion}\\s*$`) })
            .waitFor({ timeout: 45_000 });
          await status.getByText('Idle').waitFor();
          await expect(p.getByTestId('last-success').textContent()).resolves.not.toBe('—');
          await status.getByText('nvd records').waitFor();
          await status.getByText('osv records').waitFor();
          await screenshot(p, 'admin-vulndb-status');
          await expectAccessible(p, 'admin vulndb');
          await p.getByRole('link', { name: 'Organizations' }).click();
          await p.getByRole('cell', { name: owner.organization, exact: true }).waitFor();
          await screenshot(p, 'admin-orgs');
          await expectAccessible(p, 'admin organizations');
          expect(admins.pageErrors).toEqual([]);
        } finally {
          await admins.close();
        }
      },
      STEP * 2,
    );

    it(
      'works at phone width',
      async () => {
        const phone = await launchPortalBrowser(t.url, PHONE);
        try {
          const p = phone.page;
          await p.goto('/sign-in');
          await expectNoHorizontalScroll(p);
          await p.getByLabel('Email').fill(owner.email);
          await p.getByLabel('Password').fill(owner.password);
          await p.getByRole('button', { name: 'Sign in' }).click();
          await p.waitForURL('**/repositories');
          await p.getByTestId('repo-link').first().waitFor();
          await expectNoHorizontalScroll(p);
          await screenshot(p, 'phone-repositories');
          await p.getByRole('button', { name: 'Open navigation' }).click();
          await p.getByRole('link', { name: 'Members' }).click();
          await p.waitForURL('**/members');
          await p.getByRole('cell', { name: viewer.email, exact: true }).waitFor();
          await expectNoHorizontalScroll(p);
          await screenshot(p, 'phone-members');
          await expectAccessible(p, 'phone members');

          // Tag details with its scan results, then the Layers and Components views.
          await p.goto(`/orgs/${owner.organization}/repositories/web/tags/v1`);
          await p.getByTestId('severity-summary').waitFor();
          await expectNoHorizontalScroll(p);
          await screenshot(p, 'phone-tag-details');
          await expectAccessible(p, 'phone tag details');
          await p.getByRole('tab', { name: 'Layers' }).click();
          await p.getByTestId('layer-detail').waitFor();
          await expectNoHorizontalScroll(p);
          await screenshot(p, 'phone-layers');
          await p.getByRole('tab', { name: 'Components' }).click();
          await p.getByTestId('component').first().waitFor();
          // The one component is open: its vulnerabilities reflow to one block per finding.
          await p.getByTestId('vulnerability').first().waitFor();
          await expectNoHorizontalScroll(p);
          await screenshot(p, 'phone-components');
          await expectAccessible(p, 'phone components');
          expect(phone.pageErrors).toEqual([]);
        } finally {
          await phone.close();
        }
      },
      STEP,
    );

    it('logged no errors in the page', () => {
      expect(b.pageErrors).toEqual([]);
    });

    /** The way CI pushes: skopeo with the service-account token created in the UI. */
    async function pushAsCi(source: string, repoAndTag: string): Promise<void> {
      const r = await new Promise<{ code: number; stderr: string }>((res) =>
        execFile(
          'skopeo',
          [
            '--insecure-policy',
            'copy',
            '--preserve-digests',
            '--dest-tls-verify=false',
            '--dest-creds',
            `ci:${saToken}`,
            source,
            `docker://${new URL(t.url).host}/${owner.organization}/${repoAndTag}`,
          ],
          { timeout: 180_000 },
          (err, _o, stderr) => res({ code: err ? 1 : 0, stderr }),
        ),
      );
      expect(r.stderr).not.toMatch(/FATA/);
      expect(r.code).toBe(0);
    }

    async function login(email: string, password: string): Promise<string> {
      const r = await api.post('/api/v1/auth/login', { email, password });
      return (r.body as { accessToken: string }).accessToken;
    }
  });
}
