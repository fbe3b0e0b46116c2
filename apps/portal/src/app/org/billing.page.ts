import { HttpClient } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import { API, seg } from '../core/api-url.js';
import { Permission, orgCan } from '../core/permissions.js';
import { SessionService } from '../core/session.service.js';
import { formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { Loadable } from '../shared/state.js';
import { type AddonState, addonDescription, safeRedirect, scanningAddon, sourceLabel } from './billing.js';

/** Billing and add-ons (issue 6/7): the scanning add-on, Stripe Checkout and the Billing Portal. */
@Component({
  selector: 'dd-billing-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    ErrorBanner,
  ],
  template: `
    <div class="page">
      <header class="page-header"><h1>Billing and add-ons</h1></header>
      @if (addon.loading()) {
        <mat-progress-bar mode="indeterminate" aria-label="Loading add-ons" />
      }
      <dd-error-banner [message]="addon.error()" heading="Could not load the add-ons" />
      <dd-error-banner [message]="error()" />
      @if (done()) {
        <p role="status">{{ done() }}</p>
      }
      @if (returned(); as r) {
        <p role="status" data-testid="checkout-result">{{ r }}</p>
      }
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
          @if (state(); as s) {
            @if (s.message) {
              <p role="note" data-testid="addon-message">{{ s.message }}</p>
            }
            @if (!s.enabled) {
              <p class="muted">
                Without the add-on, pushes and pulls work as usual but nothing is scanned: tags show a grey
                "not enabled" shield and result pages say so. Once enabled, repositories set to "scan on push"
                scan every new push; existing images can be scanned with the Scan button.
              </p>
            }
            @if (s.sources.length > 0) {
              <h3>Sources</h3>
              <ul>
                @for (src of s.sources; track src.source + src.scope) {
                  <li>
                    {{ label(src) }}: {{ src.active ? 'active' : src.status }}
                    @if (src.endsAt) {
                      (until {{ fmt(src.endsAt) }})
                    }
                  </li>
                }
              </ul>
            }
          }
        </mat-card-content>
        @if (canManage()) {
          <mat-card-actions class="actions">
            @if (state() && !state()!.enabled && state()!.billingConfigured) {
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
            @if (state()?.billingConfigured) {
              <button mat-stroked-button type="button" (click)="portal()" [disabled]="busy()">
                Manage billing
              </button>
            } @else if (state()) {
              <span class="muted"
                >Online billing is not configured on this installation; use a license key.</span
              >
            }
          </mat-card-actions>
        } @else {
          <mat-card-content><p class="muted">Only owners and admins manage billing.</p></mat-card-content>
        }
      </mat-card>

      @if (canManage()) {
        <section class="license" aria-labelledby="license-title">
          <h2 id="license-title">License key</h2>
          <p class="muted">Self-hosted installations can enable add-ons with a signed offline license key.</p>
          <div class="form-row">
            <mat-form-field>
              <mat-label>License key</mat-label>
              <input
                matInput
                [ngModel]="licenseKey()"
                (ngModelChange)="licenseKey.set($event)"
                autocomplete="off"
              />
            </mat-form-field>
            <button
              mat-stroked-button
              type="button"
              (click)="applyLicense()"
              [disabled]="busy() || !licenseKey().trim()"
            >
              Apply
            </button>
            @if (hasLicense()) {
              <button mat-button type="button" (click)="removeLicense()" [disabled]="busy()">
                Remove license
              </button>
            }
          </div>
        </section>
      }
    </div>
  `,
  styles: `
    .actions {
      gap: 8px;
      flex-wrap: wrap;
    }
    .license {
      margin-top: 24px;
    }
  `,
})
export class BillingPage {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);
  private readonly destroyRef = inject(DestroyRef);
  readonly org = input.required<string>();
  /** `?checkout=success|cancelled`: where Stripe Checkout sends the customer back (success_url/cancel_url). */
  readonly checkoutResult = input<string | undefined>(undefined, { alias: 'checkout' });
  /** After a successful checkout: the webhook may arrive a moment later, so the status is polled. */
  protected readonly returned = signal<string | undefined>(undefined);
  protected readonly canManage = computed(() =>
    orgCan(this.session.roleIn(this.org()), Permission.BillingManage),
  );
  protected readonly addon = new Loadable<AddonState>();
  protected readonly state = computed(() => this.addon.value());
  protected readonly hasLicense = computed(() =>
    (this.state()?.sources ?? []).some((s) => s.source === 'license' && s.scope === 'org'),
  );
  protected readonly licenseKey = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly done = signal<string | undefined>(undefined);
  protected readonly describe = addonDescription;
  protected readonly label = sourceLabel;
  protected readonly fmt = formatDate;

  constructor() {
    effect(() => {
      const org = this.org();
      untracked(() => void this.addon.run(() => this.load(org)).then(() => this.afterCheckout(org)));
    });
  }

  /** Polls (every 2 s, for up to a minute) until Stripe's webhook has turned the add-on on. */
  private afterCheckout(org: string): void {
    const result = this.checkoutResult();
    if (result === 'cancelled') {
      this.returned.set('Checkout was cancelled; nothing was charged.');
      return;
    }
    if (result !== 'success') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.destroyRef.onDestroy(() => clearTimeout(timer));
    const deadline = Date.now() + 60_000;
    const check = async (): Promise<void> => {
      if (this.state()?.enabled) {
        this.returned.set('Payment received: scanning is enabled for this organization.');
        return;
      }
      if (Date.now() > deadline) {
        this.returned.set(
          'Payment received, but Stripe has not confirmed the subscription yet. Reload this page in a minute.',
        );
        return;
      }
      this.returned.set('Payment received. Waiting for Stripe to confirm the subscription…');
      timer = setTimeout(() => {
        void this.load(org)
          .then((s) => this.addon.value.set(s))
          .catch(() => undefined)
          .then(check);
      }, 2_000);
    };
    void check();
  }

  private async load(org: string): Promise<AddonState> {
    return scanningAddon(await firstValueFrom(this.http.get<unknown>(`${API}/orgs/${seg(org)}/addons`)));
  }

  protected checkout(): Promise<void> {
    return this.redirect(`${API}/orgs/${seg(this.org())}/billing/checkout`, { addon: 'scanning' });
  }

  protected portal(): Promise<void> {
    return this.redirect(`${API}/orgs/${seg(this.org())}/billing/portal`, {});
  }

  protected async applyLicense(): Promise<void> {
    await this.act(async () => {
      const s = await firstValueFrom(
        this.http.put<unknown>(`${API}/orgs/${seg(this.org())}/addons/license`, {
          key: this.licenseKey().trim(),
        }),
      );
      this.addon.value.set(scanningAddon(s));
      this.licenseKey.set('');
      this.done.set('License applied.');
    });
  }

  protected async removeLicense(): Promise<void> {
    if (!confirm('Remove the license key? Add-ons it enabled stop unless another source covers them.'))
      return;
    await this.act(async () => {
      await firstValueFrom(this.http.delete(`${API}/orgs/${seg(this.org())}/addons/license`));
      await this.addon.run(() => this.load(this.org()));
      this.done.set('License removed.');
    });
  }

  private async act(fn: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    this.error.set(undefined);
    this.done.set(undefined);
    try {
      await fn();
    } catch (e) {
      this.error.set(toApiError(e).message);
    } finally {
      this.busy.set(false);
    }
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
