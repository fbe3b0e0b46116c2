import { API, seg } from '../core/api-url.js';

/** URLs of the repository REST API (issue 3); a name with `/` travels as one %2F-encoded segment. */
export function repoUrl(org: string, path: string): string {
  return `${API}/orgs/${seg(org)}/repositories/${seg(path)}`;
}

export function tagUrl(org: string, path: string, tag: string): string {
  return `${repoUrl(org, path)}/tags/${seg(tag)}`;
}

/** `acme/payments/api` → `payments/api` (the route and the API take the path inside the org). */
export function pathInOrg(org: string, name: string): string {
  return name.startsWith(`${org}/`) ? name.slice(org.length + 1) : name;
}

export function shortDigest(digest: string | null | undefined): string {
  if (!digest) return '—';
  const [alg, hex] = digest.includes(':') ? digest.split(':', 2) : ['', digest];
  return `${alg ? `${alg}:` : ''}${(hex ?? '').slice(0, 12)}`;
}

export function platformText(
  p: { os?: string; architecture?: string; variant?: string } | string | null | undefined,
): string {
  if (!p) return '';
  if (typeof p === 'string') return p;
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The commands in the empty state, with this instance's host (issue 7). */
export function pushCommands(host: string, org: string, image = 'my-image'): string[] {
  return [
    `docker login ${host}`,
    `docker tag ${image}:latest ${host}/${org}/${image}:latest`,
    `docker push ${host}/${org}/${image}:latest`,
  ];
}
