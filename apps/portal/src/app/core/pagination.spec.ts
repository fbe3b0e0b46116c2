import { describe, expect, it } from '@jest/globals';
import { clientSlice, pageParams, toPage } from './pagination.js';

describe('pagination', () => {
  it('reads {items,total} and bare arrays', () => {
    expect(toPage({ items: [1, 2], total: 10 })).toEqual({ items: [1, 2], total: 10 });
    expect(toPage([1, 2, 3])).toEqual({ items: [1, 2, 3], total: 3 });
    expect(toPage({ items: [1] })).toEqual({ items: [1], total: 1 });
    expect(toPage(null)).toEqual({ items: [], total: 0 });
  });

  it('sends limit/offset plus non-empty filters', () => {
    expect(pageParams({ pageIndex: 2, pageSize: 20 }, { q: 'web', empty: '', none: undefined })).toEqual({
      limit: '20',
      offset: '40',
      q: 'web',
    });
  });

  it('slices locally when the API returned more than a page', () => {
    const all = { items: Array.from({ length: 45 }, (_, i) => i), total: 45 };
    expect(clientSlice(all, { pageIndex: 2, pageSize: 20 })).toEqual({
      items: [40, 41, 42, 43, 44],
      total: 45,
    });
    const one = { items: [1, 2], total: 50 };
    expect(clientSlice(one, { pageIndex: 1, pageSize: 20 })).toBe(one);
    // A second page asked of an unpaged list of 20: nothing is on it (the list then steps back).
    const twenty = { items: Array.from({ length: 20 }, (_, i) => i), total: 20 };
    expect(clientSlice(twenty, { pageIndex: 1, pageSize: 20 })).toEqual({ items: [], total: 20 });
    expect(clientSlice(twenty, { pageIndex: 0, pageSize: 20 })).toBe(twenty);
    // A paging API's later page: kept as it is.
    const last = { items: [20, 21], total: 22 };
    expect(clientSlice(last, { pageIndex: 1, pageSize: 20 })).toBe(last);
  });
});
