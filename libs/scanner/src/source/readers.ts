import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ScanError } from '../errors.js';
import type { Platform } from '../types.js';
import { indexTarFile, openTarMember, readTarMember, type TarMember } from './tar-index.js';
import {
  MEDIA_TYPES,
  isIndexMediaType,
  platformMatches,
  type Descriptor,
  type ImageConfig,
  type ImageContainer,
  type ImageIndex,
  type ImageManifest,
  type ImageSource,
} from './types.js';

const MAX_JSON = 16 * 1024 * 1024;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Files of an image container, whether a directory or an archive tar (never extracted). */
interface FileStore {
  has(path: string): boolean | Promise<boolean>;
  read(path: string): Promise<Buffer>;
  open(path: string): Readable;
}

class DirStore implements FileStore {
  constructor(private readonly root: string) {}
  async has(path: string): Promise<boolean> {
    try {
      return (await stat(join(this.root, path))).isFile();
    } catch {
      return false;
    }
  }
  async read(path: string): Promise<Buffer> {
    const p = join(this.root, path);
    const st = await stat(p);
    if (st.size > MAX_JSON) throw new ScanError('IMAGE_INVALID', `${path} is larger than ${MAX_JSON} bytes`);
    return readFile(p);
  }
  open(path: string): Readable {
    return createReadStream(join(this.root, path), { highWaterMark: 1024 * 1024 });
  }
}

class TarStore implements FileStore {
  private constructor(
    private readonly file: string,
    private readonly members: Map<string, TarMember>,
  ) {}
  static async open(file: string): Promise<TarStore> {
    try {
      return new TarStore(file, await indexTarFile(file));
    } catch (err) {
      throw new ScanError(
        'IMAGE_INVALID',
        `${file} is not a readable tar archive: ${(err as Error).message}`,
        undefined,
        { cause: err },
      );
    }
  }
  has(path: string): boolean {
    return this.members.get(path)?.type === 'file';
  }
  member(path: string): TarMember {
    const m = this.members.get(path);
    if (!m || m.type !== 'file') throw new ScanError('BLOB_NOT_FOUND', `${path} not found in ${this.file}`);
    return m;
  }
  read(path: string): Promise<Buffer> {
    return readTarMember(this.file, this.member(path), MAX_JSON);
  }
  open(path: string): Readable {
    return openTarMember(this.file, this.member(path));
  }
}

function parseJson<T>(buf: Buffer, what: string): T {
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (err) {
    throw new ScanError('IMAGE_INVALID', `${what} is not valid JSON`, undefined, { cause: err });
  }
}

function sha256(buf: Buffer): string {
  return 'sha256:' + createHash('sha256').update(buf).digest('hex');
}

function checkDigest(d: string): string {
  // Digests become file names: anything but a well-formed digest could climb out of blobs/.
  if (!DIGEST.test(d)) throw new ScanError('IMAGE_INVALID', `malformed digest "${d}"`);
  return d;
}

function platformOf(config: ImageConfig, desc?: Descriptor): Platform {
  if (desc?.platform) return desc.platform;
  const p: Platform = { os: config.os ?? 'unknown', architecture: config.architecture ?? 'unknown' };
  if (config.variant) p.variant = config.variant;
  if (config['os.version']) p['os.version'] = config['os.version'];
  return p;
}

function isAttestation(d: Descriptor): boolean {
  return (
    d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || d.platform?.os === 'unknown'
  );
}

export interface OpenOptions {
  /** Keep only the manifest of this platform (from an index). */
  platform?: Platform;
  /** For OCI layouts: the org.opencontainers.image.ref.name to pick. */
  refName?: string;
}

