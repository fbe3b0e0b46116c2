import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '@drydock/platform';
import type { NextFunction, Request, Response } from 'express';
import { RegistryAuthService, type Caller } from '../auth/registry-auth.service.js';
import { principalLabel } from '../auth/identity-port.js';
import type { RegistryAction } from '../auth/actions.js';
import { RegistryStore } from '../db/registry-store.js';
import type { Repository } from '../db/entities.js';
import { OciError } from '../oci/errors.js';
import { MAX_MANIFEST_BYTES, acceptsManifest } from '../oci/manifest.js';
import { MediaTypes } from '../oci/media-types.js';
import { isValidName, parseDigest } from '../oci/names.js';
import { BLOB_STORE, type BlobStore, type ByteRange } from '../storage/blob-store.js';
import { ManifestsService } from '../services/manifests.service.js';
import { UploadsService, parseContentRange } from '../services/uploads.service.js';
import type { UploadRow } from '../db/registry-store.js';

type Route =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'referrers'; name: string; digest: string };

/**
 * /v2 paths (distribution-spec, "Endpoints"). Names contain slashes, so the suffix decides; the
 * most specific patterns come first (a repository may itself be called `.../blobs`).
 */
export function matchRoute(path: string): Route | null {
  if (path === '/v2' || path === '/v2/') return { kind: 'base' };
  if (path === '/v2/_catalog') return { kind: 'catalog' };
  let m = /^\/v2\/(.+)\/blobs\/uploads\/?$/.exec(path);
  if (m) return { kind: 'uploads', name: m[1] };
  m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/.exec(path);
  if (m) return { kind: 'upload', name: m[1], id: m[2] };
  m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(path);
  if (m) return { kind: 'blob', name: m[1], digest: m[2] };
  m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path);
  if (m) return { kind: 'manifest', name: m[1], reference: m[2] };
  m = /^\/v2\/(.+)\/tags\/list$/.exec(path);
  if (m) return { kind: 'tags', name: m[1] };
  m = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(path);
  if (m) return { kind: 'referrers', name: m[1], digest: m[2] };
  return null;
}

function queryString(req: Request, key: string): string | null {
  const url = new URL(req.originalUrl, 'http://x');
  return url.searchParams.get(key);
}

function contentLength(req: Request): number | null {
  const v = req.headers['content-length'];
  return v === undefined ? null : Number(v);
}

function hasBody(req: Request): boolean {
  const len = contentLength(req);
  return (len !== null && len > 0) || req.headers['transfer-encoding'] !== undefined;
}

/**
 * How much of a refused request's unread body is read (and dropped) before the answer, so that the
 * connection stays usable — as Go's net/http, which the reference registry runs on, does (256 KiB).
 * A client that streams its body from a pipe (containerd) may wait for the body to be taken before
 * it reads the answer: a refused manifest PUT answered with `Connection: close` left `ctr push`
 * hanging after the 403. Bigger or slower bodies (a refused blob upload) close the connection.
 */
const DRAIN_LIMIT = 256 * 1024;
const DRAIN_MS = 2_000;

/** Reads and drops the rest of `req`'s body; true when it ended within the limits. */
function drainBody(req: Request): Promise<boolean> {
  const declared = contentLength(req);
  if (req.destroyed || (declared !== null && declared > DRAIN_LIMIT)) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      resolve(ok);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT) done(false);
    };
    const onEnd = () => done(true);
    const onError = () => done(false);
    const onClose = () => done(req.readableEnded);
    const timer = setTimeout(() => done(false), DRAIN_MS);
    req.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
    req.resume();
  });
}

/** `Range: bytes=a-b | a- | -n` → inclusive byte range; null to serve the whole blob. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return header.includes(',') ? null : 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

async function readLimited(req: Request, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new OciError('MANIFEST_INVALID', `manifest exceeds ${limit} bytes`, undefined, 413);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A write that referenced a repository row that no longer exists (foreign key on repository_id). */
function isRepositoryGone(e: unknown): boolean {
  // TypeORM wraps the driver's error (withTenant); the one-round-trip writes throw it as is.
  const err = e as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  };
  const d = err?.driverError ?? err;
  return d?.code === '23503' && (d.constraint ?? '').endsWith('_repository_id_fkey');
}

