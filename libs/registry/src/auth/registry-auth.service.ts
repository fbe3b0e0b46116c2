import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@drydock/platform';
import { RegistryStore } from '../db/registry-store.js';
import type { Repository } from '../db/entities.js';
import { OciError } from '../oci/errors.js';
import { isValidName } from '../oci/names.js';
import { buildChallenge } from '../token/challenge.js';
import { RegistryTokenService, type TokenSubject } from '../token/registry-token.service.js';
import { accessAllows, formatScope, parseScopes, type AccessEntry } from '../token/scope.js';
import { actionsFor, type RegistryAction } from './actions.js';
import {
  CredentialsThrottled,
  REGISTRY_IDENTITY,
  type OrgRef,
  type RegistryIdentity,
  type RegistryPrincipal,
} from './identity-port.js';

/** Who called /v2: nobody, an anonymous token holder, or a principal (with its token's access, if any). */
export type Caller =
  | { kind: 'none' }
  | { kind: 'anonymous'; access: AccessEntry[] }
  | { kind: 'principal'; principal: RegistryPrincipal; access: AccessEntry[] | null };

export interface Resolved {
  org: OrgRef | null;
  repo: Repository | null;
  actions: Set<RegistryAction>;
}

/** A token service answer; `granted` is what its `access` claim holds (not sent as such). */
export interface IssuedToken {
  token: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
  granted: AccessEntry[];
}

