import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { TOKEN_SCOPES } from '@drydock/contracts';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import type { ApiToken, CreatedToken } from '../core/api-types.js';
import { CopyButton } from './copy-button.js';
import { expiryFromDays, formatDate } from './dates.js';
import { ErrorBanner } from './error-banner.js';
import { applyFieldErrors, controlMessage } from './form-errors.js';
import { PagedList } from './paged.js';
import { maxLength, required } from './validators.js';

/**
 * Create / list / revoke API tokens under one collection URL: used for personal access tokens
 * (`/me/tokens`) and for a service account's tokens. The secret is shown once, right after creation.
 */
@Component({
  selector: 'dd-token-manager',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatTableModule,
    MatPaginatorModule,
    MatProgressBarModule,
    CopyButton,
    ErrorBanner,
  ],
  templateUrl: './token-manager.html',
})
export class TokenManager implements OnInit {
  private readonly http = inject(HttpClient);
  /** The tokens collection, e.g. `/api/v1/me/tokens`. */
  readonly url = input.required<string>();
  readonly withScopes = input(true);
  readonly readonly = input(false);

  // The API's list, so the picker offers exactly the scopes CreateTokenRequest accepts.
  protected readonly scopes = TOKEN_SCOPES;
  protected readonly expiries = [
    { days: 7, label: '7 days' },
    { days: 30, label: '30 days' },
    { days: 90, label: '90 days' },
    { days: 365, label: '1 year' },
    { days: 0, label: 'Never' },
  ];
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [required, maxLength(100)]],
    scopes: [[] as string[]],
    expiryDays: [90],
  });
  protected readonly list = new PagedList<ApiToken>((params) =>
    firstValueFrom(this.http.get<unknown>(this.url(), { params })),
  );
  protected readonly created = signal<CreatedToken | undefined>(undefined);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly columns = computed(() => [
    'name',
    ...(this.withScopes() ? ['scopes'] : []),
    'expiresAt',
    'lastUsedAt',
    ...(this.readonly() ? [] : ['actions']),
  ]);
  protected readonly fmt = formatDate;
  protected readonly msg = controlMessage;

  ngOnInit(): void {
    void this.list.reload();
  }

  protected async create(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(undefined);
    const v = this.form.getRawValue();
    const body: Record<string, unknown> = { name: v.name };
    if (this.withScopes() && v.scopes.length) body['scopes'] = v.scopes;
    const expiresAt = expiryFromDays(v.expiryDays);
    if (expiresAt) body['expiresAt'] = expiresAt;
    try {
      const token = await firstValueFrom(this.http.post<CreatedToken>(this.url(), body));
      this.created.set(token);
      this.form.reset({ name: '', scopes: [], expiryDays: 90 });
      await this.list.first();
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(this.form, err);
      this.error.set(err.message);
    } finally {
      this.busy.set(false);
    }
  }

  protected async revoke(token: ApiToken): Promise<void> {
    if (!confirm(`Revoke the token "${token.name}"? Clients using it stop working.`)) return;
    this.error.set(undefined);
    try {
      await firstValueFrom(this.http.delete(`${this.url()}/${encodeURIComponent(token.id)}`));
      if (this.created()?.id === token.id) this.created.set(undefined);
      await this.list.reload();
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }
}
