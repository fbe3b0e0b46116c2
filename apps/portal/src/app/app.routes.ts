import type { Routes } from '@angular/router';
import { authGuard, guestGuard, landingGuard, orgGuard, platformAdminGuard } from './core/guards.js';
import { Shell } from './shell/shell.js';

export const routes: Routes = [
  { path: '', pathMatch: 'full', canActivate: [landingGuard], children: [] },
  {
    path: 'sign-in',
    title: 'Sign in · Drydock',
    canActivate: [guestGuard],
    loadComponent: () => import('./auth/sign-in.page.js').then((m) => m.SignInPage),
  },
  {
    path: 'sign-up',
    title: 'Sign up · Drydock',
    canActivate: [guestGuard],
    loadComponent: () => import('./auth/sign-up.page.js').then((m) => m.SignUpPage),
  },
  {
    path: 'invitations/:token',
    title: 'Invitation · Drydock',
    loadComponent: () => import('./auth/accept-invitation.page.js').then((m) => m.AcceptInvitationPage),
  },
  {
    path: '',
    component: Shell,
    canActivate: [authGuard],
    children: [
      {
        path: 'orgs/:org',
        canActivate: [orgGuard],
        loadChildren: () => import('./org/org.routes.js').then((m) => m.orgRoutes),
      },
      { path: 'me', loadChildren: () => import('./me/me.routes.js').then((m) => m.meRoutes) },
      {
        path: 'admin',
        canActivate: [platformAdminGuard],
        loadChildren: () => import('./admin/admin.routes.js').then((m) => m.adminRoutes),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
