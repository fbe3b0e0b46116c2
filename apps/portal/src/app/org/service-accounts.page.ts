import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import type { ServiceAccount } from '../core/api-types.js';
import { API, seg } from '../core/api-url.js';
import { formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { applyFieldErrors, controlMessage } from '../shared/form-errors.js';
import { GRANT_LEVELS, normalizeTarget, targetProblem } from '../shared/grants.js';
import { PagedList } from '../shared/paged.js';
import { maxLength, required } from '../shared/validators.js';
import { serviceAccountNameProblem } from './names.js';

@Component({
  selector: 'dd-service-accounts-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatTableModule,
    MatPaginatorModule,
    MatProgressBarModule,
    ErrorBanner,
  ],
  templateUrl: './service-accounts.page.html',
})
export class ServiceAccountsPage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  readonly org = input.required<string>();

  protected readonly levels = GRANT_LEVELS;
  protected readonly list = new PagedList<ServiceAccount>((params) =>
    firstValueFrom(this.http.get<unknown>(`${API}/orgs/${seg(this.org())}/service-accounts`, { params })),
  );
  protected readonly columns = ['name', 'grants', 'createdAt'];
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [required, maxLength(64)]],
    description: ['', [maxLength(500)]],
    target: [''],
    level: ['write'],
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly fmt = formatDate;
  protected readonly msg = controlMessage;

  constructor() {
    effect(() => {
      this.org();
      untracked(() => void this.list.first());
    });
  }

  protected async create(): Promise<void> {
    const v = this.form.getRawValue();
    const nameProblem = serviceAccountNameProblem(v.name);
    if (nameProblem) this.form.controls.name.setErrors({ invalid: `The name ${nameProblem}.` });
    const target = normalizeTarget(this.org(), v.target);
    const targetErr = target ? targetProblem(this.org(), target) : undefined;
    if (targetErr) this.form.controls.target.setErrors({ invalid: targetErr });
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const body: Record<string, unknown> = { name: v.name };
    if (v.description.trim()) body['description'] = v.description.trim();
    if (target) body['grants'] = [{ target, level: v.level }];
    this.busy.set(true);
    this.error.set(undefined);
    try {
      const sa = await firstValueFrom(
        this.http.post<ServiceAccount>(`${API}/orgs/${seg(this.org())}/service-accounts`, body),
      );
      await this.router.navigate(['/orgs', this.org(), 'service-accounts', sa.id]);
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(this.form, err, { 'grants.0.target': 'target', 'grants.0.level': 'level' });
      this.error.set(err.message);
    } finally {
      this.busy.set(false);
    }
  }
}
