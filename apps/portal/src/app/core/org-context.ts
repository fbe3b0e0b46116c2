import { Injectable, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router } from '@angular/router';
import { filter, map } from 'rxjs';
import { orgFromUrl } from './home.js';
import { SessionService } from './session.service.js';

/** The organization the current page is about, and the user's role in it. */
@Injectable({ providedIn: 'root' })
export class OrgContext {
  private readonly router = inject(Router);
  private readonly session = inject(SessionService);

  private readonly url = toSignal(
    this.router.events.pipe(
      filter((e): e is NavigationEnd => e instanceof NavigationEnd),
      map((e) => e.urlAfterRedirects),
    ),
    { initialValue: this.router.url },
  );

  readonly slug = computed(() => orgFromUrl(this.url()));
  readonly role = computed(() => this.session.roleIn(this.slug()));
}
