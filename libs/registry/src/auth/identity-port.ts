/**
 * What the registry needs from identity, behind a small port so the registry is testable on its own
 * and does not reach into identity's internals. RegistryModule binds it to @drydock/identity.
 */
export type RepoLevel = 'read' | 'write' | 'admin';

export type RegistryPrincipal =
  | {
      kind: 'user';
      userId: string;
      email: string;
      platformAdmin: boolean;
      scopes?: string[];
      tokenId?: string;
    }
  | {
      kind: 'service_account';
      serviceAccountId: string;
      organizationId: string;
      name: string;
      scopes?: string[];
      tokenId?: string;
    };

export interface OrgRef {
  id: string;
  slug: string;
}

/**
 * authenticateBasic refused to check a password: the email or the client address failed too often
 * lately (the same limits as sign-in). The registry answers 429 TOOMANYREQUESTS.
 */
export class CredentialsThrottled extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many failed sign-in attempts; try again later');
    this.name = 'CredentialsThrottled';
  }
}

export interface RegistryIdentity {
  /**
   * Email + password, or any username + an API token. `ip` is the client's address, which failed
   * password checks count against; throws CredentialsThrottled past the limits.
   */
  authenticateBasic(username: string, password: string, ip: string): Promise<RegistryPrincipal | null>;
  /** An API token presented as a bearer token. */
  authenticateBearer(token: string): Promise<RegistryPrincipal | null>;
  /** The caller's level on a repository name (grants on the name or a namespace prefix, org roles). */
  repositoryLevel(
    principal: RegistryPrincipal,
    organizationId: string,
    repositoryName: string,
  ): Promise<RepoLevel | null>;
  findOrganization(slug: string): Promise<OrgRef | null>;
  /** Organizations whose repositories the principal may list (members; a service account's own). */
  organizationsOf(principal: RegistryPrincipal): Promise<OrgRef[]>;
}

export const REGISTRY_IDENTITY = Symbol('REGISTRY_IDENTITY');

export function principalLabel(p: RegistryPrincipal): string {
  return p.kind === 'user' ? p.email : `service-account:${p.name}`;
}
