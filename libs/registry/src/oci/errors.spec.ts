import { describe, it, expect } from '@jest/globals';
import { OCI_ERROR_STATUS, OciError } from './errors.js';

describe('OCI errors', () => {
  it('maps every code of the spec to its status', () => {
    expect(OCI_ERROR_STATUS).toEqual({
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
    });
  });
  it('renders the spec JSON shape', () => {
    const e = new OciError('BLOB_UNKNOWN', undefined, { digest: 'sha256:x' });
    expect(e.status).toBe(404);
    expect(e.toBody()).toEqual({
      errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry', detail: { digest: 'sha256:x' } }],
    });
    expect(new OciError('DENIED').toBody().errors[0]).not.toHaveProperty('detail');
  });
  it('lets a call site override the status where the spec says so', () => {
    expect(new OciError('MANIFEST_INVALID', 'too big', undefined, 413).status).toBe(413);
  });
});
