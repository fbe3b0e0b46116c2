/**
 * RFC 9457 problem details as the API sends them, turned into something a page can show.
 * Kept free of Angular so the parsing is unit-tested under plain Jest.
 */

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined,
    readonly fieldErrors: readonly FieldError[],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The first message for a form field, e.g. to show under the input. */
  fieldMessage(field: string): string | undefined {
    return this.fieldErrors.find((e) => e.field === field)?.message;
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/**
 * A field may be named `email`, `["organization"]` (zod issue path), `/email` or `#/email`
 * (JSON pointer, RFC 9457 §3 example) or `body.email` (validation libraries).
 */
export function normalizeFieldName(raw: unknown): string | undefined {
  if (Array.isArray(raw)) {
    const parts = raw.filter((p) => typeof p === 'string' || typeof p === 'number').map(String);
    return parts.length ? parts.join('.') : undefined;
  }
  const s = str(raw);
  if (!s) return undefined;
  let name = s.replace(/^#/, '').replace(/^\//, '').split('/').join('.');
  name = name.replace(/^body\./, '');
  return name || undefined;
}

function fieldErrorsFrom(body: Json): FieldError[] {
  const out: FieldError[] = [];
  const push = (field: unknown, message: unknown): void => {
    const f = normalizeFieldName(field);
    const m = str(message);
    if (f && m) out.push({ field: f, message: m });
  };
  for (const key of ['errors', 'invalidParams', 'invalid-params', 'fieldErrors', 'issues']) {
    const v = body[key];
    if (Array.isArray(v)) {
      for (const e of v) {
        if (!isObject(e)) continue;
        push(
          e['field'] ?? e['name'] ?? e['path'] ?? e['pointer'] ?? e['property'],
          e['message'] ?? e['detail'] ?? e['reason'],
        );
      }
    } else if (isObject(v)) {
      // `{errors: {email: ["taken"]}}` or `{errors: {email: "taken"}}`
      for (const [field, msg] of Object.entries(v)) {
        push(field, Array.isArray(msg) ? msg.filter((m) => typeof m === 'string').join(' ') : msg);
      }
    }
  }
  return out;
}

const STATUS_TEXT: Record<number, string> = {
  0: 'The server could not be reached. Check your connection and try again.',
  400: 'The request was not valid.',
  401: 'Your session has expired. Please sign in again.',
  402: 'This feature needs an add-on that is not enabled for this organization.',
  403: 'You do not have permission to do this.',
  404: 'Not found.',
  409: 'This conflicts with something that already exists.',
  413: 'The upload is too large.',
  429: 'Too many attempts. Wait a moment and try again.',
};

function fallbackMessage(status: number): string {
  if (STATUS_TEXT[status]) return STATUS_TEXT[status];
  if (status >= 500) return 'Something went wrong on the server. Try again later.';
  return `The request failed (HTTP ${status}).`;
}

/**
 * Builds an ApiError from a status and a response body (already parsed JSON, a string, or nothing).
 * The message prefers `detail`, then `title`, then `message`; 5xx titles are generic anyway.
 */
export function parseProblem(status: number, body: unknown, requestId?: string): ApiError {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  if (!isObject(parsed)) return new ApiError(status, fallbackMessage(status), undefined, [], requestId);
  const fieldErrors = fieldErrorsFrom(parsed);
  const message =
    str(parsed['detail']) ??
    str(parsed['title']) ??
    str(parsed['message']) ??
    (fieldErrors.length ? 'Some fields are not valid.' : fallbackMessage(status));
  const code = str(parsed['code']) ?? str(parsed['type'])?.split('/').pop();
  return new ApiError(
    status,
    message,
    code,
    fieldErrors,
    requestId ?? str(parsed['requestId']) ?? str(parsed['instance']),
  );
}

/** Any thrown value → a message fit for the user. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, errorMessage(err), undefined, []);
}
