import { HttpClient } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import { RepoAction, repoCan } from '../core/permissions.js';
import { CopyButton } from '../shared/copy-button.js';
import { formatBytes, formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { PagedList } from '../shared/paged.js';
import { platformText, shortDigest } from './repo-api.js';
import { RepoStore } from './repo-store.js';
import type { Tag } from './repo-types.js';
import { tagScan } from './severity.js';
import { ShieldBadge } from './shield.js';

/** Repository → Images: every tag with its shield, digest, size, pushed at/by (issue 7). */
@Component({
  selector: 'dd-images-tab',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterLink,
    MatButtonModule,
    MatTableModule,
    MatPaginatorModule,
    MatProgressBarModule,
    CopyButton,
    ErrorBanner,
    ShieldBadge,
  ],
  templateUrl: './images.tab.html',
  styleUrl: './repos.scss',
})
export class ImagesTab {
  private readonly http = inject(HttpClient);
  protected readonly store = inject(RepoStore);
  protected readonly list = new PagedList<Tag>((params) =>
    firstValueFrom(this.http.get<unknown>(`${this.store.url()}/tags`, { params })),
  );
  protected readonly canDelete = computed(() => repoCan(this.store.level(), RepoAction.DeleteTag));
  protected readonly columns = computed(() => [
    'tag',
    'shield',
    'digest',
    'size',
    'pushedAt',
    'pushedBy',
    'details',
    ...(this.canDelete() ? ['delete'] : []),
  ]);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly scan = tagScan;
  protected readonly short = shortDigest;
  protected readonly bytes = formatBytes;
  protected readonly fmt = formatDate;
  protected readonly platforms = (t: Tag) => t.platforms.map(platformText).join(', ');
  protected readonly notLicensed = computed(() =>
    this.list.items().some((t) => tagScan(t).status === 'not_licensed'),
  );

  constructor() {
    effect(() => {
      this.store.url();
      untracked(() => {
        this.list.pageSize.set(50);
        void this.list.first();
      });
    });
  }

  protected async deleteTag(t: Tag): Promise<void> {
    if (!confirm(`Delete the tag ${t.name}? The image stays if other tags point at it.`)) return;
    this.error.set(undefined);
    try {
      await firstValueFrom(this.http.delete(`${this.store.url()}/tags/${encodeURIComponent(t.name)}`));
      await this.list.reload();
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }
}
