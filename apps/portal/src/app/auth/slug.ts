import type { AbstractControl, ValidationErrors } from '@angular/forms';

/** Issue 2: 2–40 chars of [a-z0-9-], not starting or ending with `-`; reserved words refused. */
const RESERVED = new Set(['api', 'v2', 'auth', 'admin']);

export function slugProblem(value: string): string | undefined {
  if (value.length < 2 || value.length > 40) return 'Use 2 to 40 characters.';
  if (!/^[a-z0-9-]+$/.test(value)) return 'Use only lowercase letters, digits and dashes.';
  if (value.startsWith('-') || value.endsWith('-')) return 'It cannot start or end with a dash.';
  if (RESERVED.has(value)) return `"${value}" is reserved.`;
  return undefined;
}

export function slugValidator(control: AbstractControl): ValidationErrors | null {
  const v = typeof control.value === 'string' ? control.value : '';
  if (!v) return null;
  const problem = slugProblem(v);
  return problem ? { invalid: problem } : null;
}
