/**
 * Chromium for the portal e2e: Debian's /usr/bin/chromium driven by playwright-core (never a
 * downloaded browser), a fresh profile per launch, screenshots under test-artifacts/portal/, and an
 * axe-core check that fails on serious or critical violations.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = resolve(process.env['TEST_ARTIFACTS_DIR'] ?? 'test-artifacts', 'portal');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface PortalBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and failed page scripts seen so far (a working portal logs none). */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * A persistent context is the only way to give Chromium its own --user-data-dir with playwright;
 * the directory is removed on close.
 */
export async function launchPortalBrowser(
  baseURL: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<PortalBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'drydock-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    ignoreDefaultArgs: ['--headless=new', '--headless=old'],
    baseURL,
    viewport,
    acceptDownloads: true,
    // Material turns its animations off for users who ask for reduced motion, so a screenshot or an
    // axe run never catches a tab body half-way through its slide (settle() waits for the rest).
    reducedMotion: 'reduce',
  });
  const pageErrors: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    // 4xx answers the UI handles on purpose (e.g. a 401 before sign-in) are logged by Chromium as resource errors.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text());
  });
  return {
    browser: context.browser()!,
    context,
    page,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until no finite animation or transition runs (a progress bar's endless one is left alone),
 * then for two frames, so what is captured or checked is the page at rest. Capped at 3 s.
 */
export async function settle(page: Page): Promise<void> {
  // A string, so this file type-checks without the DOM lib (the root tsconfig targets Node).
  await page.evaluate(`(async () => {
    const running = document
      .getAnimations()
      .filter((a) => a.playState === 'running' && a.effect && a.effect.getComputedTiming().iterations !== Infinity);
    await Promise.race([
      Promise.all(running.map((a) => a.finished.catch(() => undefined))),
      new Promise((r) => setTimeout(r, 3000)),
    ]);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  })()`);
}

let shot = 0;
/**
 * A numbered full-page screenshot, so the artifacts read in step order. The document is what
 * scrolls in the portal (shell.scss), so `fullPage` holds everything below the fold too.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  // The first screenshot of a run clears the previous run's, so the folder is one run in order.
  if (shot === 0) rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = join(ARTIFACTS_DIR, `${String(++shot).padStart(2, '0')}-${name}.png`);
  await settle(page);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await settle(page);
  await page.addScriptTag({ content: axeSource });
  // A string, so this file type-checks without the DOM lib (the root tsconfig targets Node).
  const violations = await page.evaluate<AxeViolation[]>(
    `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  );
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** For failure messages: one line per violation with the first offending nodes. */
export function describeViolations(vs: AxeViolation[]): string {
  return vs
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} @ ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    )
    .join('\n');
}
