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
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import { API, seg } from '../core/api-url.js';
import { Permission, orgCan } from '../core/permissions.js';
import { SessionService } from '../core/session.service.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { Loadable } from '../shared/state.js';
import { type AddonState, addonDescription, safeRedirect, scanningAddon } from './billing.js';

/** Billing and add-ons (issue 6/7): the scanning add-on, Stripe Checkout and the Billing Portal. */
@Component({
  selector: 'dd-billing-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatCardModule, MatProgressBarModule, ErrorBanner],
  template: `
    <div class="page">
      <header class="page-header"><h1>Billing and add-ons</h1></header>
      @if (addon.loading()) {
        <mat-progress-bar mode="indeterminate" aria-label="Loading add-ons" />
      }
      <dd-error-banner [message]="addon.error()" heading="Could not load the add-ons" />
      <dd-error-banner [message]="error()" />
      <mat-card appearance="outlined">
        <mat-card-header>
          <mat-card-title>Vulnerability scanning</mat-card-title>
          <mat-card-subtitle data-testid="addon-status">{{
            state() ? describe(state()!) : '…'
          }}</mat-card-subtitle>
        </mat-card-header>
        <mat-card-content>
          <p>
            Scans every pushed image (or on demand) for vulnerable OS and language packages, shows the results
            in the Layers and Components views, and exports SBOMs.
          </p>
          @if (state() && !state()!.enabled) {
            <p role="note">
              <strong>Not enabled</strong> means: pushes and pulls work as usual, but nothing is scanned; tags
              show a grey "not enabled" shield and result pages say so. Enabling it scans new pushes of
              repositories set to "scan on push"; existing images can be scanned with the Scan button.
            </p>
          }
        </mat-card-content>
        @if (canManage()) {
          <mat-card-actions>
            @if (!state()?.enabled) {
              <button
                mat-flat-button
                type="button"
                (click)="checkout()"
                [disabled]="busy()"
                data-testid="enable-scanning"
              >
                Enable scanning
              </button>
            }
            <button mat-stroked-button type="button" (click)="portal()" [disabled]="busy()">
              Manage billing
            </button>
          </mat-card-actions>
        } @else {
          <mat-card-content><p class="muted">Only owners and admins manage billing.</p></mat-card-content>
        }
      </mat-card>
    </div>
  `,
})
export class BillingPage {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);
  readonly org = input.required<string>();
  protected readonly canManage = computed(() =>
    orgCan(this.session.roleIn(this.org()), Permission.BillingManage),
  );
  protected readonly addon = new Loadable<AddonState>();
  protected readonly state = computed(() => this.addon.value());
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly describe = addonDescription;

  constructor() {
    effect(() => {
      const org = this.org();
      untracked(() => void this.addon.run(() => this.load(org)));
    });
  }

  /** `GET /orgs/{org}/addons` (the add-on list the AddonsRead permission guards). */
  private async load(org: string): Promise<AddonState> {
    return scanningAddon(await firstValueFrom(this.http.get<unknown>(`${API}/orgs/${seg(org)}/addons`)));
  }

  protected checkout(): Promise<void> {
    return this.redirect(`${API}/orgs/${seg(this.org())}/billing/checkout`, { addon: 'scanning' });
  }

  protected portal(): Promise<void> {
    return this.redirect(`${API}/orgs/${seg(this.org())}/billing/portal`, {});
  }

  private async redirect(url: string, body: object): Promise<void> {
    this.busy.set(true);
    this.error.set(undefined);
    try {
      const res = await firstValueFrom(this.http.post<{ url?: string }>(url, body));
      const target = safeRedirect(res?.url, location.origin);
      if (!target) throw new Error('The billing service did not return a page to open.');
      location.assign(target);
    } catch (e) {
      this.error.set(toApiError(e).message);
      this.busy.set(false);
    }
  }
}
