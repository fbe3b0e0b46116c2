import type { OrgRole, TokenScope } from '@drydock/contracts';

/** Who is calling: a user (session or personal token) or a service account (its token). */
export type Principal =
  | {
      kind: 'user';
      userId: string;
      email: string;
      platformAdmin: boolean;
      /** Present when authenticated with an API token: what the token may do. */
      scopes?: TokenScope[];
      tokenId?: string;
    }
  | {
      kind: 'service_account';
      serviceAccountId: string;
      organizationId: string;
      name: string;
      scopes?: TokenScope[];
      tokenId: string;
    };

/** The organization a request acts in, resolved by the access guard from `:org`. */
export interface OrgContext {
  id: string;
  slug: string;
  /** The caller's role; null for a service account. */
  role: OrgRole | null;
}

export function principalId(p: Principal): string {
  return p.kind === 'user' ? p.userId : p.serviceAccountId;
}

export function principalLabel(p: Principal): string {
  return p.kind === 'user' ? p.email : `service-account:${p.name}`;
}

export function hasScope(p: Principal, scope: TokenScope): boolean {
  return !p.scopes || p.scopes.length === 0 || p.scopes.includes(scope);
}
