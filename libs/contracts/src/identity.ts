import { z } from 'zod';
import { ORG_ROLES, REPO_LEVELS, TOKEN_SCOPES } from './permissions.js';

/** Request schemas and response types of the identity API (issue 2's contract table). */

export const RESERVED_SLUGS = [
  'api',
  'v2',
  'auth',
  'admin',
  'login',
  'logout',
  'signup',
  'register',
  'settings',
  'static',
  'assets',
  'docs',
  'healthz',
  'readyz',
  'metrics',
  'me',
  'orgs',
  'invitations',
  'billing',
  'help',
  'support',
  'drydock',
  'root',
  'system',
  'library',
  'public',
  'www',
  'portal',
  'status',
  'about',
  'new',
  'explore',
  'search',
  '_catalog',
] as const;

export const SlugSchema = z
  .string()
  .min(2, 'must be 2 to 40 characters')
  .max(40, 'must be 2 to 40 characters')
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    'only lowercase letters, digits and "-", not at the start or end',
  )
  .refine((s) => !(RESERVED_SLUGS as readonly string[]).includes(s), 'is a reserved word');

export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('must be a valid email address').max(254));
export const PasswordSchema = z.string().min(12, 'must be at least 12 characters').max(1024, 'is too long');

export const SignupRequest = z.object({
  organization: SlugSchema,
  email: EmailSchema,
  password: PasswordSchema,
});
export type SignupRequest = z.infer<typeof SignupRequest>;
export interface SignupResponse {
  organization: { id: string; slug: string };
  user: { id: string; email: string };
  accessToken: string;
  expiresIn: number;
}

export const LoginRequest = z.object({ email: EmailSchema, password: z.string().min(1).max(1024) });
export type LoginRequest = z.infer<typeof LoginRequest>;
export interface LoginResponse {
  accessToken: string;
  expiresIn: number;
}

export interface MeResponse {
  id: string;
  email: string;
  platformAdmin: boolean;
  organizations: { slug: string; role: (typeof ORG_ROLES)[number] }[];
}

export const ChangePasswordRequest = z.object({
  currentPassword: z.string().min(1, 'is required').max(1024),
  newPassword: PasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

export const RoleSchema = z.enum(ORG_ROLES);
export const InvitationRequest = z.object({ email: EmailSchema, role: RoleSchema.default('member') });
export interface InvitationResponse {
  id: string;
  email: string;
  role: (typeof ORG_ROLES)[number];
  token: string;
  expiresAt: string;
}
export const AcceptInvitationRequest = z.object({ password: PasswordSchema }).partial();
/** `POST /invitations/{token}/accept`: `created` when the password created the account. */
export interface AcceptInvitationResponse {
  organization: { id: string; slug: string };
  userId: string;
  role: (typeof ORG_ROLES)[number];
  created: boolean;
}

export interface MemberResponse {
  userId: string;
  email: string;
  role: (typeof ORG_ROLES)[number];
  joinedAt: string;
}
export const UpdateMemberRequest = z.object({ role: RoleSchema });

export const TeamNameSchema = z
  .string()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'letters, digits, space, ".", "_" and "-" only');
export const CreateTeamRequest = z.object({ name: TeamNameSchema });
export const UpdateTeamRequest = z.object({ name: TeamNameSchema });
export interface TeamResponse {
  id: string;
  name: string;
  members?: { userId: string; email: string }[];
  createdAt: string;
}

/** `acme/web` (one repository) or `acme/payments/` (every repository under the prefix). */
export const GrantTargetSchema = z
  .string()
  .min(3)
  .max(255)
  .regex(
    /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\/?$/,
    'must be a repository name like "acme/web" or a namespace prefix ending in "/" like "acme/payments/"',
  );
export const GrantRequest = z.object({ target: GrantTargetSchema, level: z.enum(REPO_LEVELS) });
export type GrantRequest = z.infer<typeof GrantRequest>;
export interface GrantResponse {
  target: string;
  level: (typeof REPO_LEVELS)[number];
}
export const DeleteGrantRequest = z.object({ target: GrantTargetSchema });

const FutureDate = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time' })
  .refine((s) => new Date(s).getTime() > Date.now(), 'must be in the future');

export const CreateTokenRequest = z.object({
  name: z.string().trim().min(1, 'is required').max(100),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).optional(),
  expiresAt: FutureDate.optional(),
});
export interface TokenCreatedResponse {
  id: string;
  name: string;
  token: string;
  scopes: string[];
  expiresAt: string | null;
}
export interface TokenResponse {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export const CreateServiceAccountRequest = z.object({
  name: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'only lowercase letters, digits and "-"'),
  description: z.string().max(500).optional(),
  grants: z.array(GrantRequest).max(100).optional(),
});
export interface ServiceAccountResponse {
  id: string;
  name: string;
  description?: string | null;
  grants?: GrantResponse[];
  createdAt: string;
}
export const CreateServiceAccountTokenRequest = CreateTokenRequest;

export interface AuditEventResponse {
  id: string;
  action: string;
  actor: { type: 'user' | 'service_account' | 'system'; id: string | null; label: string | null };
  target: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** An organization in the platform admin's list (`GET /admin/orgs`). */
export interface AdminOrgResponse {
  id: string;
  slug: string;
  createdAt: string;
}

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
