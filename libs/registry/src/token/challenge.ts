function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

export interface ChallengeOptions {
  realm: string;
  service: string;
  /** e.g. `repository:acme/web:pull,push`; omitted when the request names no resource (`GET /v2/`). */
  scope?: string;
  /** RFC 6750 error, e.g. `insufficient_scope` when a valid token lacks the needed access. */
  error?: 'invalid_token' | 'insufficient_scope';
}

/**
 * `WWW-Authenticate` for a 401 from `/v2/` (Docker token auth, token.md "How to authenticate"):
 * `Bearer realm="https://drydock.example/auth/token",service="drydock",scope="repository:a/b:pull"`.
 */
export function buildChallenge(o: ChallengeOptions): string {
  const params = [`realm=${quote(o.realm)}`, `service=${quote(o.service)}`];
  if (o.scope) params.push(`scope=${quote(o.scope)}`);
  if (o.error) params.push(`error=${quote(o.error)}`);
  return `Bearer ${params.join(',')}`;
}