/** The /v2 API as one Express handler, mounted outside Nest's body parsers so bodies stream raw. */
@Injectable()
export class V2Handler {
  constructor(
    @Inject(RegistryAuthService) private readonly auth: RegistryAuthService,
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(UploadsService) private readonly uploads: UploadsService,
    @Inject(ManifestsService) private readonly manifests: ManifestsService,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const path = req.originalUrl.split('?')[0];
    if (path !== '/v2' && !path.startsWith('/v2/')) return next();
    this.handle(req, res, path).catch((e: unknown) => this.fail(req, res, e));
  };

  private fail(req: Request, res: Response, e: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A body not (fully) read yet is taken first when it is small (see DRAIN_LIMIT); otherwise the
    // answer closes the connection. A request without one (a HEAD or GET answered 401/404, as every
    // push's blob probes are) keeps its keep-alive connection as it is.
    if (hasBody(req) && !req.readableEnded) {
      void drainBody(req).then((drained) => {
        if (res.headersSent) return;
        if (!drained) {
          res.setHeader('Connection', 'close');
          req.resume();
        }
        this.answerError(req, res, e);
      });
      return;
    }
    this.answerError(req, res, e);
  }

  private answerError(req: Request, res: Response, e: unknown): void {
    const err = e instanceof OciError ? e : null;
    if (!err)
      this.logger.error({ err: e, method: req.method, url: req.originalUrl }, 'registry request failed');
    const status = err?.status ?? 500;
    const body = err ? err.toBody() : { errors: [{ code: 'UNKNOWN', message: 'internal error' }] };
    res.status(status);
    for (const [k, v] of Object.entries(err?.headers ?? {})) {
      const value =
        k === 'WWW-Authenticate'
          ? v.replace(this.auth.realm, this.auth.realmFor(`${req.protocol}://${req.get('host')}`))
          : v;
      res.setHeader(k, value);
    }
    // HEAD gets the headers GET would (Content-Length included, which keeps the connection
    // reusable for every client) without the body.
    const json = JSON.stringify(body);
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', String(Buffer.byteLength(json)));
    if (req.method === 'HEAD') res.end();
    else res.end(json);
  }

  private async handle(req: Request, res: Response, path: string): Promise<void> {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    let route: Route | null;
    try {
      route = matchRoute(decodeURI(path));
    } catch {
      throw new OciError('NAME_INVALID', 'malformed path', { path });
    }
    const caller = await this.auth.authenticate(req.headers.authorization, req.ip ?? '');
    if (!caller) {
      throw new OciError('UNAUTHORIZED', 'invalid credentials', undefined, undefined, {
        'WWW-Authenticate': this.auth.challenge(undefined, 'invalid_token'),
      });
    }
    if (!route) throw new OciError('NAME_INVALID', 'unknown registry endpoint', { path }, 404);
    try {
      await this.dispatch(req, res, caller, route);
    } catch (e) {
      if ('name' in route && isRepositoryGone(e)) {
        // The repository row this process had cached was deleted (on any replica) meanwhile.
        this.store.forgetRepository(route.name);
        throw new OciError('NAME_UNKNOWN', 'the repository was deleted; retry', { name: route.name });
      }
      throw e;
    }
  }

