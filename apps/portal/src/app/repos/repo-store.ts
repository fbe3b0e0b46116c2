import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { effectiveRepoLevel } from '../core/permissions.js';
import { SessionService } from '../core/session.service.js';
import { Loadable } from '../shared/state.js';
import { repoUrl } from './repo-api.js';
import type { Repository } from './repo-types.js';

/** The repository a page is about, shared by its tabs (provided by RepositoryPage). */
@Injectable()
export class RepoStore {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);

  readonly org = signal('');
  readonly path = signal('');
  readonly repo = new Loadable<Repository>();
  readonly url = computed(() => repoUrl(this.org(), this.path()));
  /** The caller's level: the API's answer, or admin for org owners/admins. */
  readonly level = computed(() =>
    effectiveRepoLevel(this.session.roleIn(this.org()), this.repo.value()?.level ?? undefined),
  );

  load(org: string, path: string): Promise<Repository | undefined> {
    this.org.set(org);
    this.path.set(path);
    return this.repo.run(() => firstValueFrom(this.http.get<Repository>(this.url())));
  }

  reload(): Promise<Repository | undefined> {
    return this.load(this.org(), this.path());
  }

  set(repo: Repository): void {
    this.repo.value.set(repo);
  }
}
