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
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { firstValueFrom } from 'rxjs';
import type { AuditEvent } from '../core/api-types.js';
import { API, seg } from '../core/api-url.js';
import { formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { PagedList } from '../shared/paged.js';
import { actorLabel, detailsText, filterEvents } from './audit.js';

@Component({
  selector: 'dd-audit-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
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
      <header class="page-header"><h1>Audit log</h1></header>
      <mat-form-field class="filter">
        <mat-label>Filter this page</mat-label>
        <input
          matInput
          [ngModel]="filter()"
          (ngModelChange)="filter.set($event)"
          placeholder="action, person or target"
        />
      </mat-form-field>
      @if (list.loading()) {
        <mat-progress-bar mode="indeterminate" aria-label="Loading events" />
      }
      <dd-error-banner [message]="list.error()" heading="Could not load the audit log" />
      @if (list.loaded() && !list.error() && list.total() === 0) {
        <p class="empty-state">No events.</p>
      } @else if (list.items().length > 0) {
        <div class="table-scroll">
          <table mat-table [dataSource]="shown()" aria-label="Audit events">
            <ng-container matColumnDef="at">
              <th mat-header-cell *matHeaderCellDef scope="col">When</th>
              <td mat-cell *matCellDef="let e">{{ fmt(e.createdAt) }}</td>
            </ng-container>
            <ng-container matColumnDef="actor">
              <th mat-header-cell *matHeaderCellDef scope="col">Who</th>
              <td mat-cell *matCellDef="let e">{{ actor(e) }}</td>
            </ng-container>
            <ng-container matColumnDef="action">
              <th mat-header-cell *matHeaderCellDef scope="col">Action</th>
              <td mat-cell *matCellDef="let e">
                <code>{{ e.action }}</code>
              </td>
            </ng-container>
            <ng-container matColumnDef="target">
              <th mat-header-cell *matHeaderCellDef scope="col">Target</th>
              <td mat-cell *matCellDef="let e">
                {{ e.target ?? '' }}
                <div class="muted">{{ details(e) }}</div>
              </td>
            </ng-container>
            <tr mat-header-row *matHeaderRowDef="columns"></tr>
            <tr mat-row *matRowDef="let row; columns: columns"></tr>
          </table>
        </div>
      }
      @if (list.total() > 0) {
        <mat-paginator
          [length]="list.total()"
          [pageIndex]="list.pageIndex()"
          [pageSize]="list.pageSize()"
          [pageSizeOptions]="[20, 50, 100]"
          (page)="list.page($event)"
          aria-label="Audit log pages"
        />
      }
    </div>
  `,
})
export class AuditPage {
  private readonly http = inject(HttpClient);
  readonly org = input.required<string>();
  protected readonly filter = signal('');
  protected readonly list = new PagedList<AuditEvent>((params) =>
    firstValueFrom(this.http.get<unknown>(`${API}/orgs/${seg(this.org())}/audit-events`, { params })),
  );
  /** The API pages by time only; the filter narrows the page shown. */
  protected readonly shown = computed(() => filterEvents(this.list.items(), this.filter()));
  protected readonly columns = ['at', 'actor', 'action', 'target'];
  protected readonly fmt = formatDate;
  protected readonly actor = actorLabel;
  protected readonly details = detailsText;

  constructor() {
    effect(() => {
      this.org();
      untracked(() => void this.list.first());
    });
  }
}
