import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTabsModule } from '@angular/material/tabs';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { repoSettingsAccess } from '../core/permissions.js';
import { CopyButton } from '../shared/copy-button.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { RepoStore } from './repo-store.js';

/** Repository header and its tabs (Images, Settings); the tabs are child routes. */
@Component({
  selector: 'dd-repository-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [RepoStore],
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatTabsModule,
    MatButtonModule,
    MatProgressBarModule,
    ErrorBanner,
    CopyButton,
  ],
  template: `
    <div class="page">
      <header class="page-header">
        <h1>{{ store.repo.value()?.name ?? org() + '/' + repo() }}</h1>
        <a mat-button [routerLink]="['/orgs', org(), 'repositories']">All repositories</a>
      </header>
      @if (store.repo.loading() && !store.repo.value()) {
        <mat-progress-bar mode="indeterminate" aria-label="Loading the repository" />
      }
      <dd-error-banner [message]="store.repo.error()" heading="Could not load the repository" />
      @if (store.repo.value(); as r) {
        <p class="summary">
          <span>{{ r.visibility }}</span> ·
          <span>scanning {{ r.scanMode === 'on_push' ? 'on push' : 'manual' }}</span> ·
          <span>your access: {{ store.level() ?? 'none' }}</span>
        </p>
        <div class="secret-box">
          <code>docker pull {{ host }}/{{ r.name }}:&lt;tag&gt;</code>
          <dd-copy-button [value]="'docker pull ' + host + '/' + r.name" label="pull command" />
        </div>
        <nav mat-tab-nav-bar [tabPanel]="panel" aria-label="Repository sections">
          <a
            mat-tab-link
            [routerLink]="['/orgs', org(), 'repositories', repo()]"
            [routerLinkActiveOptions]="{ exact: true }"
            routerLinkActive
            #images="routerLinkActive"
            [active]="images.isActive"
            >Images</a
          >
          @if (settings().canView) {
            <a
              mat-tab-link
              [routerLink]="['/orgs', org(), 'repositories', repo(), 'settings']"
              routerLinkActive
              #set="routerLinkActive"
              [active]="set.isActive"
              >Settings</a
            >
          }
        </nav>
        <mat-tab-nav-panel #panel>
          <router-outlet />
        </mat-tab-nav-panel>
      }
    </div>
  `,
  styles: `
    .summary {
      color: var(--mat-sys-on-surface-variant);
      margin: 0 0 8px;
    }
  `,
})
export class RepositoryPage {
  protected readonly store = inject(RepoStore);
  readonly org = input.required<string>();
  readonly repo = input.required<string>();
  protected readonly host = location.host;
  protected readonly settings = computed(() => repoSettingsAccess(this.store.level()));

  constructor() {
    effect(() => {
      const org = this.org();
      const repo = this.repo();
      untracked(() => void this.store.load(org, repo));
    });
  }
}
