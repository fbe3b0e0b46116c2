import { StandardSchemaValidationPipe } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { AppError } from './app-error.js';

/** Field errors from Standard Schema issues: `{field: "email", message: "..."}`. */
export function issuesToFieldErrors(issues: readonly StandardSchemaV1.Issue[]) {
  return issues.map((i) => ({
    field:
      (i.path ?? [])
        .map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p)))
        .join('.') || '(body)',
    message: i.message,
  }));
}

/**
 * Validates every `@Body({schema})`, `@Query({schema})`, `@Param(name, {schema})` with its zod schema
 * and answers 400 problem+json naming each field.
 */
export function createValidationPipe(): StandardSchemaValidationPipe {
  return new StandardSchemaValidationPipe({
    transform: true,
    exceptionFactory: (issues) => AppError.validation(issuesToFieldErrors(issues)),
  });
}
