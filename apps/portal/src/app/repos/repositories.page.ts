import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'dd-repositories-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page">
    <header class="page-header"><h1>Repositories</h1></header>
  </div>`,
})
export class RepositoriesPage {}
