import type { ApiClient } from '../../../../test/support/http.js';
import type { OciTestClient } from '../../../registry/src/testing/oci-test-client.js';
import type { BuiltImage } from './images.js';

/** Polls until `pick(result)` is truthy (integration tests wait for the worker, never for time). */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 150));
    last = await read();
  }
  return last;
}

export async function pushBuilt(
  oci: OciTestClient,
  name: string,
  tag: string,
  img: BuiltImage,
): Promise<void> {
  for (const b of [img.config, ...img.layers]) {
    const r = await oci.pushBlob(name, b);
    if (r.status !== 201) throw new Error(`blob push failed: ${r.status} ${r.body.toString()}`);
  }
  const put = await oci.request('PUT', `/v2/${name}/manifests/${tag}`, {
    body: img.manifest,
    headers: { 'content-type': img.mediaType },
  });
  if (put.status !== 201) throw new Error(`manifest push failed: ${put.status} ${put.body.toString()}`);
}

export async function pushManifest(
  oci: OciTestClient,
  name: string,
  ref: string,
  m: { manifest: Buffer; mediaType: string },
): Promise<void> {
  const put = await oci.request('PUT', `/v2/${name}/manifests/${ref}`, {
    body: m.manifest,
    headers: { 'content-type': m.mediaType },
  });
  if (put.status !== 201) throw new Error(`manifest push failed: ${put.status} ${put.body.toString()}`);
}

export function scanUrl(org: string, repo: string, tag: string, what = 'scan'): string {
  return `/api/v1/orgs/${org}/repositories/${encodeURIComponent(repo)}/tags/${tag}/${what}`;
}

export async function waitForScan(
  api: ApiClient,
  org: string,
  repo: string,
  tag: string,
  status = 'completed',
) {
  return waitFor(
    () => api.get(scanUrl(org, repo, tag)),
    (r) => r.status === 200 && (r.body as { status: string }).status === status,
    `${repo}:${tag} ${status}`,
  );
}
