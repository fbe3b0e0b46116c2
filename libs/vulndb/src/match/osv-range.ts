import {
  comparatorFor,
  compareSemver,
  schemeForEcosystem,
  type VersionComparator,
} from '../versions/index.js';
import type { OsvAffected, OsvEvent, OsvRange } from '../model/types.js';

/**
 * Whether a version is in an OSV `affected[]` entry: its explicit `versions`, or one of its
 * ECOSYSTEM/SEMVER ranges evaluated as the schema specifies ("Evaluation" in
 * ossf.github.io/osv-schema: sort the events, then walk them; `fixed` and `limit` are
 * exclusive, `last_affected` inclusive). GIT ranges name commits and cannot hold a version.
 */
export interface RangeHit {
  /** The first fixed version above the installed one in the range that held it. */
  fixed: string | null;
  description: string;
}

function eventVersion(e: OsvEvent): string {
  return e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '';
}

function sortEvents(events: OsvEvent[], cmp: VersionComparator): OsvEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => {
      const a = eventVersion(x.e);
      const b = eventVersion(y.e);
      // "0" is the start of time in every ecosystem.
      const za = x.e.introduced === '0';
      const zb = y.e.introduced === '0';
      if (za || zb) return za && zb ? 0 : za ? -1 : 1;
      return cmp(a, b) || x.i - y.i;
    })
    .map((x) => x.e);
}

export function describeRange(r: OsvRange): string {
  return `${r.type} ${r.events
    .map((e) => Object.entries(e).map(([k, v]) => `${k}=${String(v)}`))
    .flat()
    .join(' ')}`;
}

export function rangeHolds(range: OsvRange, version: string, ecosystem: string): RangeHit | null {
  if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') return null;
  const cmp = range.type === 'SEMVER' ? compareSemver : comparatorFor(schemeForEcosystem(ecosystem));
  const events = sortEvents(range.events, cmp);
  let affected = false;
  let fixed: string | null = null;
  for (const e of events) {
    if (e.introduced !== undefined) {
      if (e.introduced === '0' || cmp(version, e.introduced) >= 0) affected = true;
      else break;
    } else if (e.fixed !== undefined) {
      if (cmp(version, e.fixed) >= 0) affected = false;
      else {
        if (affected) fixed = e.fixed;
        break;
      }
    } else if (e.last_affected !== undefined) {
      if (cmp(version, e.last_affected) > 0) affected = false;
      else break;
    } else if (e.limit !== undefined) {
      if (cmp(version, e.limit) >= 0) affected = false;
      break;
    }
  }
  return affected ? { fixed, description: describeRange(range) } : null;
}

export function affectedHolds(entry: OsvAffected, version: string): RangeHit | null {
  const cmp = comparatorFor(schemeForEcosystem(entry.ecosystem));
  let best: RangeHit | null = null;
  for (const range of entry.ranges) {
    const hit = rangeHolds(range, version, entry.ecosystem);
    if (hit && (!best || (hit.fixed !== null && (best.fixed === null || cmp(hit.fixed, best.fixed) < 0))))
      best = hit;
  }
  if (best) return best;
  if (entry.versions.some((v) => v === version || cmp(v, version) === 0)) {
    return { fixed: null, description: `versions ${version}` };
  }
  return null;
}

/** For a component without a version: the highest fixed version the entry knows, if any. */
export function lastFixed(entry: OsvAffected): string | null {
  const cmp = comparatorFor(schemeForEcosystem(entry.ecosystem));
  let out: string | null = null;
  for (const r of entry.ranges) {
    for (const e of r.events) {
      if (e.fixed !== undefined && (out === null || cmp(e.fixed, out) > 0)) out = e.fixed;
    }
  }
  return out;
}
