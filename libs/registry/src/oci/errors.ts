/**
 * OCI distribution-spec error codes (spec.md, "Error Codes" table) with the HTTP status each one
 * answers with. One table, so a handler throws a code and never picks a status itself.
 */
export const OCI_ERROR_STATUS = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 415,
  TOOMANYREQUESTS: 429,
  RANGE_INVALID: 416,
} as const;

export type OciErrorCode = keyof typeof OCI_ERROR_STATUS;

const DEFAULT_MESSAGES: Record<OciErrorCode, string> = {
  BLOB_UNKNOWN: 'blob unknown to registry',
  BLOB_UPLOAD_INVALID: 'blob upload invalid',
  BLOB_UPLOAD_UNKNOWN: 'blob upload unknown to registry',
  DIGEST_INVALID: 'provided digest did not match uploaded content',
  MANIFEST_BLOB_UNKNOWN: 'manifest references a manifest or blob unknown to registry',
  MANIFEST_INVALID: 'manifest invalid',
  MANIFEST_UNKNOWN: 'manifest unknown to registry',
  NAME_INVALID: 'invalid repository name',
  NAME_UNKNOWN: 'repository name not known to registry',
  SIZE_INVALID: 'provided length did not match content length',
  UNAUTHORIZED: 'authentication required',
  DENIED: 'requested access to the resource is denied',
  UNSUPPORTED: 'the operation is unsupported',
  TOOMANYREQUESTS: 'too many requests',
  RANGE_INVALID: 'invalid content range',
};

export interface OciErrorBody {
  errors: { code: OciErrorCode; message: string; detail?: unknown }[];
}

export class OciError extends Error {
  readonly status: number;

  constructor(
    readonly code: OciErrorCode,
    message?: string,
    readonly detail?: unknown,
    /** Overrides the table, for the few places the spec names another status (e.g. 413 for a too large manifest). */
    status?: number,
    /** Extra response headers, e.g. the `WWW-Authenticate` challenge of a 401. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? DEFAULT_MESSAGES[code]);
    this.name = 'OciError';
    this.status = status ?? OCI_ERROR_STATUS[code];
  }

  toBody(): OciErrorBody {
    const error: OciErrorBody['errors'][number] = { code: this.code, message: this.message };
    if (this.detail !== undefined) error.detail = this.detail;
    return { errors: [error] };
  }
}

export function isOciError(e: unknown): e is OciError {
  return e instanceof OciError;
}
