import { signal } from '@angular/core';
import { errorMessage } from '../core/api-error.js';
import { clientSlice, pageParams, toPage } from '../core/pagination.js';

export interface PageChange {
  pageIndex: number;
  pageSize: number;
}

/**
 * One paginated list as signals: the page shown, its total, loading and error. The fetcher gets
 * the query parameters for the page; lists the API does not page yet are sliced locally.
 */
export class PagedList<T> {
  readonly items = signal<T[]>([]);
  readonly total = signal(0);
  readonly loading = signal(false);
  readonly error = signal<string | undefined>(undefined);
  readonly pageIndex = signal(0);
  readonly pageSize = signal(20);
  /** True once a load has finished, so empty states are not shown before the first answer. */
  readonly loaded = signal(false);
  private seq = 0;

  constructor(
    private readonly fetch: (params: Record<string, string>) => Promise<unknown>,
    private readonly filters: () => Record<string, string | undefined> = () => ({}),
  ) {}

  async reload(): Promise<void> {
    const mine = ++this.seq;
    this.loading.set(true);
    this.error.set(undefined);
    const state = { pageIndex: this.pageIndex(), pageSize: this.pageSize() };
    try {
      const page = clientSlice(toPage<T>(await this.fetch(pageParams(state, this.filters()))), state);
      if (mine !== this.seq) return;
      // The last row of the last page was removed: show the page that is now the last.
      if (page.items.length === 0 && state.pageIndex > 0 && page.total > 0) {
        this.pageIndex.set(Math.ceil(page.total / state.pageSize) - 1);
        return this.reload();
      }
      this.items.set(page.items);
      this.total.set(page.total);
    } catch (e) {
      if (mine === this.seq) this.error.set(errorMessage(e));
    } finally {
      if (mine === this.seq) {
        this.loading.set(false);
        this.loaded.set(true);
      }
    }
  }

  page(e: PageChange): Promise<void> {
    this.pageIndex.set(e.pageIndex);
    this.pageSize.set(e.pageSize);
    return this.reload();
  }

  /** Back to the first page, e.g. after the filter changed. */
  first(): Promise<void> {
    this.pageIndex.set(0);
    return this.reload();
  }
}
