import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import type { HarnessLoader } from '@angular/cdk/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatExpansionPanelHarness } from '@angular/material/expansion/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { FakeApi, apiProviders, byTestId, component, settle, text, vuln } from '../../testing/api.js';
import { ComponentsView } from './components.view.js';

const TAG = '/api/v1/orgs/acme/repositories/api/tags/v1';

/** As the API lists them: in no useful order. */
const COMPONENTS = [
  component('musl', [], { type: 'apk' }),
  component('zlib', [vuln('CVE-2026-0003', 'high')]),
  component('lodash', [vuln('CVE-2026-0004', 'medium', '4.17.21'), vuln('CVE-2026-0005', 'medium')], {
    type: 'npm',
  }),
  component('openssl', [vuln('CVE-2026-0002', 'low'), vuln('CVE-2026-0001', 'critical', '3.0.1')]),
  component('curl', [vuln('CVE-2026-0006', 'high', '8.9.0'), vuln('CVE-2026-0007', 'high')]),
];

describe('Components view', () => {
  let api: FakeApi;
  let fixture: ComponentFixture<ComponentsView>;
  let loader: HarnessLoader;
  let el: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: apiProviders() });
    api = new FakeApi();
    fixture = TestBed.createComponent(ComponentsView);
    fixture.componentRef.setInput('url', TAG);
    el = fixture.nativeElement as HTMLElement;
    loader = TestbedHarnessEnvironment.loader(fixture);
    fixture.detectChanges();
    expect(answer()).toEqual({ limit: '50', offset: '0' });
    await render();
  });

  afterEach(() => {
    fixture.destroy();
    api.verify();
  });

  /** Answers the pending list request with every component (as an API that ignored the filters would). */
  function answer(): Record<string, string> {
    const req = api.answer('GET', `${TAG}/components`, {
      items: COMPONENTS,
      total: COMPONENTS.length,
      limit: 50,
      offset: 0,
    });
    const params = req.request.params;
    return Object.fromEntries(params.keys().map((k) => [k, params.get(k) ?? '']));
  }

  async function render(): Promise<void> {
    await settle();
    fixture.detectChanges();
  }

  const names = () => byTestId(el, 'component-name').map(text);

  it('lists the most vulnerable first', () => {
    expect(names()).toEqual(['openssl', 'curl', 'zlib', 'lodash', 'musl']);
  });

  it('filters by severity', async () => {
    const severity = await loader.getHarness(MatSelectHarness.with({ selector: '[name="severity"]' }));
    await severity.open();
    await severity.clickOptions({ text: 'high' });
    expect(answer()).toMatchObject({ severity: 'high' });
    await render();
    expect(names()).toEqual(['curl', 'zlib']);
  });

  it('expands a component to its vulnerabilities, worst first, with a link to each record', async () => {
    const panels = await loader.getAllHarnesses(MatExpansionPanelHarness);
    await panels[0].expand();
    fixture.detectChanges();
    const rows = byTestId(el, 'vulnerability');
    expect(rows.map((r) => text(r.querySelector('a')))).toEqual(['CVE-2026-0001', 'CVE-2026-0002']);
    expect(text(rows[0])).toContain('critical');
    expect(text(rows[0])).toContain('3.0.1');
    expect(text(rows[1])).toContain('no fix yet');
    expect(rows[0].querySelector('a')!.getAttribute('href')).toBe(
      'https://nvd.nist.gov/vuln/detail/CVE-2026-0001',
    );
  });

  it('filters by several severities, and Clear shows everything again', async () => {
    const severity = await loader.getHarness(MatSelectHarness.with({ selector: '[name="severity"]' }));
    await severity.open();
    await severity.clickOptions({ text: 'critical' });
    expect(answer()).toMatchObject({ severity: 'critical' });
    await severity.clickOptions({ text: 'medium' });
    expect(answer()).toMatchObject({ severity: 'critical,medium' });
    await render();
    expect(names()).toEqual(['openssl', 'lodash']);
    // Only the matching vulnerabilities count: openssl's low one is filtered out.
    const panels = await loader.getAllHarnesses(MatExpansionPanelHarness);
    await panels[0].expand();
    fixture.detectChanges();
    expect(byTestId(el, 'vulnerability').map((r) => text(r.querySelector('a')))).toEqual(['CVE-2026-0001']);

    await severity.close();
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Clear' }))).click();
    expect(answer()).toEqual({ limit: '50', offset: '0' });
    await render();
    expect(names()).toEqual(['openssl', 'curl', 'zlib', 'lodash', 'musl']);
  });

  it('"Fixable only" keeps the components with a fixed version', async () => {
    const fixable = await loader.getHarness(MatCheckboxHarness.with({ label: 'Fixable only' }));
    await fixable.check();
    expect(answer()).toMatchObject({ fixable: 'true' });
    await render();
    expect(names()).toEqual(['openssl', 'curl', 'lodash']);
    await fixable.uncheck();
    expect(answer()).not.toHaveProperty('fixable');
    await render();
    expect(names()).toHaveLength(5);
  });

  it('reads the page again, filters kept, when the scan result changes (a re-scan)', async () => {
    const fixable = await loader.getHarness(MatCheckboxHarness.with({ label: 'Fixable only' }));
    await fixable.check();
    answer();
    await render();
    fixture.componentRef.setInput('revision', 'rescanned');
    fixture.detectChanges();
    expect(answer()).toEqual({ limit: '50', offset: '0', fixable: 'true' });
    await render();
    expect(names()).toEqual(['openssl', 'curl', 'lodash']);
  });

  it('filters by type', async () => {
    const type = await loader.getHarness(MatSelectHarness.with({ selector: '[name="type"]' }));
    await type.open();
    await type.clickOptions({ text: 'npm' });
    expect(answer()).toMatchObject({ type: 'npm' });
    await render();
    expect(names()).toEqual(['lodash']);
    await type.open();
    await type.clickOptions({ text: 'All types' });
    expect(answer()).not.toHaveProperty('type');
    await render();
    expect(names()).toHaveLength(5);
  });

  it('searches by name and by vulnerability id', async () => {
    const search = await loader.getHarness(
      MatInputHarness.with({ selector: '[data-testid="component-search"]' }),
    );
    await search.setValue('CVE-2026-0003');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Search' }))).click();
    expect(answer()).toMatchObject({ q: 'CVE-2026-0003' });
    await render();
    expect(names()).toEqual(['zlib']);

    await search.setValue('nothing-like-this');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Search' }))).click();
    answer();
    await render();
    expect(names()).toEqual([]);
    expect(text(el.querySelector('.empty-state'))).toBe('No components match.');
  });

  it('takes a preset search from its input (the Layers view opening a component)', async () => {
    fixture.componentRef.setInput('search', 'curl');
    fixture.detectChanges();
    expect(answer()).toMatchObject({ q: 'curl' });
    await render();
    expect(names()).toEqual(['curl']);
    // A single match opens by itself.
    expect(byTestId(el, 'vulnerability')).toHaveLength(2);
  });
});
