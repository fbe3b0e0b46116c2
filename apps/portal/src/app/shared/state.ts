import { signal } from '@angular/core';
import { errorMessage } from '../core/api-error.js';

/**
 * Loading / error / data of one async load, as signals. Pages call `run()` with the request;
 * a newer run wins over an older one still in flight.
 */
export class Loadable<T> {
  readonly value = signal<T | undefined>(undefined);
  readonly loading = signal(false);
  readonly error = signal<string | undefined>(undefined);
  private seq = 0;

  async run(load: () => Promise<T>): Promise<T | undefined> {
    const mine = ++this.seq;
    this.loading.set(true);
    this.error.set(undefined);
    try {
      const v = await load();
      if (mine === this.seq) this.value.set(v);
      return v;
    } catch (e) {
      if (mine === this.seq) this.error.set(errorMessage(e));
      return undefined;
    } finally {
      if (mine === this.seq) this.loading.set(false);
    }
  }
}
