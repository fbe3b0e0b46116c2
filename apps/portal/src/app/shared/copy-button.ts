import { Clipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatTooltipModule } from '@angular/material/tooltip';

@Component({
  selector: 'dd-copy-button',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatTooltipModule],
  template: `
    <button
      mat-stroked-button
      type="button"
      [attr.aria-label]="(copied() ? 'Copied ' : 'Copy ') + label()"
      (click)="copy()"
    >
      {{ copied() ? 'Copied' : 'Copy' }}
    </button>
    <span class="visually-hidden" aria-live="polite">{{
      copied() ? label() + ' copied to the clipboard' : ''
    }}</span>
  `,
})
export class CopyButton {
  private readonly clipboard = inject(Clipboard);
  readonly value = input.required<string>();
  readonly label = input('value');
  protected readonly copied = signal(false);

  protected copy(): void {
    this.copied.set(this.clipboard.copy(this.value()));
    setTimeout(() => this.copied.set(false), 2000);
  }
}
