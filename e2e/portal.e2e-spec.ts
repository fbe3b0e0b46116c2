/**
 * The portal in a real browser against a started Drydock: Debian's Chromium driven by
 * playwright-core (e2e/support/browser.ts), the built portal served by the API itself, nothing
 * mocked. Each step writes a screenshot to test-artifacts/portal/ and main pages get an axe-core
 * check (no serious or critical violations). Needs `npm run build:portal` and /usr/bin/chromium;
 * without them the suite says why and registers nothing else.
 *
 * Steps that need the scanning add-on and the vulnerability database run only when the started
 * Drydock has those APIs (they probe for them), so this suite grows with the server.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { IdentityService } from '@drydock/identity';
import { ApiClient } from '../test/support/http.js';
import { startTestApp, type TestApp } from '../test/support/test-app.js';
import { gzipSync } from 'node:zlib';
import {
  OciTestClient,
  blobOf,
  sha256,
  tarOf,
  type TestImage,
} from '../libs/registry/src/testing/oci-test-client.js';
import {
  PHONE,
  chromiumAvailable,
  describeViolations,
  launchPortalBrowser,
  screenshot,
  seriousA11yViolations,
  type PortalBrowser,
} from './support/browser.js';

const PORTAL_DIR = resolve(process.cwd(), 'dist', 'portal', 'browser');
const portalBuilt = existsSync(join(PORTAL_DIR, 'index.html'));
const STEP = 90_000;

async function expectAccessible(page: Page, what: string): Promise<void> {
  const serious = await seriousA11yViolations(page);
  expect({ page: what, violations: describeViolations(serious) }).toEqual({ page: what, violations: '' });
}

/** No horizontal scrolling at phone width: the layout reflows instead. */
async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate<{ scroll: number; client: number }>(
    `({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })`,
  );
  expect(scroll).toBeLessThanOrEqual(client + 1);
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

    beforeAll(async () => {
      t = await startTestApp({ env: { PORTAL_DIR }, worker: true });
      await t.app.get(IdentityService).ensurePlatformAdmin(admin.email, admin.password);
      api = new ApiClient(t.url);
      b = await launchPortalBrowser(t.url);
      page = b.page;
    }, STEP);

    afterAll(async () => {
      await b?.close();
      await t?.close();
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
      },
      STEP,
    );

    it(
      'shows a pushed image with its shield, digest and details',
      async () => {
        const image = debianImage(`portal-${n}`);
        const client = new OciTestClient(t.url, { username: 'ci', password: saToken });
        const pushed = await client.pushImage(`${owner.organization}/web`, 'v1', image);
        expect(pushed.status).toBe(201);

        await page.goto(`/orgs/${owner.organization}/repositories`);
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

        await page.getByTestId('tag-details').first().click();
        await page.waitForURL('**/tags/v1');
        await page.getByTestId('tag-title').waitFor();
        await page
          .getByTestId('tag-digest')
          .filter({ hasText: image.digest.slice(0, 19) })
          .waitFor();
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
      'scans on demand once the add-on is granted, and the progress bar completes',
      async () => {
        const ownerApi = api.as(await login(owner.email, owner.password));
        const tags = await ownerApi.get(`/api/v1/orgs/${owner.organization}/repositories/web/tags`);
        const first = (tags.body as { items?: Record<string, unknown>[] }).items?.[0];
        if (!first || !('scanStatus' in first)) {
          console.warn('portal e2e: this Drydock has no scanning results API yet; scan steps not run');
          return;
        }
        // Without the add-on the page says so and the Scan button is disabled.
        await page.goto(`/orgs/${owner.organization}/repositories/web/tags/v1`);
        await page.getByTestId('not-licensed').waitFor();
        await expect(page.getByTestId('scan-button').isDisabled()).resolves.toBe(true);
        await screenshot(page, 'scan-not-licensed');

        // A platform admin's grant (the Stripe path is covered by the billing suite).
        const adminApi = api.as(await login(admin.email, admin.password));
        const granted = await adminApi.put(`/api/v1/admin/orgs/${owner.organization}/addons/scanning`, {
          enabled: true,
        });
        expect(granted.status).toBe(200);
        await page.goto(`/orgs/${owner.organization}/billing`);
        await page.getByTestId('addon-status').filter({ hasText: 'Enabled' }).waitFor();
        await screenshot(page, 'billing-enabled');
        await expectAccessible(page, 'billing');

        await page.goto(`/orgs/${owner.organization}/repositories/web/tags/v1`);
        await page.getByTestId('scan-button').click();
        // The bar appears while queued/scanning and goes when the scan completes, without a reload.
        await page
          .getByTestId('scan-progress')
          .waitFor({ timeout: 10_000 })
          .then(() => screenshot(page, 'scan-progress'))
          .catch(() => undefined);
        await page.getByTestId('severity-summary').waitFor({ timeout: 60_000 });
        await expect(page.getByTestId('scan-progress').count()).resolves.toBe(0);
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
        await page.getByRole('tab', { name: 'Components' }).click();
        await page.getByTestId('component-search').waitFor();
        await page.getByTestId('component-name').filter({ hasText: 'openssl' }).first().waitFor();
        await screenshot(page, 'components-view');
        await expectAccessible(page, 'components view');
      },
      STEP * 2,
    );

    it(
      'lets a platform admin see the vulnerability data page and the organizations',
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
          const settings = await api
            .as(await login(admin.email, admin.password))
            .get('/api/v1/admin/vulndb/settings');
          if (settings.status === 200) {
            await p.getByTestId('nvd-interval').fill('90');
            await p.getByTestId('nvd-api-key').fill('e2e-secret-key');
            await p.getByTestId('save-vulndb').click();
            await p.getByText('Settings saved.').waitFor();
            await p.getByTestId('api-key-state').filter({ hasText: 'is set' }).waitFor();
            await p.getByTestId('vulndb-status').waitFor();
          } else {
            // Until the vulnerability database lands, the page says so in words.
            await p.getByRole('alert').first().waitFor();
          }
          await screenshot(p, 'admin-vulndb');
          await expectAccessible(p, 'admin vulndb');
          await p.getByRole('link', { name: 'Organizations' }).click();
          await p.getByRole('cell', { name: owner.organization, exact: true }).waitFor();
          await screenshot(p, 'admin-orgs');
        } finally {
          await admins.close();
        }
      },
      STEP,
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
          await expectNoHorizontalScroll(p);
          await screenshot(p, 'phone-members');
          await expectAccessible(p, 'phone members');
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

    async function login(email: string, password: string): Promise<string> {
      const r = await api.post('/api/v1/auth/login', { email, password });
      return (r.body as { accessToken: string }).accessToken;
    }
  });
}
