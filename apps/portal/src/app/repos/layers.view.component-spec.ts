import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { FakeApi, apiProviders, byTestId, layer, layerComponent, settle, text } from '../../testing/api.js';
import { LayersView } from './layers.view.js';
import type { LayersResponse } from './repo-types.js';

const TAG = '/api/v1/orgs/acme/repositories/api/tags/v1';

const LAYERS: LayersResponse = {
  digest: `sha256:${'ab'.repeat(32)}`,
  layers: [
    layer(0, '/bin/sh -c #(nop) ADD file:4f2a in / ', {
      components: [layerComponent('libc6', { low: 1 }), layerComponent('wget')],
    }),
    layer(1, '/bin/sh -c apt-get update && apt-get install -y curl openssl', {
      components: [layerComponent('curl', { high: 2 }), layerComponent('openssl', { critical: 1, low: 1 })],
    }),
    layer(2, '/bin/sh -c rm /usr/bin/wget', { removed: [layerComponent('wget')] }),
    layer(3, 'COPY app /app # buildkit', {
      status: 'not-scanned',
      reason: 'the layer is larger than the limit',
    }),
  ],
};

describe('Layers view', () => {
  let api: FakeApi;
  let fixture: ComponentFixture<LayersView>;
  let el: HTMLElement;
  let opened: string[];

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: apiProviders() });
    api = new FakeApi();
    fixture = TestBed.createComponent(LayersView);
    fixture.componentRef.setInput('url', TAG);
    opened = [];
    fixture.componentInstance.openComponent.subscribe((name) => opened.push(name));
    el = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    api.answer('GET', `${TAG}/layers`, LAYERS);
    await settle();
    fixture.detectChanges();
  });

  afterEach(() => {
    fixture.destroy();
    api.verify();
  });

  const layerButtons = () => byTestId(el, 'layer') as HTMLButtonElement[];
  const detail = () => byTestId(el, 'layer-detail')[0];
  const introduced = () =>
    [...detail().querySelectorAll('ul.comp-list')[0].querySelectorAll('button')].map(text);
  const removed = () => {
    const lists = detail().querySelectorAll('ul.comp-list');
    return lists.length > 1 ? [...lists[1].querySelectorAll('li')].map(text) : [];
  };
  const select = (i: number) => {
    layerButtons()[i].click();
    fixture.detectChanges();
  };

  it('lists the layers in build order with their Dockerfile command', () => {
    expect(layerButtons().map((b) => text(b.querySelector('.cmd')))).toEqual([
      'ADD file:4f2a in /',
      'RUN apt-get update && apt-get install -y curl openssl',
      'RUN rm /usr/bin/wget',
      'COPY app /app',
    ]);
    expect(text(layerButtons()[1])).toContain('2 added · 4 vulnerabilities');
  });

  it('opens on the layer that introduced the most vulnerabilities, worst component first', () => {
    expect(layerButtons()[1].getAttribute('aria-pressed')).toBe('true');
    expect(text(detail().querySelector('h3'))).toBe('Layer 2');
    expect(introduced()).toEqual(['openssl 1.0 (show in Components)', 'curl 1.0 (show in Components)']);
    expect(
      [...detail().querySelectorAll('[data-testid="shield"]')].map((s) => s.getAttribute('data-count')),
    ).toEqual(['2', '2']);
    expect(removed()).toEqual([]);
  });

  it('selecting a layer shows the components it introduced and removed', () => {
    select(2);
    expect(layerButtons()[2].getAttribute('aria-pressed')).toBe('true');
    expect(layerButtons()[1].getAttribute('aria-pressed')).toBe('false');
    expect(text(detail().querySelector('h3'))).toBe('Layer 3');
    expect(text(detail())).toContain('Introduced (0)');
    expect(text(detail())).toContain('No components.');
    expect(text(detail())).toContain('Removed (1)');
    expect(removed()).toEqual(['wget 1.0']);

    select(0);
    expect(introduced()).toEqual(['libc6 1.0 (show in Components)', 'wget 1.0 (show in Components)']);
    expect(removed()).toEqual([]);
  });

  it('says when a layer was not scanned, and why', () => {
    select(3);
    expect(text(detail())).toContain('This layer was not scanned: the layer is larger than the limit');
  });

  it('reads the layers again when the scan result changes, keeping the selected layer', async () => {
    select(0);
    fixture.componentRef.setInput('revision', 'rescanned');
    fixture.detectChanges();
    const rescanned: LayersResponse = {
      ...LAYERS,
      layers: LAYERS.layers.map((l) =>
        l.index === 0 ? { ...l, components: [...l.components, layerComponent('zlib1g', { high: 1 })] } : l,
      ),
    };
    api.answer('GET', `${TAG}/layers`, rescanned);
    await settle();
    fixture.detectChanges();
    expect(layerButtons()[0].getAttribute('aria-pressed')).toBe('true');
    expect(introduced()).toEqual([
      'zlib1g 1.0 (show in Components)',
      'libc6 1.0 (show in Components)',
      'wget 1.0 (show in Components)',
    ]);
  });

  it('selecting a component asks for it in the Components view', () => {
    const openssl = detail().querySelector<HTMLButtonElement>('ul.comp-list button')!;
    openssl.click();
    expect(opened).toEqual(['openssl']);
  });
});
