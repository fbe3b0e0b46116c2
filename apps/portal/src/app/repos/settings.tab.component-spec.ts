import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import type { HarnessLoader } from '@angular/cdk/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatPaginatorHarness } from '@angular/material/paginator/testing';
import { MatRadioButtonHarness } from '@angular/material/radio/testing';
import { Router } from '@angular/router';
import type { OrgRole, RepoLevel } from '@drydock/contracts';
import { FakeApi, apiProviders, repository, settle, text } from '../../testing/api.js';
import { RepoStore } from './repo-store.js';
import { RepositoryPage } from './repository.page.js';
import { SettingsTab } from './settings.tab.js';

const REPO = '/api/v1/orgs/acme/repositories/api';
const TEAMS = '/api/v1/orgs/acme/teams';

@Component({ template: 'repositories' })
class RepositoriesStub {}

describe('Repository settings tab', () => {
  let api: FakeApi;
  let fixture: ComponentFixture<SettingsTab>;
  let loader: HarnessLoader;
  let el: HTMLElement;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        ...apiProviders([{ path: 'orgs/:org/repositories', component: RepositoriesStub }]),
        RepoStore,
      ],
    });
    api = new FakeApi();
  });

  afterEach(() => {
    fixture.destroy();
    api.verify();
  });

  /** The tab as RepositoryPage shows it: the store holds acme/api with the caller's `level`. */
  async function open(role: OrgRole, level: RepoLevel | null): Promise<void> {
    await api.signIn('acme', role);
    const store = TestBed.inject(RepoStore);
    const loading = store.load('acme', 'api');
    api.answer('GET', REPO, repository(level));
    await loading;
    fixture = TestBed.createComponent(SettingsTab);
    el = fixture.nativeElement as HTMLElement;
    loader = TestbedHarnessEnvironment.loader(fixture);
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
  }

  /** The sections the tab shows, by heading. */
  const sections = () => [...el.querySelectorAll('section h2')].map(text);
  const scanModeRadios = () =>
    loader.getAllHarnesses(MatRadioButtonHarness.with({ ancestor: '[aria-labelledby="scan-mode-title"]' }));
  const button = (label: string) => loader.getHarness(MatButtonHarness.with({ text: label }));

  it('read access: the scanning mode is shown but cannot be changed, nothing else', async () => {
    await open('member', 'read');
    expect(sections()).toEqual(['Scanning']);
    for (const radio of await scanModeRadios()) expect(await radio.isDisabled()).toBe(true);
    expect(await (await button('Save scanning mode')).isDisabled()).toBe(true);
  });

  it('write access: the scanning mode can be changed and saved; no visibility, permissions or delete', async () => {
    await open('member', 'write');
    expect(sections()).toEqual(['Scanning']);
    const save = await button('Save scanning mode');
    expect(await save.isDisabled()).toBe(true);
    const manual = await loader.getHarness(MatRadioButtonHarness.with({ label: /only when someone starts/ }));
    expect(await manual.isDisabled()).toBe(false);
    await manual.check();
    expect(await save.isDisabled()).toBe(false);
    await save.click();
    const patch = api.answer('PATCH', REPO, repository('write', { scanMode: 'manual' }));
    expect(patch.request.body).toEqual({ scanMode: 'manual' });
    await settle();
    fixture.detectChanges();
    expect(text(el.querySelector('[role="status"]'))).toBe('Scanning mode saved.');
    expect(await save.isDisabled()).toBe(true);
  });

  describe('admin access', () => {
    async function openAsAdmin(role: OrgRole, level: RepoLevel | null): Promise<void> {
      await open(role, level);
      api.answer('GET', TEAMS, {
        items: [
          { id: 't1', name: 'backend', createdAt: '2026-11-01T00:00:00Z' },
          { id: 't2', name: 'ops', createdAt: '2026-11-01T00:00:00Z' },
        ],
        total: 2,
      });
      await settle();
      api.answer('GET', `${TEAMS}/t1/grants`, {
        items: [
          { target: 'acme/api', level: 'write' },
          { target: 'acme/other', level: 'read' },
        ],
        total: 2,
      });
      api.answer('GET', `${TEAMS}/t2/grants`, { items: [{ target: 'acme/', level: 'read' }], total: 1 });
      await settle();
      fixture.detectChanges();
    }

    it('shows visibility, the teams that reach the repository, and delete', async () => {
      await openAsAdmin('member', 'admin');
      expect(sections()).toEqual(['Scanning', 'Visibility', 'Team permissions', 'Delete repository']);
      expect([...el.querySelectorAll('.team-list li')].map((li) => text(li))).toEqual([
        'backend: write Remove',
        'ops: read (through acme/) Remove',
      ]);
    });

    it('pages the teams with the API, each with its access or "no access"', async () => {
      await open('owner', null);
      // One page of one team, then that team's grants; returns the page request.
      const answerPage = async (offset: number, team: { id: string; name: string }, grant: object) => {
        const page = api.answer('GET', TEAMS, {
          items: [{ ...team, createdAt: '2026-11-01T00:00:00Z' }],
          total: 21,
          limit: 20,
          offset,
        });
        await settle();
        api.answer('GET', `${TEAMS}/${team.id}/grants`, [grant]);
        await settle();
        fixture.detectChanges();
        return page.request;
      };
      const teamList = () => [...el.querySelectorAll('.team-list li')].map((li) => text(li));

      const first = await answerPage(
        0,
        { id: 't1', name: 'backend' },
        { target: 'acme/other', level: 'read' },
      );
      expect(first.params.get('limit')).toBe('20');
      expect(first.params.get('offset')).toBe('0');
      expect(teamList()).toEqual(['backend: no access']);

      const paginator = await loader.getHarness(MatPaginatorHarness);
      expect(await paginator.getRangeLabel()).toBe('1 – 20 of 21');
      await paginator.goToNextPage();
      const second = await answerPage(20, { id: 't21', name: 'qa' }, { target: 'acme/api', level: 'admin' });
      expect(second.params.get('offset')).toBe('20');
      expect(teamList()).toEqual(['qa: admin Remove']);
    });

    it('says why when the teams cannot be loaded', async () => {
      await open('owner', null);
      api.fail('GET', TEAMS, 503, 'Service Unavailable', 'The database is not reachable.');
      await settle();
      fixture.detectChanges();
      expect(text(el.querySelector('[role="alert"]'))).toContain('The database is not reachable.');
    });

    it('organization admins get the same, without a grant on the repository', async () => {
      await openAsAdmin('admin', null);
      expect(sections()).toEqual(['Scanning', 'Visibility', 'Team permissions', 'Delete repository']);
    });

    it('delete waits for the repository name to be typed, then deletes and leaves', async () => {
      await openAsAdmin('owner', null);
      const del = await button('Delete acme/api');
      expect(await del.isDisabled()).toBe(true);
      const confirm = await loader.getHarness(MatInputHarness.with({ ancestor: '.danger-zone' }));
      await confirm.setValue('acme/ap');
      expect(await del.isDisabled()).toBe(true);
      await confirm.setValue('acme/api');
      expect(await del.isDisabled()).toBe(false);
      await del.click();
      api.answer('DELETE', REPO, null, { status: 204 });
      await settle();
      await fixture.whenStable();
      expect(TestBed.inject(Router).url).toBe('/orgs/acme/repositories');
    });
  });
});

describe('Repository page tabs', () => {
  it.each([
    ['read', false],
    ['write', true],
    ['admin', true],
  ] as const)('%s access: Settings tab shown = %s', async (level, shown) => {
    TestBed.configureTestingModule({ providers: apiProviders() });
    const api = new FakeApi();
    await api.signIn('acme', 'member');
    const fixture = TestBed.createComponent(RepositoryPage);
    fixture.componentRef.setInput('org', 'acme');
    fixture.componentRef.setInput('repo', 'api');
    fixture.detectChanges();
    api.answer('GET', REPO, repository(level));
    await settle();
    fixture.detectChanges();
    const tabs = [...(fixture.nativeElement as HTMLElement).querySelectorAll('nav a')].map(text);
    expect(tabs).toEqual(shown ? ['Images', 'Settings'] : ['Images']);
    expect(text((fixture.nativeElement as HTMLElement).querySelector('.summary'))).toContain(
      `your access: ${level}`,
    );
    fixture.destroy();
    api.verify();
  });
});
