import type { Routes } from '@angular/router';

export const meRoutes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'tokens' },
  {
    path: 'tokens',
    title: 'Access tokens · Drydock',
    loadComponent: () => import('./tokens.page.js').then((m) => m.TokensPage),
  },
  {
    path: 'profile',
    title: 'Profile · Drydock',
    loadComponent: () => import('./profile.page.js').then((m) => m.ProfilePage),
  },
];
