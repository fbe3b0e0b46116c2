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
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import type { ServiceAccount } from '../core/api-types.js';
import { API, seg } from '../core/api-url.js';
import { toPage } from '../core/pagination.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { GrantsEditor } from '../shared/grants-editor.js';
import { Loadable } from '../shared/state.js';
import { TokenManager } from '../shared/token-manager.js';

@Component({
  selector: 'dd-service-account-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MatButtonModule, MatProgressBarModule, ErrorBanner, GrantsEditor, TokenManager],
  template: `
    <div class="page">
      <header class="page-header">
        <h1>Service account {{ account.value()?.name ?? '' }}</h1>
        <a mat-button [routerLink]="['/orgs', org(), 'service-accounts']">All service accounts</a>
      </header>
      @if (account.loading()) {
        <mat-progress-bar mode="indeterminate" aria-label="Loading the service account" />
      }
      <dd-error-banner [message]="account.error()" heading="Could not load the service account" />
      <dd-error-banner [message]="error()" />
      @if (account.value(); as sa) {
        @if (sa.description) {
          <p>{{ sa.description }}</p>
        }
        <section aria-labelledby="tokens-title">
          <h2 id="tokens-title">Tokens</h2>
          <p class="muted">
            Log in with <code>docker login -u {{ sa.name }} -p &lt;token&gt; {{ host }}</code
            >. The token has the account's grants, narrowed by its scopes.
          </p>
          <dd-token-manager [url]="base() + '/tokens'" />
        </section>
        <section aria-labelledby="grants-title">
          <h2 id="grants-title">Repository access</h2>
          <dd-grants-editor [url]="base() + '/grants'" [org]="org()" />
        </section>
        <section aria-labelledby="danger-title">
          <h2 id="danger-title">Delete</h2>
          <p class="muted">Deleting the account revokes all its tokens.</p>
          <button mat-stroked-button type="button" (click)="remove()">Delete service account</button>
        </section>
      }
    </div>
  `,
})
export class ServiceAccountPage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  readonly org = input.required<string>();
  readonly id = input.required<string>();

  protected readonly host = location.host;
  protected readonly base = computed(
    () => `${API}/orgs/${seg(this.org())}/service-accounts/${seg(this.id())}`,
  );
  protected readonly account = new Loadable<ServiceAccount>();
  protected readonly error = signal<string | undefined>(undefined);

  constructor() {
    effect(() => {
      this.base();
      untracked(() => void this.account.run(() => this.load()));
    });
  }

  /** Falls back to the list when the API has no GET for one account. */
  private async load(): Promise<ServiceAccount> {
    try {
      return await firstValueFrom(this.http.get<ServiceAccount>(this.base()));
    } catch (e) {
      if (toApiError(e).status !== 404 && toApiError(e).status !== 405) throw e;
      const page = toPage<ServiceAccount>(
        await firstValueFrom(
          this.http.get<unknown>(`${API}/orgs/${seg(this.org())}/service-accounts`, {
            params: { limit: '1000' },
          }),
        ),
      );
      const found = page.items.find((s) => s.id === this.id());
      if (!found) throw e;
      return found;
    }
  }

  protected async remove(): Promise<void> {
    if (!confirm(`Delete the service account "${this.account.value()?.name}" and revoke its tokens?`)) return;
    this.error.set(undefined);
    try {
      await firstValueFrom(this.http.delete(this.base()));
      await this.router.navigate(['/orgs', this.org(), 'service-accounts']);
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }
}
