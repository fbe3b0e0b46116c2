import { Injectable } from '@angular/core';
import type { AbstractControl } from '@angular/forms';
import type { ErrorStateMatcher } from '@angular/material/core';

/**
 * Errors show once a field was touched or edited. Material's default also shows them after the
 * form was submitted, which paints a freshly reset form red after a successful create; pages mark
 * all fields touched themselves when a submit is refused.
 */
@Injectable()
export class TouchedErrorStateMatcher implements ErrorStateMatcher {
  isErrorState(control: AbstractControl | null): boolean {
    return !!control && control.invalid && (control.touched || control.dirty);
  }
}
