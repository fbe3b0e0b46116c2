/** Resource limits applied while reading untrusted layers. All sizes in bytes. */
export interface ScanLimits {
  /** Decompressed bytes per layer, counting the declared size of sparse entries. */
  maxLayerBytes: number;
  /** Tar entries per layer (headers of every kind except pax/long-name records). */
  maxEntries: number;
  /** Longest accepted entry path or link target. */
  maxPathLength: number;
  /** Largest metadata file (dpkg status, package.json, METADATA, ...) a detector buffers. */
  maxMetadataFileBytes: number;
  /** Largest Java archive buffered for inspection (nested archives share the same cap). */
  maxArchiveBytes: number;
  /** Largest Go binary buffered whole to resolve pre-1.18 (pointer format) build info. */
  maxGoBinaryBytes: number;
  /**
   * Decompressed:compressed ratio above which a layer counts as a decompression bomb. Only
   * enforced once `ratioGraceBytes` have been decompressed, so small, very compressible
   * layers pass.
   */
  maxCompressionRatio: number;
  ratioGraceBytes: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const DEFAULT_LIMITS: Readonly<ScanLimits> = Object.freeze({
  maxLayerBytes: 10 * GiB,
  maxEntries: 1_000_000,
  maxPathLength: 4096,
  maxMetadataFileBytes: 32 * MiB,
  maxArchiveBytes: 64 * MiB,
  maxGoBinaryBytes: 64 * MiB,
  // Deflate tops out near 1030:1; real layers stay far below 100:1 over hundreds of MiB.
  maxCompressionRatio: 250,
  ratioGraceBytes: 256 * MiB,
});

export function resolveLimits(partial?: Partial<ScanLimits>): ScanLimits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}
