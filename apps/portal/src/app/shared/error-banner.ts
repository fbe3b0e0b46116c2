import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** A readable API error, announced to screen readers. */
@Component({
  selector: 'dd-error-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (message()) {
      <div class="banner" role="alert">
        <strong>{{ heading() }}</strong>
        <span>{{ message() }}</span>
        @for (d of details(); track d) {
          <span class="detail">{{ d }}</span>
        }
      </div>
    }
  `,
  styles: `
    .banner {
      display: flex;
      flex-direction: column;
      gap: 4px;
      padding: 12px 16px;
      margin: 8px 0 16px;
      border-radius: 8px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .detail {
      font-size: 0.9em;
    }
  `,
})
export class ErrorBanner {
  readonly message = input<string | undefined | null>();
  readonly details = input<readonly string[]>([]);
  readonly heading = input('Something went wrong');
}
