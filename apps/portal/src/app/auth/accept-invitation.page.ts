import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { email, required } from '../shared/validators.js';
import { toApiError } from '../core/api-error.js';
import { API, seg } from '../core/api-url.js';
import { homePath } from '../core/home.js';
import { SessionService } from '../core/session.service.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { applyFieldErrors, controlMessage } from '../shared/form-errors.js';
import { PasswordSchema, type AcceptInvitationResponse } from '@drydock/contracts';
import { schemaValidator } from '../shared/schema-validation.js';

/**
 * `/invitations/:token`: a new user sets a password (which creates the account); a signed-in user
 * accepts with one click (issue 2: "an existing user accepts after login, without a body").
 */
@Component({
  selector: 'dd-accept-invitation-page',
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
  templateUrl: './accept-invitation.page.html',
  styleUrl: './auth-layout.scss',
})
export class AcceptInvitationPage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  protected readonly session = inject(SessionService);
  readonly token = input.required<string>();

  protected readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [email]],
    // The API's own rule (as on the sign-up page), so a password never passes here and fails there.
    password: ['', [required, schemaValidator(PasswordSchema, 'The password')]],
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly done = signal(false);
  protected readonly signedIn = computed(() => this.session.signedIn());
  protected readonly returnUrl = computed(() => `/invitations/${this.token()}`);
  protected readonly msg = controlMessage;

  constructor() {
    void this.session.restore();
  }

  protected async accept(): Promise<void> {
    const asExisting = this.signedIn();
    if (!asExisting && this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(undefined);
    try {
      const url = `${API}/invitations/${seg(this.token())}/accept`;
      const body = asExisting ? {} : { password: this.form.controls.password.value };
      const res = await firstValueFrom(
        this.http.post<AcceptInvitationResponse>(url, body, { withCredentials: true }),
      );
      this.done.set(true);
      if (asExisting) {
        await this.session.loadMe();
        await this.router.navigateByUrl(`/orgs/${res.organization.slug}/repositories`);
      } else if (this.form.controls.email.value && (await this.trySignIn())) {
        // The answer carries no session: a new account signs in with the address it typed.
        await this.router.navigateByUrl(homePath(this.session.organizations()));
      }
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(this.form, err);
      this.error.set(err.message);
    } finally {
      this.busy.set(false);
    }
  }

  private async trySignIn(): Promise<boolean> {
    try {
      await this.session.login({
        email: this.form.controls.email.value,
        password: this.form.controls.password.value,
      });
      return true;
    } catch {
      return false;
    }
  }
}
