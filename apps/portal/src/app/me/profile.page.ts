import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { RouterLink } from '@angular/router';
import { SessionService } from '../core/session.service.js';
import { ChangePassword } from './change-password.js';

@Component({
  selector: 'dd-profile-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCardModule, RouterLink, ChangePassword],
  template: `
    <div class="page">
      <header class="page-header"><h1>Profile</h1></header>
      @if (session.me(); as me) {
        <mat-card appearance="outlined" class="card">
          <mat-card-content>
            <dl>
              <dt>Email</dt>
              <dd>{{ me.email }}</dd>
              <dt>Platform admin</dt>
              <dd>{{ session.isPlatformAdmin() ? 'yes' : 'no' }}</dd>
              <dt>Organizations</dt>
              <dd>
                @for (o of me.organizations; track o.slug) {
                  <div>
                    <a [routerLink]="['/orgs', o.slug, 'repositories']">{{ o.slug }}</a> — {{ o.role }}
                  </div>
                } @empty {
                  <span class="muted">none</span>
                }
              </dd>
            </dl>
          </mat-card-content>
        </mat-card>
      }
      @if (session.me()) {
        <dd-change-password />
      }
      <p><a routerLink="/me/tokens">Manage personal access tokens</a></p>
    </div>
  `,
  styles: `
    dt {
      font-weight: 600;
      margin-top: 8px;
    }
    dd {
      margin: 0 0 4px;
    }
  `,
})
export class ProfilePage {
  protected readonly session = inject(SessionService);
}
