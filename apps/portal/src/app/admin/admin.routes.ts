import type { Routes } from '@angular/router';

export const adminRoutes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'vulndb' },
  {
    path: 'vulndb',
    title: 'Vulnerability data · Drydock',
    loadComponent: () => import('./vulndb.page.js').then((m) => m.VulndbPage),
  },
  {
    path: 'orgs',
    title: 'Organizations · Drydock',
    loadComponent: () => import('./orgs.page.js').then((m) => m.AdminOrgsPage),
  },
];
