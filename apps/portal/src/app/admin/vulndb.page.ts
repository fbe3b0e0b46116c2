import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { FormBuilder, FormsModule, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { VulndbSettingsRequest } from '@drydock/contracts';
import { firstValueFrom } from 'rxjs';
import { type ApiError, toApiError } from '../core/api-error.js';
import { API } from '../core/api-url.js';
import { formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { applyFieldErrors, controlMessage } from '../shared/form-errors.js';
import { required } from '../shared/validators.js';
import {
  OSV_ECOSYSTEMS,
  type OsvSource,
  type VulndbSettingsAnswer,
  type VulndbSettingsForm,
  type VulndbStatus,
  statusProgress,
  toForm,
  toRequest,
} from './vulndb.js';

const BASE = `${API}/admin/vulndb`;

/** The API's bounds for the sync interval, read from its own schema (libs/contracts). */
const INTERVAL = VulndbSettingsRequest.shape.nvd.unwrap().shape.intervalMinutes.unwrap();
const INTERVAL_MIN = INTERVAL.minValue ?? 1;
const INTERVAL_MAX = INTERVAL.maxValue ?? Number.MAX_SAFE_INTEGER;

/** The API names the fields of `PUT /settings` by their path in the body; the form by its controls. */
const FIELD_ALIASES: Record<string, string> = {
  'nvd.enabled': 'nvdEnabled',
  'nvd.url': 'nvdUrl',
  'nvd.intervalMinutes': 'intervalMinutes',
  'nvd.apiKey': 'apiKey',
};

/** Platform admin: NVD and OSV sync configuration, "Sync now", live status, offline import (issue 5). */
@Component({
  selector: 'dd-vulndb-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    ErrorBanner,
  ],
  templateUrl: './vulndb.page.html',
  styleUrl: './vulndb.page.scss',
})
export class VulndbPage {
  private readonly http = inject(HttpClient);
  protected readonly ecosystems = OSV_ECOSYSTEMS;
  protected readonly intervalMin = INTERVAL_MIN;
  protected readonly intervalMax = INTERVAL_MAX;
  /** The NVD settings; the API's field errors are put on these controls (shared/form-errors.ts). */
  protected readonly nvd = inject(FormBuilder).nonNullable.group({
    nvdEnabled: [true],
    nvdUrl: ['', [required]],
    intervalMinutes: [
      60,
      [required, Validators.min(INTERVAL_MIN), Validators.max(INTERVAL_MAX), Validators.pattern(/^\d+$/)],
    ],
    apiKey: [''],
    clearApiKey: [false],
  });
  protected readonly sources = signal<OsvSource[]>([]);
  /** Set once the settings are loaded: the form is shown from then on. */
  protected readonly loaded = signal(false);
  protected readonly fieldProblems = signal<string[]>([]);
  protected readonly msg = controlMessage;
  protected readonly apiKeySet = signal(false);
  protected readonly status = signal<VulndbStatus | undefined>(undefined);
  protected readonly progress = computed(() => statusProgress(this.status()));
  protected readonly counts = computed(() => Object.entries(this.status()?.counts ?? {}));
  protected readonly loading = signal(true);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly statusError = signal<string | undefined>(undefined);
  protected readonly saved = signal<string | undefined>(undefined);
  protected readonly files = signal<File[]>([]);
  protected readonly fmt = formatDate;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      clearTimeout(this.timer);
    });
    void this.load();
  }

  private async load(): Promise<void> {
    this.loading.set(true);
    try {
      this.show(await firstValueFrom(this.http.get<VulndbSettingsAnswer>(`${BASE}/settings`)));
    } catch (e) {
      this.error.set(toApiError(e).message);
    } finally {
      this.loading.set(false);
    }
    await this.loadStatus();
  }

  /** Polls every 2 s while a sync runs, every 15 s otherwise, so a scheduled sync shows up too. */
  private async loadStatus(): Promise<void> {
    clearTimeout(this.timer);
    try {
      this.status.set(await firstValueFrom(this.http.get<VulndbStatus>(`${BASE}/status`)));
      this.statusError.set(undefined);
    } catch (e) {
      this.statusError.set(toApiError(e).message);
    }
    if (!this.destroyed) {
      this.timer = setTimeout(
        () => void this.loadStatus(),
        this.status()?.state === 'running' ? 2000 : 15000,
      );
    }
  }

  private show(s: VulndbSettingsAnswer): void {
    const { sources, ...nvd } = toForm(s);
    this.nvd.reset(nvd);
    this.sources.set(sources);
    this.apiKeySet.set(s.nvd.apiKeySet);
    this.loaded.set(true);
  }

  protected setSource(i: number, change: Partial<OsvSource>): void {
    this.sources.update((list) => list.map((s, j) => (j === i ? { ...s, ...change } : s)));
  }

  protected addSource(): void {
    this.sources.update((list) => [...list, { ecosystem: 'Debian', url: '' }]);
  }

  protected removeSource(i: number): void {
    this.sources.update((list) => list.filter((_, j) => j !== i));
  }

  protected async save(): Promise<void> {
    if (this.nvd.invalid) {
      this.nvd.markAllAsTouched();
      return;
    }
    const form: VulndbSettingsForm = { ...this.nvd.getRawValue(), sources: this.sources() };
    this.fieldProblems.set([]);
    await this.act(
      async () => {
        const s = await firstValueFrom(
          this.http.put<VulndbSettingsAnswer>(`${BASE}/settings`, toRequest(form)),
        );
        if (s?.nvd) this.show(s);
        this.saved.set('Settings saved.');
      },
      // Field errors go under their fields; the OSV rows' (`osv.sources.0.url`) stay in the banner.
      (err) => this.fieldProblems.set(applyFieldErrors(this.nvd, err, FIELD_ALIASES)),
    );
  }

  protected async syncNow(): Promise<void> {
    await this.act(async () => {
      await firstValueFrom(this.http.post(`${BASE}/sync`, {}));
      this.saved.set('Sync started.');
      this.status.update((s) => ({ ...(s ?? {}), state: 'running' }));
      await this.loadStatus();
    });
  }

  protected pick(input: HTMLInputElement): void {
    this.files.set(Array.from(input.files ?? []));
  }

  protected async upload(): Promise<void> {
    const files = this.files();
    if (!files.length) return;
    await this.act(async () => {
      const body = new FormData();
      for (const f of files) body.append('files', f, f.name);
      await firstValueFrom(this.http.post(`${BASE}/import`, body));
      this.saved.set(`${files.length} file(s) imported.`);
      this.files.set([]);
      await this.loadStatus();
    });
  }

  private async act(fn: () => Promise<void>, onError?: (err: ApiError) => void): Promise<void> {
    this.busy.set(true);
    this.error.set(undefined);
    this.saved.set(undefined);
    try {
      await fn();
    } catch (e) {
      const err = toApiError(e);
      onError?.(err);
      this.error.set(err.message);
    } finally {
      this.busy.set(false);
    }
  }
}