  private async dispatch(req: Request, res: Response, caller: Caller, route: Route): Promise<void> {
    const method = req.method;
    switch (route.kind) {
      case 'base':
        if (caller.kind === 'none') {
          throw new OciError('UNAUTHORIZED', undefined, undefined, undefined, {
            'WWW-Authenticate': this.auth.challenge(),
          });
        }
        res.status(200).json({});
        return;
      case 'catalog':
        return this.catalog(req, res, caller);
      case 'tags':
        this.allow(method, ['GET']);
        return this.tags(req, res, await this.repo(caller, route.name, 'pull'));
      case 'manifest':
        return this.manifest(req, res, caller, route.name, route.reference);
      case 'blob':
        return this.blob(req, res, caller, route.name, route.digest);
      case 'uploads':
        this.allow(method, ['POST']);
        return this.startUpload(req, res, caller, route.name);
      case 'upload':
        return this.upload(req, res, caller, route.name, route.id);
      case 'referrers': {
        this.allow(method, ['GET']);
        const repo = await this.repo(caller, route.name, 'pull');
        const artifactType = queryString(req, 'artifactType');
        const body = await this.manifests.referrers(repo, route.digest, artifactType);
        if (artifactType) res.setHeader('OCI-Filters-Applied', 'artifactType');
        res.status(200).setHeader('Content-Type', MediaTypes.ociIndex).end(body);
        return;
      }
    }
  }

  private allow(method: string, methods: string[]): void {
    if (!methods.includes(method))
      throw new OciError('UNSUPPORTED', `method ${method} not allowed here`, undefined, 405);
  }

  /** Authorizes and loads the repository; a repository that does not exist is NAME_UNKNOWN. */
  private async repo(caller: Caller, name: string, action: RegistryAction): Promise<Repository> {
    if (!isValidName(name)) throw new OciError('NAME_INVALID', undefined, { name });
    const resolved = await this.auth.authorize(caller, name, action);
    if (resolved.repo) return resolved.repo;
    if (action === 'push') return this.store.ensureRepository(resolved.org.id, name);
    throw new OciError('NAME_UNKNOWN', undefined, { name });
  }

  private pushedBy(caller: Caller): string {
    return caller.kind === 'principal' ? principalLabel(caller.principal) : 'anonymous';
  }

  private async catalog(req: Request, res: Response, caller: Caller): Promise<void> {
    this.allow(req.method, ['GET']);
    if (caller.kind !== 'principal') {
      throw new OciError('UNAUTHORIZED', undefined, undefined, undefined, {
        'WWW-Authenticate': this.auth.challenge('registry:catalog:*'),
      });
    }
    const n = this.pageSize(req, 100);
    const last = queryString(req, 'last');
    const names: string[] = [];
    // Names start with "<slug>/", so walking the orgs in that order keeps the catalog sorted and
    // `last` works as a cursor for every organization alike.
    const orgs = (await this.auth.organizationsOf(caller.principal)).sort((a, b) =>
      `${a.slug}/` < `${b.slug}/` ? -1 : 1,
    );
    outer: for (const org of orgs) {
      let cursor = last;
      for (;;) {
        const batch = await this.store.listRepositories(org.id, cursor, 200);
        for (const r of batch) {
          if (await this.auth.repositoryLevel(caller.principal, org.id, r.name)) names.push(r.name);
          if (names.length > n) break outer;
        }
        if (batch.length < 200) break;
        cursor = batch[batch.length - 1].name;
      }
    }
    const page = names.slice(0, n);
    if (names.length > n) {
      res.setHeader(
        'Link',
        `</v2/_catalog?n=${n}&last=${encodeURIComponent(page[page.length - 1])}>; rel="next"`,
      );
    }
    res.status(200).json({ repositories: page });
  }

