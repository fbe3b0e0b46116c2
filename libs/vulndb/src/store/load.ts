import { loadVulnDataPath } from '../sources/loader.js';
import { emptyChangeSet, MemoryVulnIndex, type ChangeSet } from './memory.js';

export interface LoadOptions {
  /** Called for files that hold no records (README, expectation files). */
  onSkipped?: (path: string, reason: string) => void;
}

/** Loads one or more files/directories into an index (a new one unless given). */
export async function loadVulnDataDirectory(
  paths: string | readonly string[],
  index = new MemoryVulnIndex(),
  options: LoadOptions = {},
): Promise<MemoryVulnIndex> {
  await loadIntoIndex(paths, index, options);
  return index;
}

/** Like loadVulnDataDirectory, and tells which package keys the load touched (for re-evaluation). */
export async function loadIntoIndex(
  paths: string | readonly string[],
  index: MemoryVulnIndex,
  options: LoadOptions = {},
): Promise<ChangeSet> {
  const changes = emptyChangeSet();
  for (const p of typeof paths === 'string' ? [paths] : paths) {
    await loadVulnDataPath(p, {
      nvd: (cve) => void index.addNvd(cve, changes),
      osv: (rec) => void index.addOsv(rec, changes),
      skipped: options.onSkipped,
    });
  }
  return changes;
}
