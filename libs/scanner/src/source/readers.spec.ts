import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTar, gzip } from '../__tests__/layers.js';
import { ScanError } from '../errors.js';
import { scanImage } from '../scan-image.js';
import { openImageContainer, parseImageReference } from './readers.js';
import { platformString } from './types.js';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let dir: string;
const files: Record<string, Buffer> = {};

async function makeImage(arch: string, pkg: string) {
  const tar = await buildTar([
    { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    {
      name: `app/node_modules/${pkg}/package.json`,
      content: JSON.stringify({ name: pkg, version: '1.0.0' }),
    },
  ]);
  const layer = gzip(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: arch,
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [`sha256:${sha(tar)}`] },
      history: [{ created_by: `COPY ${pkg}` }, { created_by: 'CMD x', empty_layer: true }],
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: `sha256:${sha(config)}`,
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: `sha256:${sha(layer)}`,
          size: layer.length,
        },
      ],
    }),
  );
  for (const b of [layer, config, manifest]) files[`blobs/sha256/${sha(b)}`] = b;
  return { tar, layer, config, manifest };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scanner-readers-'));
  const amd = await makeImage('amd64', 'left-pad');
  const arm = await makeImage('arm64', 'right-pad');
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${sha(amd.manifest)}`,
          size: amd.manifest.length,
          platform: { os: 'linux', architecture: 'amd64' },
        },
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${sha(arm.manifest)}`,
          size: arm.manifest.length,
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        },
      ],
    }),
  );
  files[`blobs/sha256/${sha(index)}`] = index;
  files['oci-layout'] = Buffer.from('{"imageLayoutVersion":"1.0.0"}');
  files['index.json'] = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          digest: `sha256:${sha(index)}`,
          size: index.length,
        },
      ],
    }),
  );
  // OCI layout directory and the same as an oci-archive tar.
  for (const [p, b] of Object.entries(files)) {
    mkdirSync(join(dir, 'layout', p, '..'), { recursive: true });
    writeFileSync(join(dir, 'layout', p), b);
  }
  writeFileSync(
    join(dir, 'image.tar'),
    await buildTar(Object.entries(files).map(([name, content]) => ({ name, content }))),
  );
  // docker save (legacy): uncompressed layer.tar, config json, manifest.json.
  writeFileSync(
    join(dir, 'docker.tar'),
    await buildTar([
      {
        name: 'manifest.json',
        content: JSON.stringify([{ Config: 'cfg.json', RepoTags: ['x:1'], Layers: ['abc/layer.tar'] }]),
      },
      { name: 'cfg.json', content: amd.config },
      { name: 'abc/layer.tar', content: amd.tar },
    ]),
  );
  // skopeo dir: manifest.json + blobs named by hex digest.
  mkdirSync(join(dir, 'skopeo'));
  writeFileSync(join(dir, 'skopeo', 'manifest.json'), amd.manifest);
  writeFileSync(join(dir, 'skopeo', 'version'), 'Directory Transport Version: 1.1\n');
  writeFileSync(join(dir, 'skopeo', sha(amd.config)), amd.config);
  writeFileSync(join(dir, 'skopeo', sha(amd.layer)), amd.layer);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('image readers', () => {
  it('parses transport references', () => {
    expect(parseImageReference('oci:/x/y:latest')).toEqual({
      transport: 'oci',
      path: '/x/y',
      refName: 'latest',
    });
    expect(parseImageReference('docker-archive:/a.tar')).toEqual({
      transport: 'docker-archive',
      path: '/a.tar',
    });
    expect(parseImageReference('/plain')).toEqual({ transport: null, path: '/plain' });
  });

  it.each([
    ['oci layout directory', () => `oci:${join(dir, 'layout')}`],
    ['bare layout directory', () => join(dir, 'layout')],
    ['oci-archive', () => `oci-archive:${join(dir, 'image.tar')}`],
    ['bare archive', () => join(dir, 'image.tar')],
  ])('%s: an index yields one image per platform, filterable', async (_n, ref) => {
    const all = await openImageContainer(ref());
    expect(all.images.map((i) => platformString(i.platform))).toEqual(['linux/amd64', 'linux/arm64/v8']);
    const arm = await openImageContainer(ref(), { platform: { os: 'linux', architecture: 'arm64' } });
    expect(arm.images).toHaveLength(1);
    const r = await scanImage(arm.images[0]);
    expect(r.components.map((c) => c.name)).toEqual(['right-pad']);
    expect(r.components[0]).toMatchObject({ layerIndex: 0, createdBy: 'COPY right-pad' });
    expect(r.os?.id).toBe('debian');
  });

  it('docker-archive: layer digests are the DiffIDs of the uncompressed layer tars', async () => {
    const c = await openImageContainer(`docker-archive:${join(dir, 'docker.tar')}`);
    const r = await scanImage(c.images[0]);
    expect(r.image.digest).toBeNull();
    expect(r.layers[0]?.digest).toBe(r.layers[0]?.diffId);
    expect(r.components.map((x) => x.name)).toEqual(['left-pad']);
  });

  it('skopeo dir:', async () => {
    const c = await openImageContainer(`dir:${join(dir, 'skopeo')}`);
    const r = await scanImage(c.images[0]);
    expect(r.components.map((x) => x.name)).toEqual(['left-pad']);
  });

  it('clear errors for missing images, wrong platforms and transports', async () => {
    await expect(openImageContainer(join(dir, 'nope'))).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });
    await expect(
      openImageContainer(join(dir, 'layout'), { platform: { os: 'windows', architecture: 'amd64' } }),
    ).rejects.toMatchObject({
      code: 'PLATFORM_NOT_FOUND',
    });
    await expect(openImageContainer(`oci-archive:${join(dir, 'layout')}`)).rejects.toBeInstanceOf(ScanError);
  });
});
