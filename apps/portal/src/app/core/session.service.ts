import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { LoginRequest, Me, SignupRequest, SignupResponse, TokenResponse } from './api-types.js';
import { API } from './api-url.js';

/**
 * The signed-in session. The access token lives only in memory (a short-lived JWT); the refresh
 * token is an httpOnly cookie the browser sends to /auth/refresh, so a reload restores the
 * session without the token ever touching storage that scripts can read.
 */
@Injectable({ providedIn: 'root' })
export class SessionService {
  private readonly http = inject(HttpClient);

  private readonly token = signal<string | undefined>(undefined);
  private readonly meState = signal<Me | undefined>(undefined);
  private restoring: Promise<void> | undefined;

  readonly accessToken = this.token.asReadonly();
  readonly me = this.meState.asReadonly();
  readonly signedIn = computed(() => this.token() !== undefined);
  readonly organizations = computed(() => this.meState()?.organizations ?? []);
  readonly isPlatformAdmin = computed(() => this.meState()?.platformAdmin === true);

  roleIn(slug: string | undefined) {
    return this.organizations().find((o) => o.slug === slug)?.role;
  }

  /** Once per page load: try the refresh cookie, then load /me. Never throws. */
  restore(): Promise<void> {
    this.restoring ??= (async () => {
      if (await this.refresh()) await this.loadMe().catch(() => this.clear());
    })();
    return this.restoring;
  }

  async login(body: LoginRequest): Promise<void> {
    const res = await firstValueFrom(
      this.http.post<TokenResponse>(`${API}/auth/login`, body, { withCredentials: true }),
    );
    this.token.set(res.accessToken);
    await this.loadMe();
  }

  async signup(body: SignupRequest): Promise<SignupResponse> {
    const res = await firstValueFrom(
      this.http.post<SignupResponse>(`${API}/signup`, body, { withCredentials: true }),
    );
    this.token.set(res.accessToken);
    await this.loadMe();
    return res;
  }

  /** Asks for a new access token with the refresh cookie; false when there is no valid session. */
  async refresh(): Promise<boolean> {
    try {
      const res = await firstValueFrom(
        this.http.post<TokenResponse>(`${API}/auth/refresh`, {}, { withCredentials: true }),
      );
      if (!res?.accessToken) return false;
      this.token.set(res.accessToken);
      return true;
    } catch {
      return false;
    }
  }

  async loadMe(): Promise<Me> {
    const me = await firstValueFrom(this.http.get<Me>(`${API}/me`));
    this.meState.set({ ...me, organizations: me.organizations ?? [] });
    return me;
  }

  async logout(): Promise<void> {
    try {
      await firstValueFrom(this.http.post(`${API}/auth/logout`, {}, { withCredentials: true }));
    } finally {
      this.clear();
    }
  }

  /** Forget the session locally (after logout or a failed refresh). */
  clear(): void {
    this.token.set(undefined);
    this.meState.set(undefined);
  }
}
