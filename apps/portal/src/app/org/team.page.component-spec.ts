import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import type { HarnessLoader } from '@angular/cdk/testing';
import { MatPaginatorHarness } from '@angular/material/paginator/testing';
import type { GrantResponse, TeamResponse } from '@drydock/contracts';
import { FakeApi, apiProviders, settle, text } from '../../testing/api.js';
import { TeamPage } from './team.page.js';

const TEAM = '/api/v1/orgs/acme/teams/t1';
const MEMBERS = '/api/v1/orgs/acme/members';

const members = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ userId: `u${i + 1}`, email: `dev${i + 1}@acme.test` }));
const grants = (n: number): GrantResponse[] =>
  Array.from({ length: n }, (_, i) => ({ target: `acme/repo${i + 1}`, level: 'read' }));

describe('Team page', () => {
  let api: FakeApi;
  let fixture: ComponentFixture<TeamPage>;
  let loader: HarnessLoader;
  let el: HTMLElement;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: apiProviders() });
    api = new FakeApi();
  });

  afterEach(() => {
    fixture.destroy();
    api.verify();
    jest.restoreAllMocks();
  });

  /** Opens team t1 of acme as an owner; the org members list answers with `orgMembers` or fails. */
  async function open(
    team: TeamResponse,
    teamGrants: GrantResponse[],
    orgMembers: 'fail' | 'ok',
  ): Promise<void> {
    await api.signIn('acme', 'owner');
    fixture = TestBed.createComponent(TeamPage);
    fixture.componentRef.setInput('org', 'acme');
    fixture.componentRef.setInput('team', 't1');
    el = fixture.nativeElement as HTMLElement;
    loader = TestbedHarnessEnvironment.loader(fixture);
    fixture.detectChanges();
    api.answer('GET', TEAM, team);
    await settle();
    fixture.detectChanges();
    if (orgMembers === 'fail') api.fail('GET', MEMBERS, 503, 'Service Unavailable', 'Try again in a minute.');
    else api.answer('GET', MEMBERS, { items: [], total: 0, limit: 1000, offset: 0 });
    // The grants editor appears with the team and asks for its grants (the API answers them all).
    api.answer('GET', `${TEAM}/grants`, teamGrants);
    await settle();
    fixture.detectChanges();
  }

  const memberRows = () =>
    [...el.querySelectorAll('table[aria-label="Team members"] tbody tr')].map((r) =>
      text(r.querySelector('td')),
    );
  const paginator = (label: string) =>
    loader.getHarness(MatPaginatorHarness.with({ selector: `[aria-label="${label}"]` }));

  it('pages the members the API answers inside the team', async () => {
    await open(
      { id: 't1', name: 'backend', members: members(25), createdAt: '2026-11-01T00:00:00Z' },
      [],
      'ok',
    );
    expect(memberRows()).toHaveLength(20);
    expect(memberRows()[0]).toBe('dev1@acme.test');
    const pages = await paginator('Team member pages');
    expect(await pages.getRangeLabel()).toBe('1 – 20 of 25');
    await pages.goToNextPage();
    await settle();
    fixture.detectChanges();
    expect(memberRows()).toEqual([
      'dev21@acme.test',
      'dev22@acme.test',
      'dev23@acme.test',
      'dev24@acme.test',
      'dev25@acme.test',
    ]);
  });

  it('pages the grants, and shows no paginator for one page of members', async () => {
    await open(
      { id: 't1', name: 'backend', members: members(2), createdAt: '2026-11-01T00:00:00Z' },
      grants(23),
      'ok',
    );
    expect(el.querySelector('[aria-label="Team member pages"]')).toBeNull();
    const pages = await paginator('Grant pages');
    expect(await pages.getRangeLabel()).toBe('1 – 20 of 23');
    await pages.goToNextPage();
    const next = api.answer('GET', `${TEAM}/grants`, grants(23));
    expect(next.request.params.get('offset')).toBe('20');
    await settle();
    fixture.detectChanges();
    const targets = [...el.querySelectorAll('table[aria-label="Grants"] tbody code')].map(text);
    expect(targets).toEqual(['acme/repo21', 'acme/repo22', 'acme/repo23']);
  });

  it('removing the only grant of the last page shows the page before it', async () => {
    await open(
      { id: 't1', name: 'backend', members: members(2), createdAt: '2026-11-01T00:00:00Z' },
      grants(21),
      'ok',
    );
    await (await paginator('Grant pages')).goToNextPage();
    api.answer('GET', `${TEAM}/grants`, grants(21));
    await settle();
    fixture.detectChanges();
    jest.spyOn(window, 'confirm').mockReturnValue(true);
    el.querySelector<HTMLButtonElement>('[aria-label="Remove grant on acme/repo21"]')!.click();
    const del = api.answer('DELETE', `${TEAM}/grants`, null, { status: 204 });
    expect(del.request.body).toEqual({ target: 'acme/repo21' });
    await settle();
    // Page 2 is empty now: the list asks again for page 1.
    expect(api.answer('GET', `${TEAM}/grants`, grants(20)).request.params.get('offset')).toBe('20');
    await settle();
    expect(api.answer('GET', `${TEAM}/grants`, grants(20)).request.params.get('offset')).toBe('0');
    await settle();
    fixture.detectChanges();
    expect(el.querySelectorAll('table[aria-label="Grants"] tbody tr')).toHaveLength(20);
    expect(el.querySelector('[aria-label="Grant pages"]')).toBeNull();
  });

  it("says why the organization's members could not be loaded for adding", async () => {
    await open({ id: 't1', name: 'backend', members: [], createdAt: '2026-11-01T00:00:00Z' }, [], 'fail');
    const alerts = [...el.querySelectorAll('[role="alert"]')].map(text).join(' | ');
    expect(alerts).toContain("Could not load the organization's members");
    expect(alerts).toContain('Try again in a minute.');
    expect(text(el.querySelector('.empty-state'))).toBe('No members in this team.');
  });
});
