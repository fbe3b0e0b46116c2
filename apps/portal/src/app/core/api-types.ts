/**
 * Short portal names for the API's request and response shapes. Every shape comes from
 * `@drydock/contracts` (what the API's controllers and services declare), so portal and API cannot
 * drift: a new shape goes into libs/contracts, never into a portal file.
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
