import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

/** Anything with zod's `safeParse` (kept structural so this file needs no zod import). */
export interface SafeParser {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: { message: string }[] } };
}

/**
 * The first message of the API's own schema for a value, e.g. "must be 2 to 40 characters": the
 * portal validates with the exact rules of `@drydock/contracts`, so a field never passes here and
 * fails there.
 */
export function schemaProblem(schema: SafeParser, value: unknown): string | undefined {
  const r = schema.safeParse(value);
  return r.success ? undefined : (r.error.issues[0]?.message ?? 'is not valid');
}

/** A form validator from a contracts schema; empty values are left to `required`. */
export function schemaValidator(schema: SafeParser, label: string): ValidatorFn {
  return (control: AbstractControl): ValidationErrors | null => {
    const v: unknown = control.value;
    if (v === '' || v === null || v === undefined) return null;
    const problem = schemaProblem(schema, v);
    return problem ? { invalid: `${label} ${problem}.` } : null;
  };
}
