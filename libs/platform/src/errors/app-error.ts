/**
 * Domain errors carry a stable machine `code`; one table maps codes to HTTP statuses (style habit 5,
 * after Harbor's src/lib/http/error.go). Bodies are RFC 9457 problem+json.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  bad_request: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  token_expired: 401,
  payment_required: 402,
  addon_required: 402,
  forbidden: 403,
  insufficient_scope: 403,
  write_access_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  slug_taken: 409,
  email_taken: 409,
  already_exists: 409,
  last_owner: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { errors?: FieldError[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }

  static notFound(what = 'Resource'): AppError {
    // Another tenant's object and a missing one look the same (tenant isolation).
    return new AppError('not_found', `${what} not found`);
  }

  static forbidden(message = 'You do not have permission to do this'): AppError {
    return new AppError('forbidden', message);
  }

  static validation(errors: FieldError[]): AppError {
    return new AppError('validation_failed', 'The request body or parameters are invalid', { errors });
  }
}

export const PROBLEM_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