export class TokenRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseBasic(header: string): { username: string; password: string } | null {
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

@Injectable()
export class RegistryAuthService {
  constructor(
    @Inject(REGISTRY_IDENTITY) private readonly identity: RegistryIdentity,
    @Inject(RegistryTokenService) private readonly tokens: RegistryTokenService,
    @Inject(RegistryStore) private readonly store: RegistryStore,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  get realm(): string {
    return `${this.config.publicUrl}/auth/token`;
  }

  /**
   * The realm to announce on a request. PUBLIC_URL is the truth; only when it names port 0 (a
   * server told to pick a free port, as the test harness does) is it unreachable, and the
   * request's own origin is used instead.
   */
  realmFor(origin: string): string {
    return new URL(this.config.publicUrl).port === '0' ? `${origin}/auth/token` : this.realm;
  }

  challenge(scope?: string, error?: 'invalid_token' | 'insufficient_scope'): string {
    return buildChallenge({
      realm: this.realm,
      service: this.config.registry.service,
      ...(scope ? { scope } : {}),
      ...(error ? { error } : {}),
    });
  }

  /**
   * Authenticates a /v2 request. Clients normally present our JWT; an API token (Bearer or Basic)
   * or Basic email/password are accepted too, so `curl -u` works without the token dance.
   * Returns null for credentials that are present but wrong.
   */
  async authenticate(authorization: string | undefined, ip: string): Promise<Caller | null> {
    if (!authorization) return { kind: 'none' };
    if (/^bearer /i.test(authorization)) {
      const raw = authorization.slice(7).trim();
      const claims = await this.tokens.verify(raw);
      if (claims) {
        if (claims.subject.kind === 'anonymous') return { kind: 'anonymous', access: claims.access };
        return { kind: 'principal', principal: claims.subject, access: claims.access };
      }
      const principal = await this.identity.authenticateBearer(raw);
      return principal ? { kind: 'principal', principal, access: null } : null;
    }
    if (/^basic /i.test(authorization)) {
      const creds = parseBasic(authorization);
      if (!creds) return null;
      const principal = await this.basic(creds.username, creds.password, ip);
      return principal ? { kind: 'principal', principal, access: null } : null;
    }
    return null;
  }

  /** Basic credentials; past the failure limits, 429 TOOMANYREQUESTS with Retry-After. */
  private async basic(username: string, password: string, ip: string): Promise<RegistryPrincipal | null> {
    try {
      return await this.identity.authenticateBasic(username, password, ip);
    } catch (e) {
      if (!(e instanceof CredentialsThrottled)) throw e;
      throw new OciError('TOOMANYREQUESTS', e.message, undefined, 429, {
        'Retry-After': String(e.retryAfterSeconds),
      });
    }
  }

  private readonly orgCache = new Map<string, { org: OrgRef | null; until: number }>();

  /**
   * Slug → organization, cached for a few seconds: every /v2 request needs it, and a slug names
   * the same organization for its lifetime (a deleted one just stops matching rows).
   */
  private async organization(slug: string): Promise<OrgRef | null> {
    const now = Date.now();
    const hit = this.orgCache.get(slug);
    if (hit && hit.until > now) return hit.org;
    const org = await this.identity.findOrganization(slug);
    if (this.orgCache.size > 10_000) this.orgCache.clear();
    this.orgCache.set(slug, { org, until: now + (org ? 30_000 : 2_000) });
    return org;
  }

  /**
   * What `principal` (null: anonymous) may do on repository `name`, decided live: its level from
   * identity (narrowed by token scopes), plus pull on a public repository for anyone. The
   * repository row may come from the short-lived in-process copy (RegistryStore.findRepositoryCached)
   * only for its identity; whenever visibility is what grants pull it is read fresh.
   */
  async resolve(
    principal: RegistryPrincipal | null,
    name: string,
    grantedByToken?: RegistryAction,
  ): Promise<Resolved> {
    const slash = name.indexOf('/');
    if (slash < 0 || !isValidName(name)) return { org: null, repo: null, actions: new Set() };
    const org = await this.organization(name.slice(0, slash));
    if (!org) return { org: null, repo: null, actions: new Set() };
    const [found, level] = await Promise.all([
      this.store.findRepositoryCached(org.id, name),
      principal && !grantedByToken
        ? this.identity.repositoryLevel(principal, org.id, name)
        : Promise.resolve(null),
    ]);
    const actions = actionsFor(principal, level);
    if (grantedByToken) actions.add(grantedByToken);
    let repo = found.repo;
    // A token's grant was decided when it was issued; otherwise, when pull would come from
    // visibility alone, decide on the current row.
    if (!grantedByToken && !actions.has('pull') && repo && !found.fresh)
      repo = await this.store.findRepository(org.id, name);
    if (repo?.visibility === 'public') actions.add('pull');
    return { org, repo, actions };
  }

  /**
   * What a token may grant on `name`: the caller's level, and pull on a public repository. Unlike
   * resolve it needs no repository row unless visibility could add the pull that was asked for.
   */
  private async grantable(
    principal: RegistryPrincipal | null,
    name: string,
    wantsPull: boolean,
  ): Promise<Set<RegistryAction>> {
    const slash = name.indexOf('/');
    if (slash < 0 || !isValidName(name)) return new Set();
    const org = await this.organization(name.slice(0, slash));
    if (!org) return new Set();
    const level = principal ? await this.identity.repositoryLevel(principal, org.id, name) : null;
    const actions = actionsFor(principal, level);
    if (wantsPull && !actions.has('pull')) {
      const repo = await this.store.findRepository(org.id, name);
      if (repo?.visibility === 'public') actions.add('pull');
    }
    return actions;
  }

  /**
   * Authorizes `action` on `name` for a caller, answering as the spec and Docker clients expect:
   * no credentials → 401 with a challenge naming the scope; an authenticated caller without the
   * right → 403 DENIED, or NAME_UNKNOWN for a pull from a repository it cannot see at all (the same
   * answer whether it exists or not, so nothing leaks across tenants).
   */
  async authorize(caller: Caller, name: string, action: RegistryAction): Promise<Resolved & { org: OrgRef }> {
    const principal = caller.kind === 'principal' ? caller.principal : null;
    // Fast path: the token's access claim already grants it, so skip the permission lookup. Otherwise
    // decide live, which also lets a caller use a right its token did not ask for (a mount source).
    const tokenGrants =
      caller.kind !== 'none' &&
      caller.access !== null &&
      accessAllows(caller.access, 'repository', name, action);
    const resolved = await this.resolve(principal, name, tokenGrants ? action : undefined);
    if (caller.kind !== 'none' && resolved.org && resolved.actions.has(action))
      return resolved as Resolved & { org: OrgRef };
    if (caller.kind === 'none' || caller.kind === 'anonymous') {
      const scope = formatScope({
        type: 'repository',
        name,
        actions: action === 'pull' ? ['pull'] : ['pull', action],
      });
      throw new OciError(
        'UNAUTHORIZED',
        'authentication required',
        [{ Type: 'repository', Name: name, Action: action }],
        undefined,
        {
          'WWW-Authenticate': this.challenge(scope),
        },
      );
    }
    if (action === 'pull')
      throw new OciError('NAME_UNKNOWN', 'repository name not known to registry', { name });
    throw new OciError('DENIED', 'requested access to the resource is denied', { name, action });
  }

  /**
   * GET /auth/token (distribution docs/spec/auth/token.md). Basic credentials are a user's email and
   * password or any username with an API token; without credentials the caller is anonymous and can
   * only be granted pulls of public repositories. Each requested scope is answered with the
   * intersection of what was asked and what is allowed — asking for more is not an error.
   */
  async issueToken(
    authorization: string | undefined,
    query: { service?: string; scope: string[] },
    ip: string,
  ): Promise<IssuedToken> {
    this.checkService(query.service);
    let principal: RegistryPrincipal | null = null;
    if (authorization) {
      const caller = await this.authenticate(authorization, ip);
      if (!caller || caller.kind === 'none') throw new TokenRequestError(401, 'invalid credentials');
      if (caller.kind === 'principal') principal = caller.principal;
    }
    return this.grant(principal, query.scope);
  }

  /**
   * POST /auth/token with the OAuth2 password grant (distribution docs/spec/auth/oauth.md), which
   * containerd tries before the GET: the same credentials and the same grants, the username and
   * password in the form instead of a Basic header. No refresh token is ever issued.
   */
  async issueOAuthToken(
    creds: { username: string; password: string },
    query: { service?: string; scope: string[] },
    ip: string,
  ): Promise<IssuedToken> {
    this.checkService(query.service);
    const principal = await this.basic(creds.username, creds.password, ip);
    if (!principal) throw new TokenRequestError(401, 'invalid credentials');
    return this.grant(principal, query.scope);
  }

  private checkService(service: string | undefined): void {
    if (service && service !== this.config.registry.service)
      throw new TokenRequestError(400, `unknown service ${service}`);
  }

  private async grant(principal: RegistryPrincipal | null, scope: string[]): Promise<IssuedToken> {
    const granted: AccessEntry[] = [];
    for (const entry of parseScopes(scope)) {
      if (entry.type === 'repository') {
        const wanted = entry.actions.includes('*') ? ['pull', 'push', 'delete'] : entry.actions;
        const actions = await this.grantable(principal, entry.name, wanted.includes('pull'));
        const allowed = wanted.filter((a) => actions.has(a as RegistryAction));
        if (allowed.length) granted.push({ type: 'repository', name: entry.name, actions: allowed });
      } else if (entry.type === 'registry' && entry.name === 'catalog' && principal) {
        // The catalog lists only what the caller can read, so any authenticated caller may ask.
        granted.push({ type: 'registry', name: 'catalog', actions: ['*'] });
      }
    }
    const subject: TokenSubject = principal ?? { kind: 'anonymous' };
    const issued = await this.tokens.issue(subject, granted);
    return {
      token: issued.token,
      access_token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt.toISOString(),
      granted,
    };
  }

  organizationsOf(principal: RegistryPrincipal): Promise<OrgRef[]> {
    return this.identity.organizationsOf(principal);
  }

  repositoryLevel(principal: RegistryPrincipal, orgId: string, name: string) {
    return this.identity.repositoryLevel(principal, orgId, name);
  }
}
