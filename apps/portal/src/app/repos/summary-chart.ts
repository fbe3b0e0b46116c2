import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { SeverityCounts } from './repo-types.js';
import { SEVERITIES } from './severity.js';

/** Findings by severity as a stacked bar with a legend that also carries the numbers as text. */
@Component({
  selector: 'dd-summary-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="bar" aria-hidden="true">
      @for (s of parts(); track s.severity) {
        @if (s.count > 0) {
          <span [class]="'seg sev-' + s.severity" [style.flex-grow]="s.count"></span>
        }
      }
      @if (counts().total === 0) {
        <span class="seg sev-none"></span>
      }
    </div>
    <ul class="legend" aria-label="Vulnerabilities by severity" data-testid="severity-summary">
      @for (s of parts(); track s.severity) {
        <li [attr.data-severity]="s.severity">
          <span [class]="'dot sev-' + s.severity" aria-hidden="true"></span>
          <span class="count">{{ s.count }}</span> {{ s.severity }}
        </li>
      }
      <li class="total">
        <span class="count">{{ counts().total }}</span> total
      </li>
    </ul>
  `,
  styles: `
    .bar {
      display: flex;
      height: 14px;
      border-radius: 7px;
      overflow: hidden;
      background: var(--mat-sys-surface-container-high);
      max-width: 640px;
    }
    .seg {
      flex-basis: 0;
      min-width: 4px;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 16px;
      list-style: none;
      padding: 0;
      margin: 8px 0 0;
    }
    .dot {
      display: inline-block;
      width: 10px;
      height: 10px;
      border-radius: 50%;
      margin-right: 4px;
    }
    .count {
      font-weight: 600;
    }
    .sev-critical {
      background: #7d1a13;
    }
    .sev-high {
      background: #b3261e;
    }
    .sev-medium {
      background: #a34a00;
    }
    .sev-low {
      background: #7a6400;
    }
    .sev-unknown {
      background: #5f6368;
    }
    .sev-none {
      flex-grow: 1;
      background: #1b7f3b;
    }
  `,
})
export class SummaryChart {
  readonly counts = input.required<SeverityCounts>();
  protected readonly parts = computed(() =>
    SEVERITIES.map((s) => ({ severity: s, count: this.counts()[s] })),
  );
}
