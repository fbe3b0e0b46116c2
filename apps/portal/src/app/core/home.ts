import type { MeOrganization } from './api-types.js';

const LAST_ORG_KEY = 'drydock.lastOrg';

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

export function rememberOrg(slug: string): void {
  storage()?.setItem(LAST_ORG_KEY, slug);
}

/** The last organization used if the user still belongs to it, else the first one. */
export function pickOrg(
  orgs: readonly MeOrganization[],
  last: string | null | undefined,
): string | undefined {
  if (last && orgs.some((o) => o.slug === last)) return last;
  return orgs[0]?.slug;
}

export function homePath(orgs: readonly MeOrganization[]): string {
  const slug = pickOrg(orgs, storage()?.getItem(LAST_ORG_KEY));
  return slug ? `/orgs/${slug}/repositories` : '/me/tokens';
}

/** Only same-app paths are followed after sign-in (no open redirect through `returnUrl`). */
export function safeReturnUrl(url: string | null | undefined): string | undefined {
  if (!url || !url.startsWith('/') || url.startsWith('//') || url.startsWith('/\\')) return undefined;
  if (url.startsWith('/sign-in') || url.startsWith('/sign-up')) return undefined;
  return url;
}

/** `/orgs/acme/...` → `acme`. */
export function orgFromUrl(url: string): string | undefined {
  const m = /^\/orgs\/([^/?#]+)/.exec(url);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}
