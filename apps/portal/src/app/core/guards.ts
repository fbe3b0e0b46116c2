import { inject } from '@angular/core';
import { type CanActivateFn, Router, type UrlTree } from '@angular/router';
import { SessionService } from './session.service.js';
import { homePath } from './home.js';

/** Pages behind sign-in: the sign-in page is the landing page for everyone else. */
export const authGuard: CanActivateFn = async (_route, state) => {
  const session = inject(SessionService);
  const router = inject(Router);
  await session.restore();
  if (session.signedIn()) return true;
  return router.createUrlTree(['/sign-in'], {
    queryParams: state.url && state.url !== '/' ? { returnUrl: state.url } : {},
  });
};

/** Sign-in and sign-up: a signed-in user goes straight to their organization. */
export const guestGuard: CanActivateFn = async () => {
  const session = inject(SessionService);
  const router = inject(Router);
  await session.restore();
  return session.signedIn() ? router.parseUrl(homePath(session.organizations())) : true;
};

/** `/orgs/:org/...` only for organizations the user belongs to (platform admins see all). */
export const orgGuard: CanActivateFn = async (route): Promise<boolean | UrlTree> => {
  const session = inject(SessionService);
  const router = inject(Router);
  await session.restore();
  const slug = route.paramMap.get('org') ?? undefined;
  if (session.roleIn(slug) || session.isPlatformAdmin()) return true;
  return router.parseUrl(homePath(session.organizations()));
};

export const platformAdminGuard: CanActivateFn = async () => {
  const session = inject(SessionService);
  const router = inject(Router);
  await session.restore();
  return session.isPlatformAdmin() ? true : router.parseUrl(homePath(session.organizations()));
};

/** `/`: signed in → the organization, otherwise the sign-in page. */
export const landingGuard: CanActivateFn = async () => {
  const session = inject(SessionService);
  const router = inject(Router);
  await session.restore();
  return router.parseUrl(session.signedIn() ? homePath(session.organizations()) : '/sign-in');
};
