import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import type { AdminOrgResponse, PlatformAddonResponse } from '@drydock/contracts';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import { API, seg } from '../core/api-url.js';
import { formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { PagedList } from '../shared/paged.js';
import { addonDescription, scanningAddon } from '../org/billing.js';

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
    MatSlideToggleModule,
    MatTableModule,
    ErrorBanner,
  ],
  template: `
    <div class="page">
      <header class="page-header"><h1>Organizations</h1></header>
      @if (instance(); as i) {
        <section class="instance" aria-labelledby="instance-title">
          <h2 id="instance-title">Scanning on this installation</h2>
          <mat-slide-toggle
            [checked]="i.enabled"
            (change)="setInstance($event.checked)"
            data-testid="instance-scanning"
            >Scanning add-on available
            {{ i.enabled ? '(on)' : '(off for every organization)' }}</mat-slide-toggle
          >
        </section>
      }
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
              <td mat-cell *matCellDef="let o">{{ addons()[o.slug] ?? '…' }}</td>
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
          (page)="onPage($event)"
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
  protected readonly list = new PagedList<AdminOrgResponse>((params) =>
    firstValueFrom(this.http.get<unknown>(`${API}/admin/orgs`, { params })),
  );
  protected readonly columns = ['slug', 'createdAt', 'scanning', 'grant'];
  protected until: Record<string, string> = {};
  protected readonly addons = signal<Record<string, string | undefined>>({});
  protected readonly instance = signal<PlatformAddonResponse | undefined>(undefined);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly done = signal<string | undefined>(undefined);
  protected readonly fmt = formatDate;

  constructor() {
    void this.reload();
    void firstValueFrom(this.http.get<PlatformAddonResponse>(`${API}/admin/addons/scanning`)).then(
      (i) => this.instance.set(i),
      () => this.instance.set(undefined),
    );
  }

  protected async reload(): Promise<void> {
    await this.list.reload();
    const out: Record<string, string | undefined> = {};
    await Promise.all(
      this.list.items().map(async (o) => {
        try {
          const a = scanningAddon(
            await firstValueFrom(this.http.get<unknown>(`${API}/admin/orgs/${seg(o.slug)}/addons`)),
          );
          out[o.slug] = addonDescription(a);
        } catch {
          out[o.slug] = '—';
        }
      }),
    );
    this.addons.set(out);
  }

  protected async onPage(e: { pageIndex: number; pageSize: number }): Promise<void> {
    await this.list.page(e);
    await this.reload();
  }

  protected async setInstance(enabled: boolean): Promise<void> {
    this.error.set(undefined);
    try {
      this.instance.set(
        await firstValueFrom(
          this.http.put<PlatformAddonResponse>(`${API}/admin/addons/scanning`, { enabled }),
        ),
      );
      this.done.set(`Scanning ${enabled ? 'enabled' : 'turned off'} for the installation.`);
      await this.reload();
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }

  protected async grant(o: AdminOrgResponse, enabled: boolean): Promise<void> {
    this.error.set(undefined);
    this.done.set(undefined);
    const body: Record<string, unknown> = { enabled };
    const until = this.until[o.slug];
    if (enabled && until) body['endsAt'] = new Date(`${until}T23:59:59Z`).toISOString();
    try {
      await firstValueFrom(this.http.put(`${API}/admin/orgs/${seg(o.slug)}/addons/scanning`, body));
      this.done.set(`Scanning ${enabled ? 'granted to' : 'revoked from'} ${o.slug}.`);
      await this.reload();
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }
}
