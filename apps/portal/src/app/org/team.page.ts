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
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import type { Member, Team, TeamMember } from '../core/api-types.js';
import { API, seg } from '../core/api-url.js';
import { toPage } from '../core/pagination.js';
import { Permission, orgCan } from '../core/permissions.js';
import { SessionService } from '../core/session.service.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { GrantsEditor } from '../shared/grants-editor.js';
import { PagedList } from '../shared/paged.js';
import { Loadable } from '../shared/state.js';

interface TeamDetail extends Team {
  members?: TeamMember[];
}

/** One team: rename, members (PUT/DELETE …/members/{userId}) and grants. */
@Component({
  selector: 'dd-team-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatTableModule,
    MatPaginatorModule,
    MatProgressBarModule,
    ErrorBanner,
    GrantsEditor,
  ],
  templateUrl: './team.page.html',
})
export class TeamPage {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);
  readonly org = input.required<string>();
  readonly team = input.required<string>();

  protected readonly canManage = computed(() =>
    orgCan(this.session.roleIn(this.org()), Permission.TeamsManage),
  );
  protected readonly base = computed(() => `${API}/orgs/${seg(this.org())}/teams/${seg(this.team())}`);
  protected readonly detail = new Loadable<TeamDetail>();
  /**
   * The team's members, a page at a time. The API answers them inside the team (`GET …/teams/{team}`),
   * all at once, so PagedList pages that array here (a bare array is sliced locally).
   */
  protected readonly members = new PagedList<TeamMember>(() =>
    Promise.resolve(this.detail.value()?.members ?? []),
  );
  protected readonly orgMembers = signal<Member[]>([]);
  protected readonly orgMembersError = signal<string | undefined>(undefined);
  protected readonly candidates = computed(() => {
    const inTeam = new Set((this.detail.value()?.members ?? []).map((m) => m.userId));
    return this.orgMembers().filter((m) => !inTeam.has(m.userId));
  });
  protected readonly emailOf = computed(() => new Map(this.orgMembers().map((m) => [m.userId, m.email])));
  protected readonly columns = computed(() => ['email', ...(this.canManage() ? ['actions'] : [])]);
  protected readonly selected = signal('');
  protected readonly newName = signal('');
  protected readonly error = signal<string | undefined>(undefined);

  constructor() {
    effect(() => {
      this.base();
      untracked(() => void this.load());
    });
  }

  private async load(): Promise<void> {
    const team = await this.detail.run(() => firstValueFrom(this.http.get<TeamDetail>(this.base())));
    if (!team) return;
    this.newName.set(team.name);
    await this.members.reload();
    if (this.canManage()) {
      // The "Add a member" choices: the organization's members (the API's largest page).
      try {
        const page = await firstValueFrom(
          this.http.get<unknown>(`${API}/orgs/${seg(this.org())}/members`, { params: { limit: '1000' } }),
        );
        this.orgMembers.set(toPage<Member>(page).items);
        this.orgMembersError.set(undefined);
      } catch (e) {
        this.orgMembers.set([]);
        this.orgMembersError.set(toApiError(e).message);
      }
    }
  }

  protected async addMember(): Promise<void> {
    const userId = this.selected();
    if (!userId) return;
    await this.act(() => firstValueFrom(this.http.put(`${this.base()}/members/${seg(userId)}`, {})));
    this.selected.set('');
  }

  protected async removeMember(m: TeamMember): Promise<void> {
    const label = m.email ?? this.emailOf().get(m.userId) ?? m.userId;
    if (!confirm(`Remove ${label} from the team?`)) return;
    await this.act(() => firstValueFrom(this.http.delete(`${this.base()}/members/${seg(m.userId)}`)));
  }

  protected async rename(): Promise<void> {
    const name = this.newName().trim();
    if (!name || name === this.detail.value()?.name) return;
    await this.act(() => firstValueFrom(this.http.patch(this.base(), { name })));
  }

  protected async deleteTeam(): Promise<void> {
    if (!confirm(`Delete the team "${this.detail.value()?.name}"? Its grants are removed.`)) return;
    this.error.set(undefined);
    try {
      await firstValueFrom(this.http.delete(this.base()));
      await this.router.navigate(['/orgs', this.org(), 'teams']);
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }

  private async act(call: () => Promise<unknown>): Promise<void> {
    this.error.set(undefined);
    try {
      await call();
      await this.load();
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }
}