  private pageSize(req: Request, fallback: number): number {
    const raw = queryString(req, 'n');
    if (raw === null || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw new OciError('UNSUPPORTED', 'n must be a non-negative integer', undefined, 400);
    return Math.min(n, 10_000);
  }

  /** GET /v2/<name>/tags/list?n=&last= with a Link header to the next page (spec, "Listing Tags"). */
  private async tags(req: Request, res: Response, repo: Repository): Promise<void> {
    const rawN = queryString(req, 'n');
    const n = rawN === null ? null : this.pageSize(req, 0);
    const last = queryString(req, 'last');
    if (n === 0) {
      res.status(200).json({ name: repo.name, tags: [] });
      return;
    }
    const tags = await this.store.listTags(repo.organizationId, repo.id, n === null ? null : n + 1, last);
    const page = n === null ? tags : tags.slice(0, n);
    if (n !== null && tags.length > n) {
      res.setHeader(
        'Link',
        `</v2/${repo.name}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1])}>; rel="next"`,
      );
    }
    res.status(200).json({ name: repo.name, tags: page });
  }

  private async manifest(
    req: Request,
    res: Response,
    caller: Caller,
    name: string,
    reference: string,
  ): Promise<void> {
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const repo = await this.repo(caller, name, 'pull');
        const m = await this.manifests.get(repo, reference);
        if (!acceptsManifest(req.headers.accept, m.mediaType)) {
          throw new OciError(
            'MANIFEST_UNKNOWN',
            `the manifest is ${m.mediaType}, which the Accept header does not allow`,
            {
              mediaType: m.mediaType,
            },
          );
        }
        res.status(200);
        res.setHeader('Content-Type', m.mediaType);
        res.setHeader('Content-Length', String(m.content.length));
        res.setHeader('Docker-Content-Digest', m.digest);
        res.setHeader('ETag', `"${m.digest}"`);
        if (req.method === 'HEAD') res.end();
        else res.end(m.content);
        return;
      }
      case 'PUT': {
        const len = contentLength(req);
        if (len !== null && len > MAX_MANIFEST_BYTES) {
          throw new OciError(
            'MANIFEST_INVALID',
            `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`,
            undefined,
            413,
          );
        }
        const repo = await this.repo(caller, name, 'push');
        const body = await readLimited(req, MAX_MANIFEST_BYTES);
        const { digest, parsed } = await this.manifests.put(
          repo,
          reference,
          body,
          req.headers['content-type'],
          this.pushedBy(caller),
        );
        res.status(201);
        res.setHeader('Location', `/v2/${name}/manifests/${digest}`);
        res.setHeader('Docker-Content-Digest', digest);
        if (parsed.subject) res.setHeader('OCI-Subject', parsed.subject.digest);
        res.end();
        return;
      }
      case 'DELETE': {
        const repo = await this.repo(caller, name, 'delete');
        await this.manifests.delete(repo, reference);
        res.status(202).end();
        return;
      }
      default:
        this.allow(req.method, ['GET', 'HEAD', 'PUT', 'DELETE']);
    }
  }

  private async blob(
    req: Request,
    res: Response,
    caller: Caller,
    name: string,
    rawDigest: string,
  ): Promise<void> {
    if (req.method === 'DELETE') {
      const repo = await this.repo(caller, name, 'delete');
      const digest = parseDigest(rawDigest).value;
      if (!(await this.store.unlinkBlob(repo.organizationId, repo.id, digest)))
        throw new OciError('BLOB_UNKNOWN', undefined, { digest });
      res.status(202).end();
      return;
    }
    this.allow(req.method, ['GET', 'HEAD']);
    const repo = await this.repo(caller, name, 'pull');
    const digest = parseDigest(rawDigest).value;
    const linked = await this.store.blobLinked(repo.organizationId, repo.id, digest);
    if (!linked) throw new OciError('BLOB_UNKNOWN', undefined, { digest });
    const size = linked.size;
    const range = parseRange(req.headers.range, size);
    if (range === 'invalid') {
      throw new OciError('RANGE_INVALID', 'requested range not satisfiable', { size }, 416, {
        'Content-Range': `bytes */${size}`,
      });
    }
    res.setHeader('Docker-Content-Digest', digest);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', `"${digest}"`);
    res.setHeader('Cache-Control', 'max-age=31536000');
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.status(200);
      res.setHeader('Content-Length', String(size));
    }
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    await this.blobs.send(digest, res, range ?? undefined);
    res.end();
  }

  private uploadHeaders(res: Response, name: string, upload: UploadRow): void {
    res.setHeader('Location', `/v2/${name}/blobs/uploads/${upload.id}`);
    res.setHeader('Docker-Upload-UUID', upload.id);
    // "0-0" for an empty upload, as distribution answers; clients take the end as offset - 1.
    res.setHeader('Range', `0-${Math.max(0, upload.uploadedBytes - 1)}`);
  }

  private blobCreated(res: Response, name: string, digest: string): void {
    res.status(201);
    res.setHeader('Location', `/v2/${name}/blobs/${digest}`);
    res.setHeader('Docker-Content-Digest', digest);
    res.setHeader('Content-Length', '0');
    res.end();
  }

  /** POST /v2/<name>/blobs/uploads/ — start, monolithic (?digest=), or mount (?mount=&from=). */
  private async startUpload(req: Request, res: Response, caller: Caller, name: string): Promise<void> {
    const repo = await this.repo(caller, name, 'push');
    const mount = queryString(req, 'mount');
    const from = queryString(req, 'from');
    if (mount && from && isValidName(from)) {
      const digest = parseDigest(mount).value;
      // Mount only when the caller may pull from the source; otherwise fall back to an upload
      // (distribution-spec, "Mounting a blob from another repository") — never an error that
      // would reveal whether the source exists.
      const source = await this.auth.authorize(caller, from, 'pull').catch(() => null);
      if (source?.repo && (await this.store.blobLinked(source.org.id, source.repo.id, digest))) {
        await this.store.linkBlob(repo.organizationId, repo.id, digest);
        this.blobCreated(res, name, digest);
        return;
      }
    }
    const id = await this.uploads.start(repo.organizationId, repo.id);
    const upload: UploadRow = {
      id,
      organizationId: repo.organizationId,
      repositoryId: repo.id,
      uploadedBytes: 0,
      parts: [],
    };
    const digestParam = queryString(req, 'digest');
    if (digestParam) {
      const digest = parseDigest(digestParam).value;
      const after = await this.uploads.append(upload, req, null, contentLength(req));
      await this.uploads.finish(after, digest);
      this.blobCreated(res, name, digest);
      return;
    }
    if (hasBody(req)) req.resume();
    res.status(202);
    this.uploadHeaders(res, name, upload);
    res.setHeader('Content-Length', '0');
    res.end();
  }

  private async upload(req: Request, res: Response, caller: Caller, name: string, id: string): Promise<void> {
    this.allow(req.method, ['GET', 'PATCH', 'PUT', 'DELETE']);
    const repo = await this.repo(caller, name, 'push');
    const upload = await this.uploads.get(repo.organizationId, repo.id, id);
    switch (req.method) {
      case 'GET':
        res.status(204);
        this.uploadHeaders(res, name, upload);
        res.end();
        return;
      case 'DELETE':
        await this.uploads.cancel(upload);
        res.status(204).end();
        return;
      case 'PATCH': {
        const range = parseContentRange(req.headers['content-range']);
        if (range === 'invalid') throw new OciError('RANGE_INVALID', 'invalid Content-Range', undefined, 416);
        const after = await this.uploads
          .append(upload, req, range, contentLength(req))
          .catch((e: unknown) => {
            if (e instanceof OciError && e.code === 'RANGE_INVALID') {
              this.uploadHeaders(res, name, upload);
            }
            throw e;
          });
        res.status(202);
        this.uploadHeaders(res, name, after);
        res.setHeader('Content-Length', '0');
        res.end();
        return;
      }
      case 'PUT': {
        const digestParam = queryString(req, 'digest');
        if (!digestParam) throw new OciError('DIGEST_INVALID', 'digest query parameter is required');
        const digest = parseDigest(digestParam).value;
        let current = upload;
        if (hasBody(req)) {
          const range = parseContentRange(req.headers['content-range']);
          if (range === 'invalid')
            throw new OciError('RANGE_INVALID', 'invalid Content-Range', undefined, 416);
          current = await this.uploads.append(upload, req, range, contentLength(req));
        }
        await this.uploads.finish(current, digest);
        this.blobCreated(res, name, digest);
        return;
      }
    }
  }
}
