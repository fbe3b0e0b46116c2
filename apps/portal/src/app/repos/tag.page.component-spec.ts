import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { OrgRole, RepoLevel } from '@drydock/contracts';
import {
  FakeApi,
  apiProviders,
  byTestId,
  counts,
  layer,
  layerComponent,
  repository,
  scan,
  settle,
  tag,
  text,
} from '../../testing/api.js';
import type { LayersResponse, ScanProgress, ScanResult, Tag } from './repo-types.js';
import { TagPage } from './tag.page.js';

const REPO = '/api/v1/orgs/acme/repositories/api';
const TAG = `${REPO}/tags/v1`;
const NOT_SCANNED = scan({ status: 'not_scanned', counts: null, scannedAt: null, evaluatedAt: null });

type Problem = { status: number; title: string; detail: string };

describe('Tag details page', () => {
  let api: FakeApi;
  let fixture: ComponentFixture<TagPage> | undefined;
  let el: HTMLElement;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: apiProviders() });
    api = new FakeApi();
  });

  afterEach(() => {
    fixture?.destroy();
    fixture = undefined;
    api.verify();
    jest.useRealTimers();
  });

  /**
   * Opens acme/api:v1 as `role` of acme with `level` on the repository; the scan answers `result`,
   * `GET …/tags/v1` answers `meta`.
   */
  async function open(
    role: OrgRole,
    level: RepoLevel | null,
    result: ScanResult | Problem,
    meta: Tag | Problem = tag(),
  ): Promise<void> {
    await api.signIn('acme', role);
    fixture = TestBed.createComponent(TagPage);
    fixture.componentRef.setInput('org', 'acme');
    fixture.componentRef.setInput('repo', 'api');
    fixture.componentRef.setInput('tag', 'v1');
    el = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    api.answer('GET', REPO, repository(level));
    if ('title' in meta) api.fail('GET', TAG, meta.status, meta.title, meta.detail);
    else api.answer('GET', TAG, meta);
    if ('title' in result) api.fail('GET', `${TAG}/scan`, result.status, result.title, result.detail);
    else api.answer('GET', `${TAG}/scan`, result);
    await render();
  }

  async function render(): Promise<void> {
    await settle();
    fixture!.detectChanges();
  }

  const scanButton = () => el.querySelector<HTMLButtonElement>('[data-testid="scan-button"]');
  const progress = () => el.querySelector<HTMLElement>('[data-testid="scan-progress"]');
  const progressValue = () =>
    progress()?.querySelector('mat-progress-bar')?.getAttribute('aria-valuenow') ?? undefined;

  describe('the Scan button', () => {
    it('is there and enabled for a user with write access', async () => {
      await open('member', 'write', NOT_SCANNED);
      expect(scanButton()).not.toBeNull();
      expect(scanButton()!.disabled).toBe(false);
      expect(byTestId(el, 'scan-hint')).toHaveLength(0);
    });

    it('is there for an organization admin, whatever the repository grant', async () => {
      await open('admin', null, NOT_SCANNED);
      expect(scanButton()!.disabled).toBe(false);
    });

    it('is disabled, with the reason, while the add-on is not licensed', async () => {
      await open('member', 'write', {
        status: 402,
        title: 'Payment Required',
        detail: 'The scanning add-on is not enabled for acme.',
      });
      expect(scanButton()).not.toBeNull();
      expect(scanButton()!.disabled).toBe(true);
      expect(text(byTestId(el, 'not-licensed')[0])).toContain('Scanning is not enabled for acme');
      expect(byTestId(el, 'shield')[0].getAttribute('data-color')).toBe('grey');
    });

    it('is absent for a read-only user, and a hint says write access is needed', async () => {
      await open('member', 'read', scan({ counts: counts({ high: 2 }) }));
      expect(scanButton()).toBeNull();
      const hint = byTestId(el, 'scan-hint');
      expect(hint).toHaveLength(1);
      expect(text(hint[0])).toBe('Starting a scan needs write access to this repository.');
      // The results are still there to read.
      expect(text(byTestId(el, 'db-version')[0])).toContain('nvd-2026-11-30');
      api.answer('GET', `${TAG}/layers`, { digest: 'sha256:x', layers: [] });
    });
  });

  describe('image details', () => {
    it('shows the platform that GET …/tags/{tag} read from the image config', async () => {
      await open(
        'member',
        'read',
        NOT_SCANNED,
        tag({ platforms: [{ os: 'linux', architecture: 'arm64', variant: 'v8' }] }),
      );
      expect(text(byTestId(el, 'tag-platform')[0])).toBe('linux/arm64/v8');
      expect(text(el.querySelector('.meta'))).toContain('ci@acme');
    });

    it('says why when the tag cannot be read', async () => {
      await open('member', 'read', NOT_SCANNED, {
        status: 404,
        title: 'Not Found',
        detail: 'No tag v1 in acme/api.',
      });
      const alert = [...el.querySelectorAll('[role="alert"]')].map(text).join(' | ');
      expect(alert).toContain('Could not load the image details');
      expect(alert).toContain('No tag v1 in acme/api.');
      expect(text(byTestId(el, 'tag-platform')[0])).toBe('—');
    });
  });

  describe('scan progress', () => {
    const at = (layersDone: number, bytesRead: number): ScanProgress => ({
      layersDone,
      layersTotal: 4,
      bytesRead,
      bytesTotal: 1000,
    });

    it('a started scan shows a progress bar that moves with the polled status and goes away when done', async () => {
      jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
      await open('member', 'write', NOT_SCANNED);
      expect(progress()).toBeNull();

      scanButton()!.click();
      api.answer('POST', `${TAG}/scan`, { status: 'queued' }, { status: 202 });
      await settle();
      api.answer('GET', `${TAG}/scan`, scan({ ...NOT_SCANNED, status: 'queued' }));
      await render();
      expect(text(progress()?.querySelector('[role="status"]'))).toBe('Queued: Waiting for a worker');
      expect(scanButton()!.disabled).toBe(true);

      // Queued is polled every 2 s, a running scan every second; nothing is asked in between.
      jest.advanceTimersByTime(1999);
      expect(api.pending(`${TAG}/scan`)).toHaveLength(0);
      jest.advanceTimersByTime(1);
      api.answer('GET', `${TAG}/scan`, scan({ ...NOT_SCANNED, status: 'scanning', progress: at(1, 250) }));
      await render();
      expect(progressValue()).toBe('25');
      expect(text(progress())).toContain('Scanning: 1 of 4 layers, 25%');

      jest.advanceTimersByTime(1000);
      api.answer('GET', `${TAG}/scan`, scan({ ...NOT_SCANNED, status: 'scanning', progress: at(3, 750) }));
      await render();
      expect(progressValue()).toBe('75');
      expect(text(progress())).toContain('3 of 4 layers, 75%');

      jest.advanceTimersByTime(1000);
      api.answer('GET', `${TAG}/scan`, scan({ counts: counts({ critical: 1, high: 2 }) }));
      await render();
      expect(progress()).toBeNull();
      expect(scanButton()!.disabled).toBe(false);
      expect(byTestId(el, 'shield')[0].getAttribute('data-count')).toBe('3');
      expect(text(byTestId(el, 'db-version')[0])).toContain('nvd-2026-11-30');
      // The results' Layers tab loads; polling has stopped.
      api.answer('GET', `${TAG}/layers`, { digest: 'sha256:x', layers: [] });
      jest.advanceTimersByTime(10_000);
      expect(api.pending(`${TAG}/scan`)).toHaveLength(0);
    });

    it("a re-scan's result replaces the Layers view's without a reload", async () => {
      jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
      const layers = (name: string): LayersResponse => ({
        digest: 'sha256:x',
        layers: [layer(0, 'ADD rootfs.tar /', { components: [layerComponent(name, { high: 1 })] })],
      });
      const detail = () => text(byTestId(el, 'layer-detail')[0]);
      await open('member', 'write', scan({ counts: counts({ high: 1 }) }));
      api.answer('GET', `${TAG}/layers`, layers('openssl'));
      await render();
      expect(detail()).toContain('openssl');

      scanButton()!.click();
      api.answer('POST', `${TAG}/scan`, { status: 'queued' }, { status: 202 });
      await settle();
      // While it runs the previous result stays; nothing is read again.
      api.answer('GET', `${TAG}/scan`, scan({ status: 'scanning', progress: at(1, 250) }));
      await render();
      expect(api.pending(`${TAG}/layers`)).toHaveLength(0);
      expect(detail()).toContain('openssl');

      jest.advanceTimersByTime(1000);
      const later = '2026-12-01T08:00:00.000Z';
      api.answer(
        'GET',
        `${TAG}/scan`,
        scan({ scannedAt: later, evaluatedAt: later, counts: counts({ low: 1 }) }),
      );
      await render();
      api.answer('GET', `${TAG}/layers`, layers('zlib1g'));
      await render();
      expect(detail()).toContain('zlib1g');
      expect(detail()).not.toContain('openssl');
    });

    it('a scan already running when the page opens shows its progress', async () => {
      jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
      await open('member', 'read', scan({ ...NOT_SCANNED, status: 'scanning', progress: at(0, 500) }));
      expect(progressValue()).toBe('50');
      expect(scanButton()).toBeNull();
      fixture!.destroy();
      fixture = undefined;
      // Leaving the page stops the polling.
      jest.advanceTimersByTime(5000);
      expect(api.pending(`${TAG}/scan`)).toHaveLength(0);
    });
  });
});
