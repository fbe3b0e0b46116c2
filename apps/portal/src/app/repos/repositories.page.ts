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
import { FormBuilder, FormsModule, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import { API, seg } from '../core/api-url.js';
import { Permission, orgCan } from '../core/permissions.js';
import { SessionService } from '../core/session.service.js';
import { CopyButton } from '../shared/copy-button.js';
import { formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { applyFieldErrors, controlMessage } from '../shared/form-errors.js';
import { PagedList } from '../shared/paged.js';
import { required } from '../shared/validators.js';
import { pathInOrg, pushCommands } from './repo-api.js';
import type { Repository } from './repo-types.js';
import { type Shield, shieldFor } from './severity.js';
import { ShieldBadge } from './shield.js';

@Component({
  selector: 'dd-repositories-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatTableModule,
    MatPaginatorModule,
    MatProgressBarModule,
    CopyButton,
    ErrorBanner,
    ShieldBadge,
  ],
  templateUrl: './repositories.page.html',
  styleUrl: './repos.scss',
})
export class RepositoriesPage {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);
  readonly org = input.required<string>();

  protected readonly search = signal('');
  protected readonly list = new PagedList<Repository>(
    (params) =>
      firstValueFrom(this.http.get<unknown>(`${API}/orgs/${seg(this.org())}/repositories`, { params })),
    () => ({ q: this.search().trim() || undefined }),
  );
  /** Worst shield per repository (the list's `scan`). */
  protected readonly shields = signal<Record<string, Shield | undefined>>({});
  protected readonly columns = ['name', 'shield', 'visibility', 'tags', 'pushed'];
  protected readonly host = location.host;
  protected readonly commands = computed(() => pushCommands(this.host, this.org()));
  protected readonly canCreate = computed(() =>
    orgCan(this.session.roleIn(this.org()), Permission.RepositoriesCreate),
  );
  protected readonly showCreate = signal(false);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [required]],
    visibility: ['private'],
    scanMode: ['on_push'],
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly fmt = formatDate;
  protected readonly msg = controlMessage;
  protected readonly path = (r: Repository) => r.path ?? pathInOrg(this.org(), r.name);

  constructor() {
    effect(() => {
      this.org();
      untracked(() => void this.reload());
    });
  }

  protected async reload(first = true): Promise<void> {
    await (first ? this.list.first() : this.list.reload());
    this.loadShields(this.list.items());
  }

  protected async onPage(e: { pageIndex: number; pageSize: number }): Promise<void> {
    await this.list.page(e);
    this.loadShields(this.list.items());
  }

  /** The API's worst result over each repository's tags (`scan`), as a shield. */
  private loadShields(repos: Repository[]): void {
    const out: Record<string, Shield | undefined> = {};
    for (const r of repos) if (r.scan) out[r.name] = shieldFor(r.scan.status, r.scan.counts);
    this.shields.set(out);
  }

  protected async create(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(undefined);
    const v = this.form.getRawValue();
    try {
      const repo = await firstValueFrom(
        this.http.post<Repository>(`${API}/orgs/${seg(this.org())}/repositories`, {
          ...v,
          name: pathInOrg(this.org(), v.name.trim()),
        }),
      );
      await this.router.navigate(['/orgs', this.org(), 'repositories', this.path(repo)]);
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(this.form, err);
      this.error.set(err.message);
    } finally {
      this.busy.set(false);
    }
  }
}
