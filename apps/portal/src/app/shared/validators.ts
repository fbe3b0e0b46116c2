import { type AbstractControl, type ValidationErrors, type ValidatorFn, Validators } from '@angular/forms';

// Arrow wrappers: Angular's static validators trip @typescript-eslint/unbound-method when passed by reference.
export const required: ValidatorFn = (c: AbstractControl): ValidationErrors | null => Validators.required(c);
export const email: ValidatorFn = (c: AbstractControl): ValidationErrors | null => Validators.email(c);
export const minLength = (n: number): ValidatorFn => Validators.minLength(n);
export const maxLength = (n: number): ValidatorFn => Validators.maxLength(n);
