import { recordKeys } from '../match/keys.js';
import { osvGroupIds, type CandidateProvider } from '../match/matcher.js';
import type { NvdCve, OsvRecord, VulnRecord } from '../model/types.js';

/** What one change to a store did, and which package keys re-evaluation must look at. */
export interface ChangeSet {
  added: number;
  updated: number;
  unchanged: number;
  /** Union of the keys of the old and the new revision of every changed record. */
  keys: Set<string>;
}

export function emptyChangeSet(): ChangeSet {
  return { added: 0, updated: 0, unchanged: 0, keys: new Set() };
}

export function nvdRecord(cve: NvdCve): VulnRecord {
  return { source: 'nvd', id: cve.id, modified: cve.lastModified, nvd: cve };
}

export function osvRecord(osv: OsvRecord): VulnRecord {
  return { source: 'osv', id: osv.id, modified: osv.modified, osv };
}

/** Timestamps from NVD have no zone (UTC); OSV's are RFC 3339. */
export function timestampMs(t: string): number {
  if (!t) return 0;
  const hasZone = /[zZ]|[+-]\d\d:?\d\d$/.test(t);
  const ms = Date.parse(hasZone ? t : `${t}Z`);
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * In-memory vulnerability index for offline scans (CLI `--vulndata`) and tests. A record replaces
 * an earlier revision with the same id unless it is older (so loading a feed's history in any
 * order ends with the newest revision; a withdrawn revision drops its findings).
 */
export class MemoryVulnIndex implements CandidateProvider {
  private readonly records = new Map<string, VulnRecord>();
  private readonly byKey = new Map<string, Set<string>>();
  private readonly recordKeyList = new Map<string, string[]>();
  /** CVE id -> OSV records reported under it (GHSA aliases, DEBIAN-CVE/DSA upstream). */
  private readonly osvByCve = new Map<string, Set<string>>();

  get size(): number {
    return this.records.size;
  }

  counts(): { nvd: number; osv: number } {
    let nvd = 0;
    for (const r of this.records.values()) if (r.source === 'nvd') nvd++;
    return { nvd, osv: this.records.size - nvd };
  }

  addNvd(cve: NvdCve, changes: ChangeSet = emptyChangeSet()): ChangeSet {
    return this.add(nvdRecord(cve), changes);
  }

  addOsv(osv: OsvRecord, changes: ChangeSet = emptyChangeSet()): ChangeSet {
    return this.add(osvRecord(osv), changes);
  }

  add(record: VulnRecord, changes: ChangeSet = emptyChangeSet()): ChangeSet {
    const storeId = `${record.source}:${record.id}`;
    const old = this.records.get(storeId);
    if (old && timestampMs(old.modified) > timestampMs(record.modified)) {
      changes.unchanged++;
      return changes;
    }
    const oldKeys = this.recordKeyList.get(storeId) ?? [];
    for (const k of oldKeys) this.byKey.get(k)?.delete(storeId);
    const keys = recordKeys(record);
    for (const k of keys) {
      let set = this.byKey.get(k);
      if (!set) this.byKey.set(k, (set = new Set()));
      set.add(storeId);
    }
    this.records.set(storeId, record);
    this.recordKeyList.set(storeId, keys);
    if (old?.source === 'osv') for (const g of osvGroupIds(old.osv)) this.osvByCve.get(g)?.delete(storeId);
    if (record.source === 'osv') {
      for (const g of osvGroupIds(record.osv)) {
        let set = this.osvByCve.get(g);
        if (!set) this.osvByCve.set(g, (set = new Set()));
        set.add(storeId);
      }
    }
    if (old) changes.updated++;
    else changes.added++;
    for (const k of [...oldKeys, ...keys]) changes.keys.add(k);
    // An NVD revision also changes the CVSS/summary of findings that came from other sources.
    if (record.source === 'nvd') for (const k of this.keysOfAliases(record.id)) changes.keys.add(k);
    return changes;
  }

  /** Package keys of OSV records that report under this CVE (their findings show NVD's CVSS). */
  private keysOfAliases(cveId: string): string[] {
    const out: string[] = [];
    for (const id of this.osvByCve.get(cveId) ?? []) out.push(...(this.recordKeyList.get(id) ?? []));
    return out;
  }

  get(source: 'nvd' | 'osv', id: string): VulnRecord | undefined {
    return this.records.get(`${source}:${id}`);
  }

  all(): IterableIterator<VulnRecord> {
    return this.records.values();
  }

  async candidatesForKeys(keys: readonly string[]): Promise<VulnRecord[]> {
    const ids = new Set<string>();
    for (const k of keys) for (const id of this.byKey.get(k) ?? []) ids.add(id);
    return [...ids].map((id) => this.records.get(id)!);
  }

  async nvdByIds(ids: readonly string[]): Promise<NvdCve[]> {
    const out: NvdCve[] = [];
    for (const id of ids) {
      const r = this.records.get(`nvd:${id}`);
      if (r && r.source === 'nvd') out.push(r.nvd);
    }
    return out;
  }
}
