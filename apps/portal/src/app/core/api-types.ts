/**
 * The API's request and response shapes. The foundation's come from `@drydock/contracts` (the same
 * file the API's controllers declare), so portal and API cannot drift; the rest are read as the
 * registry / scanning issues document them until their contracts land there.
 */
import type {
  AuditEventResponse,
  GrantResponse,
  InvitationResponse,
  LoginResponse,
  MeResponse,
  MemberResponse,
  RepoLevel,
  ServiceAccountResponse,
  TeamResponse,
  TokenCreatedResponse,
  TokenResponse as ApiTokenResponse,
} from '@drydock/contracts';

export type {
  LoginRequest,
  LoginResponse,
  MeResponse,
  OrgRole,
  RepoLevel,
  SignupRequest,
  SignupResponse,
} from '@drydock/contracts';

export type GrantLevel = RepoLevel;
export type TokenResponse = LoginResponse;
export type Me = MeResponse;
export type MeOrganization = MeResponse['organizations'][number];
export type Member = MemberResponse;
export type Invitation = InvitationResponse;
export type Team = TeamResponse & { memberCount?: number };
export type TeamMember = NonNullable<TeamResponse['members']>[number];
export type Grant = GrantResponse;
export type ServiceAccount = ServiceAccountResponse;
export type ApiToken = ApiTokenResponse;
export type CreatedToken = TokenCreatedResponse;
export type AuditEvent = AuditEventResponse;

/** Lists as the portal reads them; the API adds `limit` and `offset`. */
export interface Page<T> {
  items: T[];
  total: number;
}
