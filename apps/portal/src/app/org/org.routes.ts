import type { Routes } from '@angular/router';

export const orgRoutes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'repositories' },
  {
    path: 'repositories',
    title: 'Repositories · Drydock',
    loadComponent: () => import('../repos/repositories.page.js').then((m) => m.RepositoriesPage),
  },
  {
    path: 'members',
    title: 'Members · Drydock',
    loadComponent: () => import('./members.page.js').then((m) => m.MembersPage),
  },
  {
    path: 'teams',
    title: 'Teams · Drydock',
    loadComponent: () => import('./teams.page.js').then((m) => m.TeamsPage),
  },
  {
    path: 'teams/:team',
    title: 'Team · Drydock',
    loadComponent: () => import('./team.page.js').then((m) => m.TeamPage),
  },
  {
    path: 'service-accounts',
    title: 'Service accounts · Drydock',
    loadComponent: () => import('./service-accounts.page.js').then((m) => m.ServiceAccountsPage),
  },
  {
    path: 'service-accounts/:id',
    title: 'Service account · Drydock',
    loadComponent: () => import('./service-account.page.js').then((m) => m.ServiceAccountPage),
  },
  {
    path: 'audit',
    title: 'Audit log · Drydock',
    loadComponent: () => import('./audit.page.js').then((m) => m.AuditPage),
  },
];
