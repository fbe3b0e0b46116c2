import { HttpClient } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatListModule } from '@angular/material/list';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { firstValueFrom } from 'rxjs';
import { formatBytes } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { Loadable } from '../shared/state.js';
import { type LayerRow, defaultLayer, layerRows } from './layers.js';
import type { LayerComponent, LayersResponse } from './repo-types.js';
import { layerComponentCounts, shieldFor } from './severity.js';
import { ShieldBadge } from './shield.js';

/** Layers in build order; the selected one lists the components it introduced and removed. */
@Component({
  selector: 'dd-layers-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatListModule, MatProgressBarModule, ErrorBanner, ShieldBadge],
  template: `
    @if (layers.loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading layers" />
    }
    <dd-error-banner [message]="layers.error()" heading="Could not load the layers" />
    @if (layers.value()?.length === 0) {
      <p class="empty-state">No layer information for this image.</p>
    } @else if (layers.value(); as rows) {
      <div class="layers">
        <ol class="layer-list" aria-label="Layers in build order">
          @for (l of rows; track l.index) {
            <li>
              <button
                type="button"
                class="layer"
                [class.selected]="selected() === l.index"
                [attr.aria-pressed]="selected() === l.index"
                (click)="selected.set(l.index)"
                data-testid="layer"
              >
                <span class="num">{{ l.index + 1 }}</span>
                <code class="cmd">{{ l.createdBy || '(no command recorded)' }}</code>
                <span class="info">
                  {{ l.added.length }} added{{ l.removed.length ? ', ' + l.removed.length + ' removed' : '' }}
                  @if (layerVulns(l) > 0) {
                    · {{ layerVulns(l) }} vulnerabilities
                  }
                  @if (l.size !== null) {
                    · {{ bytes(l.size) }}
                  }
                </span>
              </button>
            </li>
          }
        </ol>
        @if (current(); as l) {
          <section class="layer-detail" aria-labelledby="layer-detail-title" data-testid="layer-detail">
            <h3 id="layer-detail-title">Layer {{ l.index + 1 }}</h3>
            <code class="cmd-full">{{ l.createdBy || '—' }}</code>
            @if (!l.scanned) {
              <p class="muted">This layer was not scanned{{ l.reason ? ': ' + l.reason : '.' }}</p>
            }
            <h4>Introduced ({{ l.added.length }})</h4>
            @if (l.added.length === 0) {
              <p class="muted">No components.</p>
            }
            <ul class="comp-list">
              @for (c of sortedAdded(); track $index) {
                <li>
                  <button mat-button type="button" (click)="openComponent.emit(c.name)">
                    {{ c.name }} {{ c.version ?? ''
                    }}<span class="visually-hidden"> (show in Components)</span>
                  </button>
                  <span class="muted">{{ c.type }}</span>
                  <dd-shield status="completed" [counts]="counts(c)" />
                </li>
              }
            </ul>
            @if (l.removed.length > 0) {
              <h4>Removed ({{ l.removed.length }})</h4>
              <ul class="comp-list">
                @for (c of l.removed; track $index) {
                  <li>
                    <span>{{ c.name }} {{ c.version ?? '' }}</span>
                  </li>
                }
              </ul>
            }
          </section>
        }
      </div>
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .layers {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      gap: 16px;
      margin-top: 12px;
    }
    @media (max-width: 900px) {
      .layers {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    .layer-list {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    .layer {
      display: grid;
      grid-template-columns: 2em minmax(0, 1fr);
      gap: 2px 8px;
      width: 100%;
      text-align: left;
      padding: 8px;
      margin-bottom: 4px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      background: var(--mat-sys-surface);
      color: var(--mat-sys-on-surface);
      cursor: pointer;
      font: inherit;
    }
    .layer.selected {
      border-color: var(--mat-sys-primary);
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    .num {
      grid-row: span 2;
      font-weight: 600;
    }
    .cmd {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .info {
      font-size: 0.85em;
    }
    .cmd-full {
      display: block;
      white-space: pre-wrap;
      word-break: break-all;
      background: var(--mat-sys-surface-container-high);
      padding: 8px;
      border-radius: 6px;
    }
    .comp-list {
      list-style: none;
      padding: 0;
      li {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
    }
  `,
})
export class LayersView {
  private readonly http = inject(HttpClient);
  /** The tag's URL; the view reads `<url>/layers`. */
  readonly url = input.required<string>();
  /**
   * Changes when the tag's scan result does (tag.page's `scanRevision`): the layers are read again,
   * so a re-scan or a re-evaluation never leaves the previous result on screen.
   */
  readonly revision = input('');
  readonly openComponent = output<string>();

  protected readonly layers = new Loadable<LayerRow[]>();
  protected readonly selected = signal<number | undefined>(undefined);
  protected readonly current = computed(() => this.layers.value()?.find((l) => l.index === this.selected()));
  protected readonly sortedAdded = computed(() =>
    [...(this.current()?.added ?? [])].sort(
      (a, b) => this.rank(b) - this.rank(a) || a.name.localeCompare(b.name),
    ),
  );
  protected readonly bytes = formatBytes;
  protected readonly counts = layerComponentCounts;

  constructor() {
    effect(() => {
      const url = this.url();
      this.revision();
      untracked(() => void this.load(url));
    });
  }

  private loadedUrl: string | undefined;

  private async load(url: string): Promise<void> {
    // A newer result of the same tag keeps the layer the user is looking at, if it is still there.
    const keep = url === this.loadedUrl ? this.selected() : undefined;
    const rows = await this.layers.run(async () =>
      layerRows(await firstValueFrom(this.http.get<LayersResponse>(`${url}/layers`))),
    );
    if (!rows) return;
    this.loadedUrl = url;
    this.selected.set(
      rows.some((l) => l.index === keep) ? keep : defaultLayer(rows, (c) => layerComponentCounts(c).total),
    );
  }

  protected layerVulns(l: LayerRow): number {
    return l.added.reduce((s, c) => s + layerComponentCounts(c).total, 0);
  }

  /** Severity-weighted, so the critical ones come first. */
  private rank(c: LayerComponent): number {
    const k = layerComponentCounts(c);
    const s = shieldFor('completed', k);
    return (s.color === 'red' ? 1e6 : 0) + k.critical * 1e4 + k.high * 1e2 + k.total;
  }
}
