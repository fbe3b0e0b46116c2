import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/*
 * Test helpers (integration and e2e): a tiny OCI client that does the Docker token dance, and
 * small images built in code so the project's own tests need no fixtures.
 */

export const sha256 = (b: Buffer | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface Blob {
  digest: string;
  size: number;
  bytes: Buffer;
  mediaType: string;
}

export function blobOf(bytes: Buffer, mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'): Blob {
  return { digest: sha256(bytes), size: bytes.length, bytes, mediaType };
}

/** A one-file ustar archive: enough for a layer that real tools accept. */
export function tarOf(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512, 0);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100, 8, 'ascii');
  header.write('0000000\0', 108, 8, 'ascii');
  header.write('0000000\0', 116, 8, 'ascii');
  header.write(content.length.toString(8).padStart(11, '0') + '\0', 124, 12, 'ascii');
  header.write('00000000000\0', 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024, 0)]);
}

export interface TestImage {
  config: Blob;
  layers: Blob[];
  manifest: Buffer;
  digest: string;
  mediaType: string;
}

export function buildImage(
  seed: string,
  opts: {
    layers?: number;
    arch?: string;
    subject?: { digest: string; size: number; mediaType: string };
    artifactType?: string;
  } = {},
): TestImage {
  const tars = Array.from({ length: opts.layers ?? 1 }, (_, i) =>
    tarOf(`file-${i}.txt`, Buffer.from(`${seed} layer ${i}\n`)),
  );
  const layers = tars.map((tar) => blobOf(gzipSync(tar)));
  // diff_ids name the uncompressed layers (image-spec config.md): clients that unpack check them.
  const diffIds = tars.map((tar) => sha256(tar));
  const config = blobOf(
    Buffer.from(
      JSON.stringify({
        architecture: opts.arch ?? 'amd64',
        os: 'linux',
        config: { Env: [`SEED=${seed}`] },
        rootfs: { type: 'layers', diff_ids: diffIds },
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifestDoc: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    ...(opts.artifactType ? { artifactType: opts.artifactType } : {}),
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    ...(opts.subject ? { subject: opts.subject } : {}),
  };
  const manifest = Buffer.from(JSON.stringify(manifestDoc, null, 2));
  return {
    config,
    layers,
    manifest,
    digest: sha256(manifest),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
  };
}

/** The bytes of an OCI image index over the given images, each with its platform. */
export function buildIndex(
  children: { image: TestImage; platform: { os: string; architecture: string; variant?: string } }[],
): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: children.map(({ image, platform }) => ({
        mediaType: image.mediaType,
        digest: image.digest,
        size: image.manifest.length,
        platform,
      })),
    }),
  );
}

export interface Res {
  status: number;
  headers: Headers;
  body: Buffer;
  json: <T = unknown>() => T;
}

export type Credentials = { username: string; password: string } | null;

/** Minimal registry client: answers a 401 challenge with a token from the realm, like Docker does. */
export class OciTestClient {
  private tokens = new Map<string, string>();
  /** Learnt from the first challenge, as a real client does. */
  service: string | null = null;

  constructor(
    readonly baseUrl: string,
    readonly credentials: Credentials,
  ) {}

  async token(scopes: string[]): Promise<{ status: number; token?: string; body: unknown }> {
    const u = new URL('/auth/token', this.baseUrl);
    if (this.service) u.searchParams.set('service', this.service);
    for (const s of scopes) u.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    if (this.credentials) {
      headers.authorization = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    }
    const res = await fetch(u, { headers });
    const body = (await res.json()) as { token?: string };
    return { status: res.status, token: body.token, body };
  }

  async request(
    method: string,
    path: string,
    opts: { body?: Buffer | string | ReadableStream; headers?: Record<string, string>; raw?: boolean } = {},
  ): Promise<Res> {
    const send = async (token?: string) => {
      const init: RequestInit & { duplex?: 'half' } = {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers },
        redirect: 'manual',
      };
      if (opts.body !== undefined) {
        init.body = opts.body as NonNullable<RequestInit['body']>;
        if (opts.body instanceof ReadableStream) init.duplex = 'half';
      }
      const res = await fetch(new URL(path, this.baseUrl), init);
      const body = Buffer.from(await res.arrayBuffer());
      return {
        status: res.status,
        headers: res.headers,
        body,
        json: () => JSON.parse(body.toString('utf8')) as unknown,
      } as Res;
    };
    const key = `${method} ${path.split('?')[0]}`;
    const cached = this.tokens.get(key);
    let res = await send(cached);
    if (res.status === 401 && !opts.raw) {
      const challenge = res.headers.get('www-authenticate') ?? '';
      const scope = /scope="([^"]*)"/.exec(challenge)?.[1];
      this.service = /service="([^"]*)"/.exec(challenge)?.[1] ?? this.service;
      const t = await this.token(scope ? [scope] : []);
      if (t.token) {
        this.tokens.set(key, t.token);
        res = await send(t.token);
      }
    }
    return res;
  }

  /** Monolithic upload (POST ?digest=). */
  async pushBlob(name: string, blob: { digest: string; bytes: Buffer }): Promise<Res> {
    return this.request('POST', `/v2/${name}/blobs/uploads/?digest=${blob.digest}`, {
      body: blob.bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });
  }

  async pushImage(name: string, tag: string, img: TestImage): Promise<Res> {
    for (const b of [img.config, ...img.layers]) {
      const r = await this.pushBlob(name, b);
      if (r.status !== 201) throw new Error(`blob push failed: ${r.status} ${r.body.toString()}`);
    }
    return this.request('PUT', `/v2/${name}/manifests/${tag}`, {
      body: img.manifest,
      headers: { 'content-type': img.mediaType },
    });
  }
}
