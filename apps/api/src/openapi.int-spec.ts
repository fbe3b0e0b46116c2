import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('the committed OpenAPI document', () => {
  it('matches what the running API serves (regenerate with `npm run openapi`)', async () => {
    const live = (await (await fetch(`${t.url}/api/docs-json`)).json()) as {
      paths: unknown;
      components: unknown;
    };
    const committed = JSON.parse(
      readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'),
    ) as typeof live;
    expect(live.paths).toEqual(committed.paths);
    expect(live.components).toEqual(committed.components);
  });

  it('is served as HTML at /api/docs', async () => {
    const res = await fetch(`${t.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger');
  });
});
