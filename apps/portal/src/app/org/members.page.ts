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
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { firstValueFrom } from 'rxjs';
import { toApiError } from '../core/api-error.js';
import type { Invitation, Member, OrgRole } from '../core/api-types.js';
import { API, seg } from '../core/api-url.js';
import { assignableRoles, canChangeMember, Permission, orgCan } from '../core/permissions.js';
import { SessionService } from '../core/session.service.js';
import { CopyButton } from '../shared/copy-button.js';
import { formatDate } from '../shared/dates.js';
import { ErrorBanner } from '../shared/error-banner.js';
import { applyFieldErrors, controlMessage } from '../shared/form-errors.js';
import { PagedList } from '../shared/paged.js';
import { email, required } from '../shared/validators.js';

@Component({
  selector: 'dd-members-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatTableModule,
    MatPaginatorModule,
    MatProgressBarModule,
    CopyButton,
    ErrorBanner,
  ],
  templateUrl: './members.page.html',
})
export class MembersPage {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);
  readonly org = input.required<string>();

  protected readonly role = computed(() => this.session.roleIn(this.org()));
  protected readonly canManage = computed(() => orgCan(this.role(), Permission.MembersManage));
  protected readonly roles = computed(() => assignableRoles(this.role()));
  protected readonly myId = computed(() => this.session.me()?.id);

  protected readonly list = new PagedList<Member>((params) =>
    firstValueFrom(this.http.get<unknown>(`${API}/orgs/${seg(this.org())}/members`, { params })),
  );
  /** Owners on this page; the API refuses the last owner's removal anyway. */
  protected readonly ownerCount = computed(() => this.list.items().filter((m) => m.role === 'owner').length);
  protected readonly columns = computed(() => [
    'email',
    'role',
    'joinedAt',
    ...(this.canManage() ? ['actions'] : []),
  ]);

  protected readonly inviteForm = inject(FormBuilder).nonNullable.group({
    email: ['', [required, email]],
    role: ['member'],
  });
  protected readonly invitation = signal<Invitation | undefined>(undefined);
  protected readonly inviteLink = computed(() => {
    const t = this.invitation()?.token;
    return t ? `${location.origin}/invitations/${encodeURIComponent(t)}` : '';
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly fmt = formatDate;
  protected readonly msg = controlMessage;

  constructor() {
    effect(() => {
      this.org();
      untracked(() => void this.list.first());
    });
  }

  protected access(m: Member) {
    return canChangeMember(this.role(), m, this.ownerCount());
  }

  protected async invite(): Promise<void> {
    if (this.inviteForm.invalid) {
      this.inviteForm.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(undefined);
    try {
      const inv = await firstValueFrom(
        this.http.post<Invitation>(
          `${API}/orgs/${seg(this.org())}/invitations`,
          this.inviteForm.getRawValue(),
        ),
      );
      this.invitation.set(inv);
      this.inviteForm.reset({ email: '', role: 'member' });
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(this.inviteForm, err);
      this.error.set(err.message);
    } finally {
      this.busy.set(false);
    }
  }

  protected async changeRole(m: Member, role: OrgRole): Promise<void> {
    this.error.set(undefined);
    try {
      await firstValueFrom(
        this.http.patch(`${API}/orgs/${seg(this.org())}/members/${seg(m.userId)}`, { role }),
      );
      if (m.userId === this.myId()) await this.session.loadMe();
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
    await this.list.reload();
  }

  protected async remove(m: Member): Promise<void> {
    if (!confirm(`Remove ${m.email} from ${this.org()}?`)) return;
    this.error.set(undefined);
    try {
      await firstValueFrom(this.http.delete(`${API}/orgs/${seg(this.org())}/members/${seg(m.userId)}`));
      await this.list.reload();
    } catch (e) {
      this.error.set(toApiError(e).message);
    }
  }
}
