import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { ApiClient, signup } from '../../../test/support/http.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';
import { OciTestClient, blobOf, buildImage, sha256 } from './testing/oci-test-client.js';

let t: TestApp;
let api: ApiClient;
let owner: Awaited<ReturnType<typeof signup>>;
let oci: OciTestClient;

beforeAll(async () => {
  t = await startTestApp();
  api = new ApiClient(t.url);
  owner = await signup(api, 'reg');
  oci = new OciTestClient(t.url, { username: owner.email, password: owner.password });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('registry smoke', () => {
  it('GET /v2/ challenges, then accepts a token', async () => {
    const res = await oci.request('GET', '/v2/', { raw: true });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="http:\/\/[^"]+\/auth\/token",service="[^"]+"$/,
    );
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    const ok = await oci.request('GET', '/v2/');
    expect(ok.status).toBe(200);
  });

  it('pushes and pulls an image', async () => {
    const name = `${owner.organization}/web`;
    const img = buildImage('smoke');
    const put = await oci.pushImage(name, 'v1', img);
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(img.digest);
    const get = await oci.request('GET', `/v2/${name}/manifests/v1`, { headers: { accept: img.mediaType } });
    expect(get.status).toBe(200);
    expect(get.body.equals(img.manifest)).toBe(true);
    const blob = await oci.request('GET', `/v2/${name}/blobs/${img.layers[0].digest}`);
    expect(blob.status).toBe(200);
    expect(sha256(blob.body)).toBe(img.layers[0].digest);
    const tags = await oci.request('GET', `/v2/${name}/tags/list`);
    expect(tags.json()).toEqual({ name, tags: ['v1'] });
    void blobOf;
  });
});
