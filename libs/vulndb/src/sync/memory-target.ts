import { emptyChangeSet, type ChangeSet, type MemoryVulnIndex } from '../store/memory.js';
import type { NvdCve } from '../model/types.js';
import type { NvdSyncCursor, NvdSyncTarget } from './nvd-client.js';

/** Sync target over the in-memory index (CLI, tests): records and cursor change together. */
export class MemoryNvdSyncTarget implements NvdSyncTarget {
  cursor: NvdSyncCursor | null = null;
  readonly changes: ChangeSet = emptyChangeSet();
  pagesSaved = 0;

  constructor(readonly index: MemoryVulnIndex) {}

  async loadCursor(): Promise<NvdSyncCursor | null> {
    return this.cursor ? { ...this.cursor } : null;
  }

  async savePage(records: NvdCve[], next: NvdSyncCursor): Promise<void> {
    for (const r of records) this.index.addNvd(r, this.changes);
    this.cursor = { ...next };
    this.pagesSaved++;
  }
}
