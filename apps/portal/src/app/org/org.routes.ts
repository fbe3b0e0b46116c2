import type { Routes } from '@angular/router';

export const orgRoutes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'repositories' },
  {
    path: 'repositories',
    title: 'Repositories · Drydock',
    loadComponent: () => import('../repos/repositories.page.js').then((m) => m.RepositoriesPage),
  },
];
