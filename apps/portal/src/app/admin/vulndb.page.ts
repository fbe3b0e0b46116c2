import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import { API } from '../core/api-url.js';
import { formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import {
  OSV_ECOSYSTEMS,
  type VulndbSettingsAnswer,
  type VulndbSettingsForm,
  type VulndbStatus,
  statusProgress,
  toForm,
  toRequest,
} from './vulndb.js';

const BASE = `${API}/admin/vulndb`;

/** Platform admin: NVD and OSV sync configuration, "Sync now", live status, offline import (issue 5). */
@Component({
  selector: 'dd-vulndb-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
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
  protected readonly form = signal<VulndbSettingsForm | undefined>(undefined);
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
      const s = await firstValueFrom(this.http.get<VulndbSettingsAnswer>(`${BASE}/settings`));
      this.form.set(toForm(s));
      this.apiKeySet.set(s.nvd.apiKeySet);
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

  protected patch(change: Partial<VulndbSettingsForm>): void {
    this.form.update((f) => (f ? { ...f, ...change } : f));
  }

  protected setSource(i: number, change: Partial<{ ecosystem: string; url: string }>): void {
    this.form.update((f) =>
      f ? { ...f, sources: f.sources.map((s, j) => (j === i ? { ...s, ...change } : s)) } : f,
    );
  }

  protected addSource(): void {
    this.form.update((f) => (f ? { ...f, sources: [...f.sources, { ecosystem: 'Debian', url: '' }] } : f));
  }

  protected removeSource(i: number): void {
    this.form.update((f) => (f ? { ...f, sources: f.sources.filter((_, j) => j !== i) } : f));
  }

  protected async save(): Promise<void> {
    const f = this.form();
    if (!f) return;
    await this.act(async () => {
      const s = await firstValueFrom(this.http.put<VulndbSettingsAnswer>(`${BASE}/settings`, toRequest(f)));
      if (s?.nvd) {
        this.form.set(toForm(s));
        this.apiKeySet.set(s.nvd.apiKeySet);
      }
      this.saved.set('Settings saved.');
    });
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

  private async act(fn: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    this.error.set(undefined);
    this.saved.set(undefined);
    try {
      await fn();
    } catch (e) {
      this.error.set(toApiError(e).message);
    } finally {
      this.busy.set(false);
    }
  }
}
