/** Job name and payload on the `registry-events` queue; the scanning issue consumes it. */
export const MANIFEST_PUSHED = 'ManifestPushed';

export interface ManifestPushedEvent {
  organizationId: string;
  repositoryId: string;
  /** Full repository name, e.g. `acme/web`. */
  repository: string;
  /** The tag pushed, or null for a push by digest (e.g. the children of an index). */
  tag: string | null;
  digest: string;
  mediaType: string;
  /** Label of the pusher: the user's email or `service-account:<name>`. */
  pushedBy: string;
  pushedAt: string;
}

/** Deterministic job id (style habit 7): a retried push of the same tag and digest is one event. */
export function manifestPushedJobId(e: Pick<ManifestPushedEvent, 'repositoryId' | 'digest' | 'tag'>): string {
  return `manifest-pushed_${e.repositoryId}_${e.digest.replace(':', '-')}_${e.tag ?? '@'}`;
}
