import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { firstValueFrom } from 'rxjs';
import type { ChangePasswordRequest } from '@drydock/contracts';
import { API } from '../core/api-url.js';
import { toApiError } from '../core/api-error.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { applyFieldErrors, controlMessage } from '../shared/form-errors.js';
import { minLength, required } from '../shared/validators.js';

/** Changes the signed-in user's password (POST /me/password); other sessions end on the server. */
@Component({
  selector: 'dd-change-password',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    ErrorBanner,
  ],
  template: `
    <mat-card appearance="outlined" class="card">
      <mat-card-header
        ><mat-card-title><h2>Change password</h2></mat-card-title></mat-card-header
      >
      <mat-card-content>
        <dd-error-banner [message]="error()" heading="Could not change the password" />
        @if (done()) {
          <p role="status">Password changed. Other sessions were signed out.</p>
        }
        <form [formGroup]="form" (ngSubmit)="change()" novalidate>
          <mat-form-field appearance="outline">
            <mat-label>Current password</mat-label>
            <input
              matInput
              type="password"
              formControlName="currentPassword"
              autocomplete="current-password"
            />
            @if (form.controls.currentPassword.invalid) {
              <mat-error>{{ msg(form.controls.currentPassword, 'Current password') }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field appearance="outline">
            <mat-label>New password</mat-label>
            <input matInput type="password" formControlName="newPassword" autocomplete="new-password" />
            <mat-hint>At least 12 characters</mat-hint>
            @if (form.controls.newPassword.invalid) {
              <mat-error>{{ msg(form.controls.newPassword, 'New password') }}</mat-error>
            }
          </mat-form-field>
          <div><button mat-flat-button type="submit" [disabled]="busy()">Change password</button></div>
        </form>
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    form {
      display: grid;
      gap: 8px;
      max-width: 420px;
    }
  `,
})
export class ChangePassword {
  private readonly http = inject(HttpClient);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    currentPassword: ['', [required]],
    newPassword: ['', [required, minLength(12)]],
  });
  protected readonly busy = signal(false);
  protected readonly done = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly msg = controlMessage;

  protected async change(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(undefined);
    this.done.set(false);
    try {
      const body: ChangePasswordRequest = this.form.getRawValue();
      await firstValueFrom(this.http.post(`${API}/me/password`, body));
      this.form.reset();
      this.done.set(true);
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(this.form, err);
      this.error.set(err.message);
    } finally {
      this.busy.set(false);
    }
  }
}
