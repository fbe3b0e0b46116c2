import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { email, required } from '../shared/validators.js';
import { toApiError } from '../core/api-error.js';
import { homePath, safeReturnUrl } from '../core/home.js';
import { SessionService } from '../core/session.service.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { applyFieldErrors, controlMessage } from '../shared/form-errors.js';

@Component({
  selector: 'dd-sign-in-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    ErrorBanner,
  ],
  templateUrl: './sign-in.page.html',
  styleUrl: './auth-layout.scss',
})
export class SignInPage {
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);
  /** Bound from the query string by the router (withComponentInputBinding). */
  readonly returnUrl = input<string>();

  protected readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [required, email]],
    password: ['', [required]],
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly msg = controlMessage;

  protected async signIn(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(undefined);
    try {
      await this.session.login(this.form.getRawValue());
      await this.router.navigateByUrl(
        safeReturnUrl(this.returnUrl()) ?? homePath(this.session.organizations()),
      );
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(this.form, err);
      this.error.set(err.status === 401 ? 'The email or password is not correct.' : err.message);
    } finally {
      this.busy.set(false);
    }
  }
}
