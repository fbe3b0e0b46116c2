import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'dd-vulndb-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page">
    <header class="page-header"><h1>Vulnerability data</h1></header>
  </div>`,
})
export class VulndbPage {}
