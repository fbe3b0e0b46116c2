import type { AbstractControl, FormGroup } from '@angular/forms';
import type { ApiError } from '../core/api-error.js';

/**
 * Puts the API's field errors on the matching form controls (as a `server` error) so that
 * mat-error shows them under the field; returns the errors that matched no control, to show in the
 * banner instead.
 */
export function applyFieldErrors(
  form: FormGroup,
  err: ApiError,
  aliases: Record<string, string> = {},
): string[] {
  const unmatched: string[] = [];
  for (const { field, message } of err.fieldErrors) {
    const name = aliases[field] ?? field;
    const control = form.get(name) ?? form.get(name.split('.')[0] ?? name);
    if (control) {
      control.setErrors({ ...(control.errors ?? {}), server: message });
      control.markAsTouched();
    } else {
      unmatched.push(`${field}: ${message}`);
    }
  }
  return unmatched;
}

/** The message to show under a field: the server's first, then the client-side rule that failed. */
export function controlMessage(control: AbstractControl | null, label: string): string {
  const e = control?.errors;
  if (!e) return '';
  if (typeof e['server'] === 'string') return e['server'];
  if (e['required']) return `${label} is required.`;
  if (e['email']) return 'Enter a valid email address.';
  if (e['minlength']) {
    const { requiredLength } = e['minlength'] as { requiredLength: number };
    return `${label} needs at least ${requiredLength} characters.`;
  }
  if (e['maxlength']) {
    const { requiredLength } = e['maxlength'] as { requiredLength: number };
    return `${label} can have at most ${requiredLength} characters.`;
  }
  if (e['min']) {
    const { min } = e['min'] as { min: number };
    return `${label} must be at least ${min}.`;
  }
  if (e['max']) {
    const { max } = e['max'] as { max: number };
    return `${label} can be at most ${max}.`;
  }
  if (e['pattern']) return `${label} has an invalid format.`;
  if (typeof e['invalid'] === 'string') return e['invalid'];
  return `${label} is not valid.`;
}
