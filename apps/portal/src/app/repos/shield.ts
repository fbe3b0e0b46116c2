import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { ScanStatus, SeverityCounts } from './repo-types.js';
import { shieldFor } from './severity.js';

/** The tag's shield: green check, orange/red with the count, grey otherwise (issue 7). */
@Component({
  selector: 'dd-shield',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatTooltipModule],
  template: `
    <span
      class="shield"
      [class]="'shield shield-' + shield().color"
      role="img"
      [attr.aria-label]="shield().label"
      [matTooltip]="tooltip()"
      [attr.data-color]="shield().color"
      [attr.data-count]="shield().counts?.total ?? null"
      data-testid="shield"
      >{{ shield().text }}</span
    >
  `,
  styles: `
    .shield {
      display: inline-block;
      min-width: 1.6em;
      padding: 2px 8px;
      border-radius: 12px;
      font-size: 12px;
      font-weight: 600;
      line-height: 18px;
      text-align: center;
      white-space: nowrap;
      color: #fff;
    }
    /* Colours keep at least 4.5:1 against the white text (WCAG AA). */
    .shield-green {
      background: #1b7f3b;
    }
    .shield-orange {
      background: #a34a00;
    }
    .shield-red {
      background: #b3261e;
    }
    .shield-grey {
      background: #5f6368;
      font-weight: 500;
    }
  `,
})
export class ShieldBadge {
  readonly status = input<ScanStatus | undefined>();
  readonly counts = input<Partial<SeverityCounts> | null | undefined>();
  protected readonly shield = computed(() => shieldFor(this.status(), this.counts()));
  protected readonly tooltip = computed(() => {
    const s = this.shield();
    if (!s.counts || s.counts.total === 0) return s.label;
    const c = s.counts;
    return `${s.label}: ${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low, ${c.unknown} unknown`;
  });
}
