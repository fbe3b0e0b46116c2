import { HttpClient } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatExpansionModule } from '@angular/material/expansion';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { firstValueFrom } from 'rxjs';
import { ErrorBanner } from '../shared/error-banner.js';
import { PagedList } from '../shared/paged.js';
import type { Component as ImageComponent, Severity } from './repo-types.js';
import {
  type ComponentFilter,
  SEVERITIES,
  countsOf,
  filterComponents,
  filterParams,
  normalizeSeverity,
  sortVulnerabilities,
  vulnerabilityLink,
} from './severity.js';
import { ShieldBadge } from './shield.js';

const TYPES = ['deb', 'apk', 'rpm', 'npm', 'pypi', 'go', 'maven', 'cargo', 'gem', 'binary'];

/** Most vulnerable first; each component expands to its vulnerabilities (issue 7). */
@Component({
  selector: 'dd-components-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatExpansionModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatPaginatorModule,
    MatProgressBarModule,
    ErrorBanner,
    ShieldBadge,
  ],
  templateUrl: './components.view.html',
  styleUrl: './components.view.scss',
})
export class ComponentsView {
  private readonly http = inject(HttpClient);
  /** The tag's URL; the view reads `<url>/components`. */
  readonly url = input.required<string>();
  /** Preset search, e.g. from the Layers view. */
  readonly search = input('');
  /**
   * Changes when the tag's scan result does (tag.page's `scanRevision`): the page shown is read
   * again with the filters and page kept, so a re-scan never leaves the previous findings on screen.
   */
  readonly revision = input('');

  protected readonly severities = SEVERITIES;
  protected readonly selectedSeverities = signal<Severity[]>([]);
  protected readonly fixableOnly = signal(false);
  protected readonly type = signal<string | undefined>(undefined);
  protected readonly query = signal('');
  protected readonly filter = computed<ComponentFilter>(() => ({
    severities: this.selectedSeverities(),
    fixableOnly: this.fixableOnly(),
    type: this.type(),
    search: this.query(),
  }));
  protected readonly list = new PagedList<ImageComponent>(
    (params) => firstValueFrom(this.http.get<unknown>(`${this.url()}/components`, { params })),
    () => filterParams(this.filter()),
  );
  /** The page as shown: filtered and ordered here too, so it is right even if the API ignored a parameter. */
  protected readonly shown = computed(() => filterComponents(this.list.items(), this.filter()));
  protected readonly types = computed(() =>
    [...new Set([...TYPES, ...this.list.items().map((c) => c.type)])].sort(),
  );
  protected readonly counts = (c: ImageComponent) => countsOf(c.vulnerabilities);
  protected readonly sortVulns = sortVulnerabilities;
  protected readonly link = vulnerabilityLink;
  protected readonly sev = normalizeSeverity;

  constructor() {
    let last: { url: string; search: string; revision: string } | undefined;
    effect(() => {
      const next = { url: this.url(), search: this.search(), revision: this.revision() };
      untracked(() => {
        const newResult =
          last?.url === next.url && last.search === next.search && last.revision !== next.revision;
        last = next;
        // A new result of the same tag: the same filters and page, read again.
        if (newResult) {
          void this.list.reload();
          return;
        }
        this.query.set(next.search);
        this.list.pageSize.set(50);
        void this.list.first();
      });
    });
  }

  protected apply(): Promise<void> {
    return this.list.first();
  }

  protected clear(): Promise<void> {
    this.selectedSeverities.set([]);
    this.fixableOnly.set(false);
    this.type.set(undefined);
    this.query.set('');
    return this.list.first();
  }
}
