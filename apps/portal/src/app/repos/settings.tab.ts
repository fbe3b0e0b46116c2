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
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Router } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import type { Grant, GrantLevel, Page, Team } from '../core/api-types.js';
import { API, seg } from '../core/api-url.js';
import { toPage } from '../core/pagination.js';
import { repoSettingsAccess } from '../core/permissions.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { GRANT_LEVELS, grantCovers } from '../shared/grants.js';
import { PagedList } from '../shared/paged.js';
import { RepoStore } from './repo-store.js';
import type { Repository, ScanMode, Visibility } from './repo-types.js';

interface TeamAccess {
  team: Team;
  grants: Grant[];
}

/** Repository → Settings: scan mode (write), visibility, team permissions, delete (admin). */
@Component({
  selector: 'dd-settings-tab',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatRadioModule,
    MatSelectModule,
    MatTableModule,
    MatPaginatorModule,
    MatProgressBarModule,
    ErrorBanner,
  ],
  templateUrl: './settings.tab.html',
})
export class SettingsTab {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  protected readonly store = inject(RepoStore);
  protected readonly access = computed(() => repoSettingsAccess(this.store.level()));
  protected readonly levels = GRANT_LEVELS;

  protected readonly scanMode = signal<ScanMode>('on_push');
  protected readonly visibility = signal<Visibility>('private');
  /** The organization's teams a page at a time (the API pages them), each with its access here. */
  protected readonly teams = new PagedList<TeamAccess>((params) => this.teamPage(params));
  protected readonly newTeam = signal('');
  protected readonly newLevel = signal<GrantLevel>('read');
  protected readonly confirmName = signal('');
  protected readonly saved = signal<string | undefined>(undefined);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly busy = signal(false);

  constructor() {
    effect(() => {
      const r = this.store.repo.value();
      if (!r) return;
      untracked(() => {
        this.scanMode.set(r.scanMode);
        this.visibility.set(r.visibility);
        if (this.access().canManagePermissions) void this.teams.reload();
      });
    });
  }

  private teamsUrl(): string {
    return `${API}/orgs/${seg(this.store.org())}/teams`;
  }

  /** A page of teams and how each reaches this repository: directly, through a prefix, or not. */
  private async teamPage(params: Record<string, string>): Promise<Page<TeamAccess>> {
    const name = this.store.repo.value()?.name ?? '';
    const page = toPage<Team>(await firstValueFrom(this.http.get<unknown>(this.teamsUrl(), { params })));
    const items = await Promise.all(
      page.items.map(async (team) => {
        const grants = toPage<Grant>(
          await firstValueFrom(this.http.get<unknown>(`${this.teamsUrl()}/${seg(team.id)}/grants`)),
        ).items.filter((g) => grantCovers(g, name));
        return { team, grants };
      }),
    );
    return { ...page, items };
  }

  protected async save(
    patch: Partial<Pick<Repository, 'scanMode' | 'visibility'>>,
    what: string,
  ): Promise<void> {
    this.busy.set(true);
    this.error.set(undefined);
    this.saved.set(undefined);
    try {
      const repo = await firstValueFrom(this.http.patch<Repository>(this.store.url(), patch));
      this.store.set(repo);
      this.saved.set(`${what} saved.`);
    } catch (e) {
      this.error.set(toApiError(e).message);
      const r = this.store.repo.value();
      if (r) {
        this.scanMode.set(r.scanMode);
        this.visibility.set(r.visibility);
      }
    } finally {
      this.busy.set(false);
    }
  }

  protected async grant(): Promise<void> {
    const repo = this.store.repo.value();
    const team = this.newTeam();
    if (!repo || !team) return;
    await this.teamCall(() =>
      firstValueFrom(
        this.http.put(`${this.teamsUrl()}/${seg(team)}/grants`, {
          target: repo.name,
          level: this.newLevel(),
        }),
      ),
    );
    this.newTeam.set('');
  }

  protected async revoke(t: TeamAccess, g: Grant): Promise<void> {
    const prefixNote = g.target.endsWith('/')
      ? ` This removes it for every repository under ${g.target}.`
      : '';
    if (!confirm(`Remove ${t.team.name}'s ${g.level} access on ${g.target}?${prefixNote}`)) return;
    await this.teamCall(() =>
      firstValueFrom(
        this.http.delete(`${this.teamsUrl()}/${seg(t.team.id)}/grants`, {
          body: { target: g.target },
          params: { target: g.target },
        }),
      ),
    );
  }

  private async teamCall(call: () => Promise<unknown>): Promise<void> {
    this.error.set(undefined);
    try {
      await call();
      await this.teams.reload();
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }

  protected async deleteRepository(): Promise<void> {
    const repo = this.store.repo.value();
    if (!repo || this.confirmName() !== repo.name) return;
    this.busy.set(true);
    this.error.set(undefined);
    try {
      await firstValueFrom(this.http.delete(this.store.url()));
      await this.router.navigate(['/orgs', this.store.org(), 'repositories']);
    } catch (e) {
      this.error.set(toApiError(e).message);
    } finally {
      this.busy.set(false);
    }
  }
}
