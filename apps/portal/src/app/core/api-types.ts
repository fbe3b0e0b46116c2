/**
 * Shapes of the foundation API (issue 2's contract table). When `@drydock/contracts` exports
 * these, re-export them from there so the portal and the API cannot drift.
 */

export type OrgRole = 'owner' | 'admin' | 'member';
export type GrantLevel = 'read' | 'write' | 'admin';

export interface LoginRequest {
  email: string;
  password: string;
}
export interface TokenResponse {
  accessToken: string;
  expiresIn?: number;
}
export interface SignupRequest {
  organization: string;
  email: string;
  password: string;
}
export interface SignupResponse {
  organization: { id: string; slug: string };
  user: { id: string; email: string };
  accessToken: string;
  expiresIn?: number;
}
export interface MeOrganization {
  slug: string;
  role: OrgRole;
  id?: string;
  name?: string;
}
export interface Me {
  id: string;
  email: string;
  organizations: MeOrganization[];
  platformAdmin?: boolean;
  isPlatformAdmin?: boolean;
  name?: string;
}

export interface Member {
  userId: string;
  email: string;
  role: OrgRole;
  id?: string;
  createdAt?: string;
  joinedAt?: string;
}
export interface InvitationRequest {
  email: string;
  role: OrgRole;
}
export interface Invitation {
  id: string;
  email: string;
  role: OrgRole;
  token?: string;
  expiresAt?: string;
  createdAt?: string;
}
export interface Team {
  id: string;
  name: string;
  memberCount?: number;
  createdAt?: string;
}
export interface TeamMember {
  userId: string;
  email?: string;
  id?: string;
}
export interface Grant {
  target: string;
  level: GrantLevel;
}
export interface ServiceAccount {
  id: string;
  name: string;
  description?: string | null;
  grants?: Grant[];
  createdAt?: string;
}
export interface ApiToken {
  id: string;
  name: string;
  scopes?: string[];
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  createdAt?: string;
  revokedAt?: string | null;
  prefix?: string;
}
export interface CreatedToken extends ApiToken {
  token: string;
}
export interface AuditEvent {
  id: string;
  action: string;
  actor?: string | { id?: string | null; email?: string; label?: string | null; type?: string } | null;
  actorEmail?: string;
  target?: string | null;
  targetType?: string;
  targetId?: string;
  createdAt?: string;
  at?: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  details?: Record<string, unknown>;
}

export interface Page<T> {
  items: T[];
  total: number;
}