/** OCI image layout (https://github.com/opencontainers/image-spec/blob/main/image-layout.md). */
async function readOciLayout(store: FileStore, reference: string, opts: OpenOptions): Promise<ImageSource[]> {
  const blobPath = (d: string) => {
    const [alg, hex] = checkDigest(d).split(':') as [string, string];
    return `blobs/${alg}/${hex}`;
  };
  const readBlob = async (d: string) => {
    const buf = await store.read(blobPath(d));
    if (sha256(buf) !== d && d.startsWith('sha256:'))
      throw new ScanError('IMAGE_INVALID', `blob ${d} does not match its digest`);
    return buf;
  };
  const root = parseJson<ImageIndex>(await store.read('index.json'), 'index.json');
  if (!Array.isArray(root.manifests)) throw new ScanError('IMAGE_INVALID', 'index.json has no manifests');
  let top = root.manifests;
  if (opts.refName) {
    top = top.filter((m) => m.annotations?.['org.opencontainers.image.ref.name'] === opts.refName);
    if (top.length === 0)
      throw new ScanError('IMAGE_NOT_FOUND', `no image named "${opts.refName}" in ${reference}`);
  }
  const out: ImageSource[] = [];
  const visit = async (desc: Descriptor, depth: number, parentPlatform?: Platform): Promise<void> => {
    if (depth > 4) throw new ScanError('IMAGE_INVALID', 'image index nesting too deep');
    const bytes = await readBlob(desc.digest);
    const doc = parseJson<ImageManifest & ImageIndex>(bytes, `manifest ${desc.digest}`);
    const mt = doc.mediaType ?? desc.mediaType;
    if (isIndexMediaType(mt) || (Array.isArray(doc.manifests) && !doc.config)) {
      for (const m of doc.manifests) {
        if (isAttestation(m)) continue;
        if (opts.platform && m.platform && !platformMatches(opts.platform, m.platform)) continue;
        await visit(m, depth + 1, m.platform);
      }
      return;
    }
    if (!doc.config || !Array.isArray(doc.layers))
      throw new ScanError('IMAGE_INVALID', `manifest ${desc.digest} has no config or layers`);
    const config = parseJson<ImageConfig>(await readBlob(doc.config.digest), `config ${doc.config.digest}`);
    const platform = platformOf(config, parentPlatform ? desc : undefined);
    if (opts.platform && !platformMatches(opts.platform, platform)) return;
    out.push({
      reference,
      manifest: { ...doc, mediaType: mt },
      manifestDigest: desc.digest,
      config,
      configDigest: doc.config.digest,
      platform,
      openBlob: async (d: string) => {
        const p = blobPath(d);
        if (!(await store.has(p)))
          throw new ScanError('BLOB_NOT_FOUND', `blob ${d} is not in ${reference}`, d);
        return store.open(p);
      },
    });
  };
  for (const m of top) await visit(m, 0, m.platform);
  return out;
}

interface DockerSaveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** `docker save` legacy layout: manifest.json lists config file and <id>/layer.tar per image. */
async function readDockerArchive(
  store: FileStore,
  reference: string,
  opts: OpenOptions,
): Promise<ImageSource[]> {
  const entries = parseJson<DockerSaveEntry[]>(await store.read('manifest.json'), 'manifest.json');
  if (!Array.isArray(entries))
    throw new ScanError('IMAGE_INVALID', 'manifest.json is not a docker save manifest');
  const out: ImageSource[] = [];
  for (const e of entries) {
    const configBytes = await store.read(e.Config);
    const config = parseJson<ImageConfig>(configBytes, e.Config);
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== e.Layers.length)
      throw new ScanError('IMAGE_INVALID', `${e.Config}: diff_ids do not match the layer list`);
    const byDigest = new Map<string, string>();
    // The layers are uncompressed tars, so each one's digest is its DiffID.
    const layers: Descriptor[] = e.Layers.map((file, i) => {
      const d = checkDigest(diffIds[i]);
      byDigest.set(d, file);
      return { mediaType: MEDIA_TYPES.dockerLayerTar, digest: d, size: 0 };
    });
    const platform = platformOf(config);
    if (opts.platform && !platformMatches(opts.platform, platform)) continue;
    out.push({
      reference,
      manifest: {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.dockerManifest,
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          digest: sha256(configBytes),
          size: configBytes.length,
        },
        layers,
      },
      manifestDigest: null,
      config,
      configDigest: sha256(configBytes),
      platform,
      openBlob: async (d: string) => {
        const file = byDigest.get(d);
        if (!file) throw new ScanError('BLOB_NOT_FOUND', `layer ${d} is not in ${reference}`, d);
        return store.open(file);
      },
    });
  }
  return out;
}

