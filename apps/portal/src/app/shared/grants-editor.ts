import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, OnInit, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import type { Grant, GrantLevel } from '../core/api-types.js';
import { ErrorBanner } from './error-banner.js';
import { applyFieldErrors, controlMessage } from './form-errors.js';
import { GRANT_LEVELS, describeTarget, normalizeTarget, targetProblem } from './grants.js';
import { PagedList } from './paged.js';

/** Grants of a team or a service account: `GET/PUT/DELETE <url>` with `{target, level}` (issue 3). */
@Component({
  selector: 'dd-grants-editor',
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
    ErrorBanner,
  ],
  template: `
    <dd-error-banner [message]="error()" />
    @if (editable()) {
      <form [formGroup]="form" (ngSubmit)="save()" novalidate class="form-row" aria-label="Add a grant">
        <mat-form-field>
          <mat-label>Repository or namespace prefix</mat-label>
          <input
            matInput
            formControlName="target"
            [placeholder]="org() + '/web or ' + org() + '/payments/'"
          />
          <mat-hint>End with / to cover every repository under a prefix</mat-hint>
          @if (form.controls.target.invalid) {
            <mat-error>{{ msg(form.controls.target, 'Target') }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field>
          <mat-label>Level</mat-label>
          <mat-select formControlName="level">
            @for (l of levels; track l.value) {
              <mat-option [value]="l.value">{{ l.label }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <button mat-flat-button type="submit" [disabled]="busy()">Grant</button>
      </form>
    }
    @if (list.loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading grants" />
    }
    <dd-error-banner [message]="list.error()" heading="Could not load the grants" />
    @if (list.loaded() && !list.error() && list.items().length === 0) {
      <p class="empty-state">No grants: no access to private repositories.</p>
    } @else if (list.items().length > 0) {
      <div class="table-scroll">
        <table mat-table [dataSource]="list.items()" aria-label="Grants">
          <ng-container matColumnDef="target">
            <th mat-header-cell *matHeaderCellDef scope="col">Target</th>
            <td mat-cell *matCellDef="let g">
              <code>{{ g.target }}</code>
              <span class="muted hide-sm"> — {{ describe(g.target) }}</span>
            </td>
          </ng-container>
          <ng-container matColumnDef="level">
            <th mat-header-cell *matHeaderCellDef scope="col">Level</th>
            <td mat-cell *matCellDef="let g">
              @if (editable()) {
                <mat-form-field class="level-select">
                  <mat-select
                    [value]="g.level"
                    (selectionChange)="changeLevel(g, $event.value)"
                    [aria-label]="'Level for ' + g.target"
                  >
                    @for (l of levels; track l.value) {
                      <mat-option [value]="l.value">{{ l.value }}</mat-option>
                    }
                  </mat-select>
                </mat-form-field>
              } @else {
                {{ g.level }}
              }
            </td>
          </ng-container>
          <ng-container matColumnDef="actions">
            <th mat-header-cell *matHeaderCellDef scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
            <td mat-cell *matCellDef="let g">
              @if (editable()) {
                <button
                  mat-button
                  type="button"
                  (click)="remove(g)"
                  [attr.aria-label]="'Remove grant on ' + g.target"
                >
                  Remove
                </button>
              }
            </td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
      </div>
    }
    @if (list.total() > list.pageSize() || list.pageIndex() > 0) {
      <mat-paginator
        [length]="list.total()"
        [pageIndex]="list.pageIndex()"
        [pageSize]="list.pageSize()"
        [pageSizeOptions]="[10, 20, 50, 100]"
        (page)="list.page($event)"
        aria-label="Grant pages"
      />
    }
  `,
  styles: `
    .level-select {
      width: 140px;
      margin: 4px 0;
    }
  `,
})
export class GrantsEditor implements OnInit {
  private readonly http = inject(HttpClient);
  /**
   * The grants collection, e.g. `/api/v1/orgs/acme/teams/42/grants`. The list sends `limit`/`offset`;
   * while the API answers every grant at once, PagedList pages them here.
   */
  readonly url = input.required<string>();
  readonly org = input.required<string>();
  readonly editable = input(true);

  protected readonly levels = GRANT_LEVELS;
  protected readonly columns = ['target', 'level', 'actions'];
  protected readonly form = inject(FormBuilder).nonNullable.group({
    target: [''],
    level: ['read'],
  });
  protected readonly list = new PagedList<Grant>((params) =>
    firstValueFrom(this.http.get<unknown>(this.url(), { params })),
  );
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly msg = controlMessage;
  protected readonly describe = describeTarget;

  ngOnInit(): void {
    void this.list.reload();
  }

  protected async save(): Promise<void> {
    const target = normalizeTarget(this.org(), this.form.controls.target.value);
    const problem = targetProblem(this.org(), target);
    if (problem) {
      this.form.controls.target.setErrors({ invalid: problem });
      this.form.controls.target.markAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(undefined);
    try {
      await firstValueFrom(this.http.put(this.url(), { target, level: this.form.controls.level.value }));
      this.form.reset({ target: '', level: 'read' });
      await this.list.reload();
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(this.form, err);
      this.error.set(err.message);
    } finally {
      this.busy.set(false);
    }
  }

  protected async changeLevel(grant: Grant, level: GrantLevel): Promise<void> {
    this.error.set(undefined);
    try {
      await firstValueFrom(this.http.put(this.url(), { target: grant.target, level }));
      await this.list.reload();
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }

  protected async remove(grant: Grant): Promise<void> {
    if (!confirm(`Remove the grant on ${grant.target}?`)) return;
    this.error.set(undefined);
    try {
      // Issue 3: "DELETE with the target": sent as the body and as a query parameter, so either reading works.
      await firstValueFrom(
        this.http.delete(this.url(), { body: { target: grant.target }, params: { target: grant.target } }),
      );
      await this.list.reload();
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }
}
