import { Inject, Injectable } from '@nestjs/common';
import { QUEUES, QueueName, type Queues } from '@drydock/platform';
import { RegistryStore, type StoredManifest } from '../db/registry-store.js';
import type { Repository } from '../db/entities.js';
import { MANIFEST_PUSHED, manifestPushedJobId, type ManifestPushedEvent } from '../events.js';
import { OciError } from '../oci/errors.js';
import { parseManifest, type ParsedManifest } from '../oci/manifest.js';
import { MediaTypes } from '../oci/media-types.js';
import { parseDigest, parseReference } from '../oci/names.js';
import { sha256 } from '../storage/hashing.js';

export interface PutResult {
  digest: string;
  parsed: ParsedManifest;
}

@Injectable()
export class ManifestsService {
  constructor(
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(QUEUES) private readonly queues: Queues,
  ) {}

  async get(repo: Repository, reference: string): Promise<StoredManifest> {
    const ref = parseReference(reference);
    const m =
      ref.kind === 'tag'
        ? await this.store.findManifestByTag(repo.organizationId, repo.id, ref.tag)
        : await this.store.findManifestByDigest(repo.organizationId, repo.id, ref.digest.value);
    if (!m) throw new OciError('MANIFEST_UNKNOWN', undefined, { reference });
    return m;
  }

  /**
   * PUT /v2/<name>/manifests/<reference> (distribution-spec, "Pushing manifests"). The bytes are
   * stored exactly as received and the digest is computed over them. Every blob and child manifest
   * must already be in this repository — not merely somewhere in the registry, or a caller could
   * reference another tenant's blob by digest and pull it — except foreign layers and the subject.
   */
  async put(
    repo: Repository,
    reference: string,
    body: Buffer,
    contentType: string | undefined,
    pushedBy: string,
  ): Promise<PutResult> {
    const ref = parseReference(reference);
    const digest = sha256(body);
    if (ref.kind === 'digest' && ref.digest.value !== digest) {
      throw new OciError('DIGEST_INVALID', 'manifest digest does not match the reference', {
        reference,
        digest,
      });
    }
    const parsed = parseManifest(body, contentType);
    const blobs = parsed.references.filter((r) => r.mustExist && r.kind !== 'manifest').map((r) => r.digest);
    const children = parsed.references.filter((r) => r.kind === 'manifest').map((r) => r.digest);
    const tag = ref.kind === 'tag' ? ref.tag : null;
    const { missing } = await this.store.putManifest(repo.organizationId, repo.id, {
      digest,
      content: body,
      parsed,
      tag,
      pushedBy,
      requiredBlobs: [...new Set(blobs)],
      requiredManifests: [...new Set(children)],
    });
    if (missing.length) {
      throw new OciError(
        'MANIFEST_BLOB_UNKNOWN',
        undefined,
        missing.map((d) => ({ digest: d })),
      );
    }
    const event: ManifestPushedEvent = {
      organizationId: repo.organizationId,
      repositoryId: repo.id,
      repository: repo.name,
      tag,
      digest,
      mediaType: parsed.mediaType,
      pushedBy,
      pushedAt: new Date().toISOString(),
    };
    await this.queues[QueueName.RegistryEvents].add(MANIFEST_PUSHED, event, {
      jobId: manifestPushedJobId(event),
      removeOnComplete: true,
      removeOnFail: 1000,
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
    });
    return { digest, parsed };
  }

  /** DELETE by digest removes the manifest (and its tags); by tag removes only the tag (spec v1.1). */
  async delete(repo: Repository, reference: string): Promise<void> {
    const ref = parseReference(reference);
    const ok =
      ref.kind === 'tag'
        ? await this.store.deleteTag(repo.organizationId, repo.id, ref.tag)
        : await this.store.deleteManifest(repo.organizationId, repo.id, ref.digest.value);
    if (!ok) throw new OciError('MANIFEST_UNKNOWN', undefined, { reference });
  }

  /** GET /v2/<name>/referrers/<digest>: an image index of the manifests whose subject is `digest`. */
  async referrers(repo: Repository, digest: string, artifactType: string | null): Promise<Buffer> {
    parseDigest(digest);
    const rows = await this.store.referrers(repo.organizationId, repo.id, digest, artifactType);
    const manifests = rows.map((r) => ({
      mediaType: r.mediaType,
      digest: r.digest,
      size: r.size,
      ...(r.artifactType ? { artifactType: r.artifactType } : {}),
      ...(r.annotations ? { annotations: r.annotations } : {}),
    }));
    return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests }));
  }
}
