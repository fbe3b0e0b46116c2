import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { email, required } from '../shared/validators.js';
import { toApiError } from '../core/api-error.js';
import { rememberOrg } from '../core/home.js';
import { SessionService } from '../core/session.service.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { applyFieldErrors, controlMessage } from '../shared/form-errors.js';
import { PasswordSchema, SlugSchema } from '@drydock/contracts';
import { schemaValidator } from '../shared/schema-validation.js';

@Component({
  selector: 'dd-sign-up-page',
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
  templateUrl: './sign-up.page.html',
  styleUrl: './auth-layout.scss',
})
export class SignUpPage {
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);

  protected readonly form = inject(FormBuilder).nonNullable.group({
    organization: ['', [required, schemaValidator(SlugSchema, 'The organization')]],
    email: ['', [required, email]],
    password: ['', [required, schemaValidator(PasswordSchema, 'The password')]],
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly extra = signal<string[]>([]);
  protected readonly msg = controlMessage;

  protected async signUp(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(undefined);
    this.extra.set([]);
    try {
      const res = await this.session.signup(this.form.getRawValue());
      rememberOrg(res.organization.slug);
      await this.router.navigate(['/orgs', res.organization.slug, 'repositories']);
    } catch (e) {
      const err = toApiError(e);
      // The API may name the field `slug` where the form says organization.
      this.extra.set(
        applyFieldErrors(this.form, err, { slug: 'organization', 'organization.slug': 'organization' }),
      );
      this.error.set(err.message);
    } finally {
      this.busy.set(false);
    }
  }
}
