import type { Routes } from '@angular/router';

export const orgRoutes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'repositories' },
  {
    path: 'repositories',
    title: 'Repositories · Drydock',
    loadComponent: () => import('../repos/repositories.page.js').then((m) => m.RepositoriesPage),
  },
  {
    path: 'repositories/:repo/tags/:tag',
    title: 'Image · Drydock',
    loadComponent: () => import('../repos/tag.page.js').then((m) => m.TagPage),
  },
  {
    path: 'repositories/:repo',
    title: 'Repository · Drydock',
    loadComponent: () => import('../repos/repository.page.js').then((m) => m.RepositoryPage),
    children: [
      { path: '', loadComponent: () => import('../repos/images.tab.js').then((m) => m.ImagesTab) },
      {
        path: 'settings',
        title: 'Repository settings · Drydock',
        loadComponent: () => import('../repos/settings.tab.js').then((m) => m.SettingsTab),
      },
    ],
  },
  {
    path: 'billing',
    title: 'Billing and add-ons · Drydock',
    loadComponent: () => import('./billing.page.js').then((m) => m.BillingPage),
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
