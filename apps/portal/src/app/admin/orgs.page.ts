import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import { API, seg } from '../core/api-url.js';
import { formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { PagedList } from '../shared/paged.js';

interface AdminOrg {
  id: string;
  slug: string;
  createdAt: string;
  addons?: { scanning?: { enabled: boolean; source?: string; endsAt?: string | null } };
  scanning?: { enabled: boolean; source?: string; endsAt?: string | null };
}

/** Platform admin: every organization, with hand grants of the scanning add-on (trials, comps). */
@Component({
  selector: 'dd-admin-orgs-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatTableModule,
    ErrorBanner,
  ],
  template: `
    <div class="page">
      <header class="page-header"><h1>Organizations</h1></header>
      <dd-error-banner [message]="error()" />
      @if (done()) {
        <p role="status">{{ done() }}</p>
      }
      @if (list.loading()) {
        <mat-progress-bar mode="indeterminate" aria-label="Loading organizations" />
      }
      <dd-error-banner [message]="list.error()" heading="Could not load the organizations" />
      @if (list.loaded() && !list.error() && list.total() === 0) {
        <p class="empty-state">No organizations yet.</p>
      } @else if (list.items().length > 0) {
        <div class="table-scroll">
          <table mat-table [dataSource]="list.items()" aria-label="Organizations">
            <ng-container matColumnDef="slug">
              <th mat-header-cell *matHeaderCellDef scope="col">Organization</th>
              <td mat-cell *matCellDef="let o">{{ o.slug }}</td>
            </ng-container>
            <ng-container matColumnDef="createdAt">
              <th mat-header-cell *matHeaderCellDef scope="col" class="hide-sm">Created</th>
              <td mat-cell *matCellDef="let o" class="hide-sm">{{ fmt(o.createdAt) }}</td>
            </ng-container>
            <ng-container matColumnDef="scanning">
              <th mat-header-cell *matHeaderCellDef scope="col">Scanning add-on</th>
              <td mat-cell *matCellDef="let o">{{ scanningText(o) }}</td>
            </ng-container>
            <ng-container matColumnDef="grant">
              <th mat-header-cell *matHeaderCellDef scope="col">Grant</th>
              <td mat-cell *matCellDef="let o">
                <div class="grant">
                  <mat-form-field class="until">
                    <mat-label>Until (optional)</mat-label>
                    <input matInput type="date" [(ngModel)]="until[o.slug]" [name]="'until-' + o.slug" />
                  </mat-form-field>
                  <button
                    mat-stroked-button
                    type="button"
                    (click)="grant(o, true)"
                    [attr.aria-label]="'Grant scanning to ' + o.slug"
                  >
                    Grant
                  </button>
                  <button
                    mat-button
                    type="button"
                    (click)="grant(o, false)"
                    [attr.aria-label]="'Revoke scanning from ' + o.slug"
                  >
                    Revoke
                  </button>
                </div>
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
          [pageSizeOptions]="[20, 50, 100]"
          (page)="list.page($event)"
          aria-label="Organization pages"
        />
      }
    </div>
  `,
  styles: `
    .grant {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
      padding: 4px 0;
    }
    .until {
      width: 170px;
    }
  `,
})
export class AdminOrgsPage {
  private readonly http = inject(HttpClient);
  protected readonly list = new PagedList<AdminOrg>((params) =>
    firstValueFrom(this.http.get<unknown>(`${API}/admin/orgs`, { params })),
  );
  protected readonly columns = ['slug', 'createdAt', 'scanning', 'grant'];
  protected until: Record<string, string> = {};
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly done = signal<string | undefined>(undefined);
  protected readonly fmt = formatDate;

  constructor() {
    void this.list.reload();
  }

  protected scanningText(o: AdminOrg): string {
    const s = o.addons?.scanning ?? o.scanning;
    if (!s) return '—';
    return s.enabled
      ? `enabled${s.source ? ` (${s.source})` : ''}${s.endsAt ? ` until ${formatDate(s.endsAt)}` : ''}`
      : 'not enabled';
  }

  protected async grant(o: AdminOrg, enabled: boolean): Promise<void> {
    this.error.set(undefined);
    this.done.set(undefined);
    const body: Record<string, unknown> = { enabled };
    const until = this.until[o.slug];
    if (enabled && until) body['endsAt'] = new Date(`${until}T23:59:59Z`).toISOString();
    try {
      await firstValueFrom(this.http.put(`${API}/admin/orgs/${seg(o.slug)}/addons/scanning`, body));
      this.done.set(`Scanning ${enabled ? 'granted to' : 'revoked from'} ${o.slug}.`);
      await this.list.reload();
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }
}