/** skopeo `dir:` layout: manifest.json plus one file per blob named by its hex digest. */
async function readSkopeoDir(store: FileStore, reference: string, opts: OpenOptions): Promise<ImageSource[]> {
  const bytes = await store.read('manifest.json');
  const doc = parseJson<ImageManifest & ImageIndex>(bytes, 'manifest.json');
  const blob = (d: string) => checkDigest(d).split(':')[1];
  const sources: { manifest: ImageManifest; digest: string; desc?: Descriptor }[] = [];
  if (isIndexMediaType(doc.mediaType) || (Array.isArray(doc.manifests) && !doc.config)) {
    for (const m of doc.manifests) {
      if (isAttestation(m)) continue;
      if (opts.platform && m.platform && !platformMatches(opts.platform, m.platform)) continue;
      const mb = await store.read(`${blob(m.digest)}.manifest.json`);
      sources.push({ manifest: parseJson<ImageManifest>(mb, m.digest), digest: m.digest, desc: m });
    }
  } else sources.push({ manifest: doc, digest: sha256(bytes) });
  const out: ImageSource[] = [];
  for (const s of sources) {
    const config = parseJson<ImageConfig>(await store.read(blob(s.manifest.config.digest)), 'config');
    const platform = platformOf(config, s.desc);
    if (opts.platform && !platformMatches(opts.platform, platform)) continue;
    out.push({
      reference,
      manifest: s.manifest,
      manifestDigest: s.digest,
      config,
      configDigest: s.manifest.config.digest,
      platform,
      openBlob: async (d: string) => {
        if (!(await store.has(blob(d))))
          throw new ScanError('BLOB_NOT_FOUND', `blob ${d} is not in ${reference}`, d);
        return store.open(blob(d));
      },
    });
  }
  return out;
}

export type Transport = 'oci-archive' | 'docker-archive' | 'oci' | 'dir';

export function parseImageReference(ref: string): {
  transport: Transport | null;
  path: string;
  refName?: string;
} {
  const m = /^(oci-archive|docker-archive|oci|dir):(.*)$/.exec(ref);
  if (!m) return { transport: null, path: ref };
  const transport = m[1] as Transport;
  let path = m[2];
  let refName: string | undefined;
  if (transport === 'oci' || transport === 'oci-archive') {
    // oci:path[:reference] (containers-transports(5)).
    const i = path.lastIndexOf(':');
    if (i > 0 && !path.slice(i + 1).includes('/')) {
      refName = path.slice(i + 1);
      path = path.slice(0, i);
    }
  }
  return refName ? { transport, path, refName } : { transport, path };
}

/**
 * Open a local image: `oci-archive:file.tar`, `docker-archive:file.tar`, `oci:dir`, `dir:dir`, or a
 * bare path whose kind is detected from its contents.
 */
export async function openImageContainer(ref: string, opts: OpenOptions = {}): Promise<ImageContainer> {
  const parsed = parseImageReference(ref);
  let st;
  try {
    st = await stat(parsed.path);
  } catch {
    throw new ScanError('IMAGE_NOT_FOUND', `${parsed.path}: no such file or directory`);
  }
  const o: OpenOptions = { ...opts, ...(parsed.refName ? { refName: parsed.refName } : {}) };
  let images: ImageSource[];
  if (st.isDirectory()) {
    const store = new DirStore(parsed.path);
    let transport = parsed.transport;
    if (!transport)
      transport = (await store.has('oci-layout')) && (await store.has('index.json')) ? 'oci' : 'dir';
    if (transport === 'oci-archive' || transport === 'docker-archive') {
      throw new ScanError('IMAGE_INVALID', `${transport}: expects a tar file, ${parsed.path} is a directory`);
    }
    images =
      transport === 'oci'
        ? await readOciLayout(store, parsed.path, o)
        : await readSkopeoDir(store, parsed.path, o);
  } else {
    const store = await TarStore.open(parsed.path);
    let transport = parsed.transport;
    if (!transport)
      transport = store.has('index.json') && store.has('oci-layout') ? 'oci-archive' : 'docker-archive';
    if (transport === 'oci' || transport === 'dir') {
      throw new ScanError('IMAGE_INVALID', `${transport}: expects a directory, ${parsed.path} is a file`);
    }
    if (transport === 'docker-archive' && !store.has('manifest.json') && store.has('index.json'))
      transport = 'oci-archive';
    images =
      transport === 'oci-archive'
        ? await readOciLayout(store, parsed.path, o)
        : await readDockerArchive(store, parsed.path, o);
  }
  if (images.length === 0) {
    throw new ScanError(
      opts.platform ? 'PLATFORM_NOT_FOUND' : 'IMAGE_NOT_FOUND',
      `no matching image in ${ref}`,
    );
  }
  return { images, close: async () => undefined };
}
