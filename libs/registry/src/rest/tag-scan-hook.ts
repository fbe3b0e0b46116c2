/**
 * The scanning add-on's hook into the tag list (issue 6: each tag gains its scan status and
 * severity counts). Optional: without the scanning module the tag list is the registry's alone.
 */
export interface TagScanSummaryProvider {
  /** Fields to merge into each tag of one page, keyed by the tag's manifest digest. */
  tagSummaries(
    organizationId: string,
    repositoryId: string,
    digests: readonly string[],
  ): Promise<ReadonlyMap<string, Record<string, unknown>>>;
}

export const TAG_SCAN_SUMMARY = Symbol('TAG_SCAN_SUMMARY');
