import { HttpClient } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatMenuModule } from '@angular/material/menu';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTabsModule } from '@angular/material/tabs';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { type ApiError, toApiError } from '../core/api-error.js';
import { scanAction } from '../core/permissions.js';
import { CopyButton } from '../shared/copy-button.js';
import { formatBytes, formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { ComponentsView } from './components.view.js';
import { type ExportKind, exportFileName, exportRequest } from './downloads.js';
import { LayersView } from './layers.view.js';
import { isActive, pollDelay, scanProgress } from './progress.js';
import { platformText, shortDigest, tagUrl } from './repo-api.js';
import { RepoStore } from './repo-store.js';
import type { PlatformScan, ScanResult, ScanStatus, Tag } from './repo-types.js';
import { fullCounts } from './severity.js';
import { ShieldBadge } from './shield.js';
import { SummaryChart } from './summary-chart.js';

type View = 'layers' | 'components';

/**
 * Tag details (issue 7): metadata, the scan summary and its live progress, the Scan button for
 * read-write users, and the Layers / Components views.
 */
@Component({
  selector: 'dd-tag-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [RepoStore],
  imports: [
    RouterLink,
    MatButtonModule,
    MatMenuModule,
    MatProgressBarModule,
    MatTabsModule,
    MatTooltipModule,
    CopyButton,
    ErrorBanner,
    ShieldBadge,
    SummaryChart,
    LayersView,
    ComponentsView,
  ],
  templateUrl: './tag.page.html',
  styleUrl: './repos.scss',
})
export class TagPage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  protected readonly store = inject(RepoStore);
  readonly org = input.required<string>();
  readonly repo = input.required<string>();
  readonly tag = input.required<string>();
  /** `?view=components&component=openssl` */
  readonly view = input<View>();
  readonly component = input<string>();

  protected readonly url = computed(() => tagUrl(this.org(), this.repo(), this.tag()));
  protected readonly meta = signal<Tag | undefined>(undefined);
  protected readonly metaError = signal<string | undefined>(undefined);
  protected readonly scan = signal<ScanResult | undefined>(undefined);
  protected readonly scanError = signal<ApiError | undefined>(undefined);
  protected readonly loading = signal(true);
  protected readonly actionError = signal<string | undefined>(undefined);
  protected readonly starting = signal(false);

  protected readonly status = computed((): ScanStatus | undefined => {
    const err = this.scanError();
    if (this.scan()) return this.scan()?.status;
    if (err) return err.status === 402 ? 'not_licensed' : undefined;
    return 'not_scanned';
  });
  protected readonly licensed = computed(
    () => this.status() !== 'not_licensed' && this.scanError()?.status !== 402,
  );
  protected readonly counts = computed(() => fullCounts(this.scan()?.counts));
  protected readonly progress = computed(() =>
    scanProgress(this.status() ?? 'not_scanned', this.scan()?.progress),
  );
  protected readonly active = computed(() => isActive(this.status()));
  protected readonly scanButton = computed(() =>
    scanAction(this.store.level(), this.licensed(), this.active()),
  );
  protected readonly hasResults = computed(() => this.status() === 'completed' || !!this.scan()?.scannedAt);
  protected readonly platformScans = computed<PlatformScan[]>(() => this.scan()?.platforms ?? []);
  /**
   * Which result the Layers and Components views show: when a re-scan or a re-evaluation lands
   * (polled, no reload), this changes and they read theirs again.
   */
  protected readonly scanRevision = computed(() => {
    // A running re-scan keeps the previous times, so the views keep the previous result until then.
    const s = this.scan();
    return s ? `${s.digest}|${s.scannedAt ?? ''}|${s.evaluatedAt ?? ''}|${s.dbVersion ?? ''}` : '';
  });
  protected readonly tabIndex = computed(() => (this.view() === 'components' ? 1 : 0));
  protected readonly componentSearch = signal('');

  protected readonly digest = computed(() => this.scan()?.digest ?? this.meta()?.digest);
  protected readonly size = computed(() => this.meta()?.totalSize ?? this.scan()?.size);
  protected readonly pushedAt = computed(() => this.scan()?.pushedAt ?? this.meta()?.pushedAt);
  protected readonly pushedBy = computed(() => this.scan()?.pushedBy ?? this.meta()?.pushedBy);
  protected readonly platform = computed(() => (this.meta()?.platforms ?? []).map(platformText).join(', '));

  protected readonly short = shortDigest;
  protected readonly bytes = formatBytes;
  protected readonly fmt = formatDate;
  protected readonly platformText = platformText;

  private timer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      clearTimeout(this.timer);
    });
    effect(() => {
      const org = this.org();
      const repo = this.repo();
      this.tag();
      untracked(() => {
        void this.store.load(org, repo);
        void this.loadAll();
      });
    });
    effect(() => {
      const c = this.component();
      untracked(() => this.componentSearch.set(c ?? ''));
    });
  }

  private async loadAll(): Promise<void> {
    this.loading.set(true);
    await Promise.all([this.loadMeta(), this.loadScan()]);
    this.loading.set(false);
  }

  /**
   * `GET …/tags/{tag}`: size, pushed by/at and the platforms (an image's from its config), there
   * even when scanning is not licensed.
   */
  private async loadMeta(): Promise<void> {
    try {
      this.meta.set(await firstValueFrom(this.http.get<Tag>(this.url())));
      this.metaError.set(undefined);
    } catch (e) {
      this.meta.set(undefined);
      this.metaError.set(toApiError(e).message);
    }
  }

  private async loadScan(): Promise<void> {
    clearTimeout(this.timer);
    try {
      const s = await firstValueFrom(this.http.get<ScanResult>(`${this.url()}/scan`));
      this.scan.set(s);
      this.scanError.set(undefined);
    } catch (e) {
      const err = toApiError(e);
      // 404 before the first scan is "not scanned", not an error.
      if (err.status === 404) this.scan.set(undefined);
      else this.scanError.set(err);
    }
    const delay = pollDelay(this.scan());
    if (delay !== undefined && !this.destroyed) this.timer = setTimeout(() => void this.loadScan(), delay);
  }

  protected async startScan(): Promise<void> {
    this.starting.set(true);
    this.actionError.set(undefined);
    try {
      await firstValueFrom(this.http.post(`${this.url()}/scan`, {}));
      // Show the queued state at once; polling takes it from there.
      this.scan.update((s) => (s ? { ...s, status: 'queued', progress: null } : s));
      await this.loadScan();
    } catch (e) {
      this.actionError.set(toApiError(e).message);
    } finally {
      this.starting.set(false);
    }
  }

  protected selectTab(index: number): void {
    void this.router.navigate([], {
      queryParams: { view: index === 1 ? 'components' : 'layers' },
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
  }

  protected openComponent(name: string): void {
    this.componentSearch.set(name);
    void this.router.navigate([], {
      queryParams: { view: 'components', component: name },
      queryParamsHandling: 'merge',
    });
  }

  protected async download(kind: ExportKind): Promise<void> {
    this.actionError.set(undefined);
    const { path, format } = exportRequest(kind);
    try {
      const blob = await firstValueFrom(
        this.http.get(`${this.url()}/${path}`, { params: { format }, responseType: 'blob' }),
      );
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = exportFileName(this.store.repo.value()?.name ?? this.repo(), this.tag(), kind);
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    } catch (e) {
      this.actionError.set(toApiError(e).message);
    }
  }
}
