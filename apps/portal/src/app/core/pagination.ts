import type { Page } from './api-types.js';

/**
 * The API answers lists as `{items, total}`; some early endpoints answer a bare array. Both are
 * accepted so a page works before and after an endpoint gains pagination.
 */
export function toPage<T>(body: unknown): Page<T> {
  if (Array.isArray(body)) return { items: body as T[], total: body.length };
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>;
    const items = Array.isArray(b['items'])
      ? (b['items'] as T[])
      : Array.isArray(b['data'])
        ? (b['data'] as T[])
        : [];
    const total = typeof b['total'] === 'number' ? b['total'] : items.length;
    return { items, total };
  }
  return { items: [], total: 0 };
}

export interface PageState {
  pageIndex: number;
  pageSize: number;
}

/** Query parameters for a page: `limit`/`offset`, as the contracts' PageQuery reads them. */
export function pageParams(
  state: PageState,
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const params: Record<string, string> = {
    limit: String(state.pageSize),
    offset: String(state.pageIndex * state.pageSize),
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') params[k] = v;
  return params;
}

/**
 * When the API ignores the paging parameters and returns everything, slice locally so every list
 * still paginates. "Everything" is more than a page, or, for a later page, as many rows as the total
 * (a paging API answers a later page with fewer).
 */
export function clientSlice<T>(page: Page<T>, state: PageState): Page<T> {
  const start = state.pageIndex * state.pageSize;
  const everything = page.items.length > state.pageSize || (start > 0 && page.items.length === page.total);
  if (!everything) return page;
  return {
    items: page.items.slice(start, start + state.pageSize),
    total: Math.max(page.total, page.items.length),
  };
}
