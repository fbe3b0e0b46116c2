import { HttpClient } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import type { Team } from '../core/api-types.js';
import { API, seg } from '../core/api-url.js';
import { Permission, orgCan } from '../core/permissions.js';
import { SessionService } from '../core/session.service.js';
import { formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { applyFieldErrors, controlMessage } from '../shared/form-errors.js';
import { PagedList } from '../shared/paged.js';
import { required } from '../shared/validators.js';
import { schemaValidator } from '../shared/schema-validation.js';
import { TeamNameSchema } from '@drydock/contracts';

@Component({
  selector: 'dd-teams-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatTableModule,
    MatPaginatorModule,
    MatProgressBarModule,
    ErrorBanner,
  ],
  template: `
    <div class="page">
      <header class="page-header"><h1>Teams</h1></header>
      <p class="muted">
        Teams get read-only, read-write or admin access on repositories or namespace prefixes. Members without
        a team grant see no private repositories.
      </p>
      <dd-error-banner [message]="error()" />
      @if (canManage()) {
        <form [formGroup]="form" (ngSubmit)="create()" novalidate class="form-row" aria-label="New team">
          <mat-form-field>
            <mat-label>Team name</mat-label>
            <input matInput formControlName="name" />
            @if (form.controls.name.invalid) {
              <mat-error>{{ msg(form.controls.name, 'Name') }}</mat-error>
            }
          </mat-form-field>
          <button mat-flat-button type="submit" [disabled]="busy()">Create team</button>
        </form>
      }
      @if (list.loading()) {
        <mat-progress-bar mode="indeterminate" aria-label="Loading teams" />
      }
      <dd-error-banner [message]="list.error()" heading="Could not load the teams" />
      @if (list.loaded() && !list.error() && list.total() === 0) {
        <p class="empty-state">No teams yet.</p>
      } @else if (list.items().length > 0) {
        <div class="table-scroll">
          <table mat-table [dataSource]="list.items()" aria-label="Teams">
            <ng-container matColumnDef="name">
              <th mat-header-cell *matHeaderCellDef scope="col">Name</th>
              <td mat-cell *matCellDef="let t">
                <a [routerLink]="['/orgs', org(), 'teams', t.id]">{{ t.name }}</a>
              </td>
            </ng-container>
            <ng-container matColumnDef="members">
              <th mat-header-cell *matHeaderCellDef scope="col">Members</th>
              <td mat-cell *matCellDef="let t">{{ t.memberCount ?? t.members?.length ?? '—' }}</td>
            </ng-container>
            <ng-container matColumnDef="createdAt">
              <th mat-header-cell *matHeaderCellDef scope="col" class="hide-sm">Created</th>
              <td mat-cell *matCellDef="let t" class="hide-sm">{{ fmt(t.createdAt) }}</td>
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
          [pageSizeOptions]="[10, 20, 50]"
          (page)="list.page($event)"
          aria-label="Team pages"
        />
      }
    </div>
  `,
})
export class TeamsPage {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);
  readonly org = input.required<string>();

  protected readonly canManage = computed(() =>
    orgCan(this.session.roleIn(this.org()), Permission.TeamsManage),
  );
  protected readonly list = new PagedList<Team>((params) =>
    firstValueFrom(this.http.get<unknown>(`${API}/orgs/${seg(this.org())}/teams`, { params })),
  );
  protected readonly columns = ['name', 'members', 'createdAt'];
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [required, schemaValidator(TeamNameSchema, 'The name')]],
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
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(undefined);
    try {
      const team = await firstValueFrom(
        this.http.post<Team>(`${API}/orgs/${seg(this.org())}/teams`, this.form.getRawValue()),
      );
      await this.router.navigate(['/orgs', this.org(), 'teams', team.id]);
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(this.form, err);
      this.error.set(err.message);
    } finally {
      this.busy.set(false);
    }
  }
}
