/** Error codes of the scanner. Layer-level codes always carry the layer digest. */
export type ScanErrorCode =
  | 'LAYER_TOO_LARGE'
  | 'LAYER_TOO_MANY_ENTRIES'
  | 'LAYER_PATH_TOO_LONG'
  | 'LAYER_CORRUPT'
  | 'LAYER_NOT_TAR'
  | 'LAYER_DIFFID_MISMATCH'
  | 'BLOB_NOT_FOUND'
  | 'IMAGE_INVALID'
  | 'IMAGE_NOT_FOUND'
  | 'PLATFORM_NOT_FOUND'
  | 'UNSUPPORTED_MEDIA_TYPE';

export class ScanError extends Error {
  override readonly name = 'ScanError';

  constructor(
    readonly code: ScanErrorCode,
    message: string,
    /** The layer's (compressed) digest when the error is about one layer. */
    readonly layerDigest?: string,
    options?: { cause?: unknown },
  ) {
    super(layerDigest ? `${code}: layer ${layerDigest}: ${message}` : `${code}: ${message}`, options);
  }

  toJSON(): { code: ScanErrorCode; message: string; layerDigest?: string } {
    return {
      code: this.code,
      message: this.message,
      ...(this.layerDigest ? { layerDigest: this.layerDigest } : {}),
    };
  }
}

export function isScanError(err: unknown): err is ScanError {
  return err instanceof ScanError;
}
