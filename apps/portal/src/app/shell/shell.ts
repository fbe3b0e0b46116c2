import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatListModule } from '@angular/material/list';
import { MatMenuModule } from '@angular/material/menu';
import { MatSelectModule } from '@angular/material/select';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';
import { rememberOrg } from '../core/home.js';
import { OrgContext } from '../core/org-context.js';
import { orgCan } from '../core/permissions.js';
import { SessionService } from '../core/session.service.js';
import { navFor } from './nav.js';

@Component({
  selector: 'dd-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatToolbarModule,
    MatSidenavModule,
    MatListModule,
    MatButtonModule,
    MatMenuModule,
    MatSelectModule,
    MatFormFieldModule,
  ],
  templateUrl: './shell.html',
  styleUrl: './shell.scss',
})
export class Shell {
  private readonly router = inject(Router);
  protected readonly session = inject(SessionService);
  protected readonly org = inject(OrgContext);

  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 760px)')
      .pipe(map((s) => s.matches)),
    { initialValue: false },
  );
  /** mat-toolbar is 56px high below 600px, 64px above; the fixed navigation starts below it. */
  protected readonly toolbarHeight = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 599px)')
      .pipe(map((s) => (s.matches ? 56 : 64))),
    { initialValue: 64 },
  );
  protected readonly navOpen = signal(false);

  protected readonly nav = computed(() =>
    navFor(this.org.slug(), this.org.role(), this.session.isPlatformAdmin(), orgCan),
  );

  constructor() {
    effect(() => {
      const slug = this.org.slug();
      if (slug && this.org.role()) rememberOrg(slug);
    });
  }

  protected switchOrg(slug: string): void {
    rememberOrg(slug);
    void this.router.navigate(['/orgs', slug, 'repositories']);
  }

  protected navigated(): void {
    if (this.narrow()) this.navOpen.set(false);
  }

  protected async signOut(): Promise<void> {
    try {
      await this.session.logout();
    } finally {
      await this.router.navigate(['/sign-in']);
    }
  }
}
