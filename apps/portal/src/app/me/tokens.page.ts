import { ChangeDetectionStrategy, Component } from '@angular/core';
import { API } from '../core/api-url.js';
import { TokenManager } from '../shared/token-manager.js';

@Component({
  selector: 'dd-tokens-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [TokenManager],
  template: `
    <div class="page">
      <header class="page-header"><h1>Personal access tokens</h1></header>
      <p class="muted">
        Use a token as the password for <code>docker login</code>, or as <code>Authorization: Bearer</code> on
        the REST API. A token acts with your rights, narrowed by its scopes.
      </p>
      <dd-token-manager [url]="url" />
    </div>
  `,
})
export class TokensPage {
  protected readonly url = `${API}/me/tokens`;
}
