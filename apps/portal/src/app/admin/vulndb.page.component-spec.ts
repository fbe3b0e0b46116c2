import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import type { HarnessLoader } from '@angular/cdk/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import type { VulndbSettingsView, VulndbStatusView } from '@drydock/contracts';
import { FakeApi, apiProviders, byTestId, settle, text } from '../../testing/api.js';
import { VulndbPage } from './vulndb.page.js';

const BASE = '/api/v1/admin/vulndb';
const SETTINGS: VulndbSettingsView = {
  nvd: {
    enabled: true,
    url: 'https://nvd.example/rest/json/cves/2.0',
    apiKeySet: false,
    intervalMinutes: 120,
  },
  osv: { sources: [{ ecosystem: 'Debian', url: 'https://osv.example/Debian/all.zip' }] },
};
const STATUS: VulndbStatusView = {
  state: 'idle',
  progress: null,
  lastSuccessAt: null,
  lastError: null,
  counts: { nvd: 0, osv: 0, affectedPackages: 0 },
  dbVersion: 1,
};

describe('Vulnerability data page', () => {
  let api: FakeApi;
  let fixture: ComponentFixture<VulndbPage>;
  let loader: HarnessLoader;
  let el: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: apiProviders() });
    api = new FakeApi();
    fixture = TestBed.createComponent(VulndbPage);
    el = fixture.nativeElement as HTMLElement;
    loader = TestbedHarnessEnvironment.loader(fixture);
    fixture.detectChanges();
    api.answer('GET', `${BASE}/settings`, SETTINGS);
    await settle();
    api.answer('GET', `${BASE}/status`, STATUS);
    await settle();
    fixture.detectChanges();
  });

  afterEach(() => {
    fixture.destroy();
    api.verify();
  });

  const interval = () =>
    loader.getHarness(MatInputHarness.with({ selector: '[data-testid="nvd-interval"]' }));
  const save = async () =>
    (await loader.getHarness(MatButtonHarness.with({ text: 'Save settings' }))).click();

  it("takes the API's minimum interval, and refuses less before sending", async () => {
    const input = el.querySelector<HTMLInputElement>('[data-testid="nvd-interval"]')!;
    expect(input.getAttribute('min')).toBe('5');
    expect(await (await interval()).getValue()).toBe('120');
    await (await interval()).setValue('3');
    await save();
    expect(api.pending(`${BASE}/settings`)).toHaveLength(0);
    expect(text(byTestId(el, 'nvd-interval-error')[0])).toBe('The interval must be at least 5.');
  });

  it("puts the API's field errors on the fields, the rest in the banner", async () => {
    await (await interval()).setValue('30');
    await save();
    const put = api.http.expectOne((r) => r.method === 'PUT' && r.url === `${BASE}/settings`);
    expect(put.request.body).toMatchObject({ nvd: { intervalMinutes: 30 } });
    put.flush(
      {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'The request is not valid.',
        errors: [
          { field: 'nvd.intervalMinutes', message: 'must be at most 60 on this instance' },
          { field: 'osv.sources.0.url', message: 'Invalid URL' },
        ],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();
    fixture.detectChanges();
    expect(text(byTestId(el, 'nvd-interval-error')[0])).toBe('must be at most 60 on this instance');
    const banner = text(el.querySelector('[role="alert"]'));
    expect(banner).toContain('The request is not valid.');
    expect(banner).toContain('osv.sources.0.url: Invalid URL');
  });
});
