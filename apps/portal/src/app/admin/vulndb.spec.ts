import { describe, expect, it } from '@jest/globals';
import { statusProgress, toForm, toRequest } from './vulndb.js';

const answer = {
  nvd: {
    enabled: true,
    url: 'https://nvd.example/rest/json/cves/2.0',
    apiKeySet: true,
    intervalMinutes: 120,
  },
  osv: { sources: [{ ecosystem: 'Debian', url: 'https://osv.example/Debian/all.zip' }] },
};

describe('vulndb settings', () => {
  it('never sends the API key unless a new one was typed', () => {
    expect(toRequest(toForm(answer)).nvd).not.toHaveProperty('apiKey');
    expect(toRequest({ ...toForm(answer), apiKey: ' k3y ' }).nvd.apiKey).toBe('k3y');
    expect(toRequest({ ...toForm(answer), apiKey: 'x', clearApiKey: true }).nvd.apiKey).toBeNull();
  });

  it('drops empty OSV rows and trims', () => {
    const f = { ...toForm(answer), sources: [...toForm(answer).sources, { ecosystem: 'npm', url: '  ' }] };
    expect(toRequest(f).osv.sources).toEqual([
      { ecosystem: 'Debian', url: 'https://osv.example/Debian/all.zip' },
    ]);
    expect(toRequest({ ...f, intervalMinutes: '30' as unknown as number }).nvd.intervalMinutes).toBe(30);
  });
});

describe('sync status progress', () => {
  it('reads fractions, percentages and done/total', () => {
    expect(statusProgress({ state: 'running', progress: 0.5 }).percent).toBe(50);
    expect(statusProgress({ state: 'running', progress: 75 }).percent).toBe(75);
    expect(statusProgress({ state: 'running', progress: { done: 1, total: 4, phase: 'nvd' } })).toEqual({
      percent: 25,
      text: 'nvd: 1 of 4',
    });
    expect(statusProgress({ state: 'idle', progress: 1 }).percent).toBeUndefined();
    expect(statusProgress({ state: 'running', progress: null }).text).toBe('Running');
  });
});
