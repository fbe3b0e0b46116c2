import type { DataSource, EntityManager } from 'typeorm';
import { recordKeys } from '../match/keys.js';
import { osvGroupIds, type CandidateProvider } from '../match/matcher.js';
import { preferredCvss, toSeverity } from '../sources/nvd.js';
import type { NvdCve, OsvRecord, VulnRecord } from '../model/types.js';
import type { NvdSyncCursor, NvdSyncTarget } from '../sync/nvd-client.js';
import { emptyChangeSet, nvdRecord, osvRecord, timestampMs, type ChangeSet } from './memory.js';

/**
 * The vulnerability store in PostgreSQL (tables of migration Vulndb1764633600400). Writes are
 * set-based (one statement per table per batch); every write records the package keys it touched
 * in vulndb_changes within the same transaction, so re-evaluation never misses a change.
 */
interface Row {
  source: 'nvd' | 'osv';
  id: string;
  record: NvdCve | OsvRecord;
}

type Runner = Pick<EntityManager, 'query'>;

interface Ref {
  source: 'nvd' | 'osv';
  id: string;
  modified: number;
}

function dedupeRefs(refs: Ref[]): Ref[] {
  return [...new Map(refs.map((r) => [`${r.source}:${r.id}`, r])).values()];
}

export interface PendingChange {
  id: string;
  packageKeys: string[];
}

function toRecord(r: Row): VulnRecord {
  return r.source === 'nvd' ? nvdRecord(r.record as NvdCve) : osvRecord(r.record as OsvRecord);
}

function rowOf(r: VulnRecord): Record<string, unknown> {
  if (r.source === 'nvd') {
    const m = preferredCvss(r.nvd);
    return {
      source: 'nvd',
      id: r.id,
      modified: new Date(timestampMs(r.modified)).toISOString(),
      published: r.nvd.published ? new Date(timestampMs(r.nvd.published)).toISOString() : null,
      status: r.nvd.vulnStatus,
      withdrawn: r.nvd.vulnStatus.toLowerCase() === 'rejected',
      summary: r.nvd.description,
      aliases: [],
      group_ids: [r.id],
      severity: m?.baseSeverity ?? 'unknown',
      score: m?.baseScore ?? null,
      record: r.nvd,
    };
  }
  const sev = r.osv.databaseSpecific?.severity;
  return {
    source: 'osv',
    id: r.id,
    modified: new Date(timestampMs(r.modified)).toISOString(),
    published: r.osv.published ? new Date(timestampMs(r.osv.published)).toISOString() : null,
    status: r.osv.withdrawn ? 'withdrawn' : null,
    withdrawn: !!r.osv.withdrawn,
    summary: r.osv.summary ?? null,
    aliases: [...r.osv.aliases, ...r.osv.upstream],
    group_ids: osvGroupIds(r.osv),
    severity: toSeverity(sev),
    score: null,
    record: r.osv,
  };
}

export class PgVulnStore implements CandidateProvider {
  constructor(
    private readonly ds: DataSource,
    /** Parsed records kept for repeated matching; 0 disables the cache. */
    private readonly cacheSize = 20_000,
  ) {}

  /** Upserts records (newest revision wins) in the caller's transaction; returns what changed. */
  async upsert(
    m: Runner,
    records: readonly VulnRecord[],
    changes: ChangeSet = emptyChangeSet(),
  ): Promise<ChangeSet> {
    // Last one wins within a batch, as in a sequential load.
    const batch = [...new Map(records.map((r) => [`${r.source}:${r.id}`, r])).values()];
    if (batch.length === 0) return changes;
    const existing = await m.query<{ source: string; id: string; modified: Date; keys: string[] }[]>(
      `SELECT v.source, v.id, v.modified, COALESCE(array_agg(a.package_key) FILTER (WHERE a.package_key IS NOT NULL), '{}') AS keys
         FROM vulnerabilities v
         JOIN unnest($1::text[], $2::text[]) AS x(source, id) ON v.source = x.source AND v.id = x.id
         LEFT JOIN affected_packages a ON a.source = v.source AND a.vuln_id = v.id
        GROUP BY v.source, v.id, v.modified`,
      [batch.map((r) => r.source), batch.map((r) => r.id)],
    );
    const old = new Map(existing.map((e) => [`${e.source}:${e.id}`, e]));
    const write: VulnRecord[] = [];
    for (const r of batch) {
      const o = old.get(`${r.source}:${r.id}`);
      if (o && o.modified.getTime() > timestampMs(r.modified)) {
        changes.unchanged++;
        continue;
      }
      write.push(r);
      if (o) {
        changes.updated++;
        for (const k of o.keys) changes.keys.add(k);
      } else changes.added++;
    }
    if (write.length === 0) return changes;
    await m.query(
      `INSERT INTO vulnerabilities (source, id, modified, published, status, withdrawn, summary, aliases, group_ids, severity, score, record)
       SELECT x.source, x.id, x.modified, x.published, x.status, x.withdrawn, x.summary,
              ARRAY(SELECT jsonb_array_elements_text(x.aliases)), ARRAY(SELECT jsonb_array_elements_text(x.group_ids)),
              x.severity, x.score, x.record
         FROM jsonb_to_recordset($1::jsonb) AS x(source text, id text, modified timestamptz, published timestamptz, status text,
              withdrawn boolean, summary text, aliases jsonb, group_ids jsonb, severity text, score real, record jsonb)
       ON CONFLICT (source, id) DO UPDATE SET modified = EXCLUDED.modified, published = EXCLUDED.published,
              status = EXCLUDED.status, withdrawn = EXCLUDED.withdrawn, summary = EXCLUDED.summary, aliases = EXCLUDED.aliases,
              group_ids = EXCLUDED.group_ids, severity = EXCLUDED.severity, score = EXCLUDED.score, record = EXCLUDED.record,
              updated_at = now()`,
      [JSON.stringify(write.map(rowOf))],
    );
    await m.query(
      `DELETE FROM affected_packages a USING unnest($1::text[], $2::text[]) AS x(source, id) WHERE a.source = x.source AND a.vuln_id = x.id`,
      [write.map((r) => r.source), write.map((r) => r.id)],
    );
    const keySource: string[] = [];
    const keyId: string[] = [];
    const keyValue: string[] = [];
    for (const r of write) {
      for (const k of recordKeys(r)) {
        keySource.push(r.source);
        keyId.push(r.id);
        keyValue.push(k);
        changes.keys.add(k);
      }
    }
    if (keyValue.length > 0) {
      await m.query(
        `INSERT INTO affected_packages (package_key, source, vuln_id) SELECT k, s, i FROM unnest($1::text[], $2::text[], $3::text[]) AS x(k, s, i) ON CONFLICT DO NOTHING`,
        [keyValue, keySource, keyId],
      );
    }
    // A new NVD revision changes CVSS/summary of findings that other sources reported under that CVE.
    const cves = write.filter((r) => r.source === 'nvd').map((r) => r.id);
    if (cves.length > 0) {
      const rows = await m.query<{ package_key: string }[]>(
        `SELECT DISTINCT a.package_key FROM vulnerabilities v JOIN affected_packages a ON a.source = v.source AND a.vuln_id = v.id
          WHERE v.source = 'osv' AND v.group_ids && $1::text[]`,
        [cves],
      );
      for (const r of rows) changes.keys.add(r.package_key);
    }
    return changes;
  }

  /** Records one change for re-evaluation (nothing when no key was touched). */
  async recordChange(
    m: Runner,
    source: string,
    changes: ChangeSet,
    runId: string | null = null,
  ): Promise<void> {
    if (changes.keys.size === 0) return;
    await m.query(
      `INSERT INTO vulndb_changes (source, run_id, package_keys, records) VALUES ($1, $2, $3, $4)`,
      [source, runId, [...changes.keys].sort(), changes.added + changes.updated],
    );
  }

  /** Upserts and records the change in one transaction (imports, OSV sources). */
  async apply(
    source: string,
    records: readonly VulnRecord[],
    runId: string | null = null,
  ): Promise<ChangeSet> {
    return this.ds.transaction(async (m) => {
      const changes = await this.upsert(m, records);
      await this.recordChange(m, source, changes, runId);
      return changes;
    });
  }

  async loadCursor(source: string): Promise<unknown> {
    const rows = await this.ds.query<{ cursor: unknown }[]>(
      `SELECT cursor FROM vulndb_sync_cursors WHERE source = $1`,
      [source],
    );
    return rows[0]?.cursor ?? null;
  }

  async saveCursor(m: Runner, source: string, cursor: unknown): Promise<void> {
    await m.query(
      `INSERT INTO vulndb_sync_cursors (source, cursor) VALUES ($1, $2::jsonb) ON CONFLICT (source) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
      [source, JSON.stringify(cursor)],
    );
  }

  /** The NVD sync target: each page, its change row and the next cursor commit together. */
  nvdSyncTarget(runId: string | null = null, onPage?: (changes: ChangeSet) => void): NvdSyncTarget {
    return {
      loadCursor: async () => (await this.loadCursor('nvd')) as NvdSyncCursor | null,
      savePage: async (records, next) => {
        const changes = await this.ds.transaction(async (m) => {
          const c = await this.upsert(m, records.map(nvdRecord));
          await this.recordChange(m, 'nvd', c, runId);
          await this.saveCursor(m, 'nvd', next);
          return c;
        });
        onPage?.(changes);
      },
    };
  }

  /**
   * Records under these keys. The key lookup returns ids and revisions only; record bodies come
   * from a small cache of parsed records when the revision is the same, so matching many images
   * (re-evaluation) does not re-read and re-parse the same JSON for every image.
   */
  async candidatesForKeys(keys: readonly string[]): Promise<VulnRecord[]> {
    if (keys.length === 0) return [];
    const refs = await this.refsForKeys(keys);
    const out: VulnRecord[] = [];
    const missing: { source: string; id: string }[] = [];
    for (const r of refs) {
      const hit = this.cache.get(`${r.source}:${r.id}`);
      if (hit && hit.modified === r.modified) out.push(hit.record);
      else missing.push(r);
    }
    if (missing.length > 0) {
      const rows = await this.ds.query<(Row & { modified: Date })[]>(
        `SELECT v.source, v.id, v.modified, v.record FROM vulnerabilities v
           JOIN unnest($1::text[], $2::text[]) AS x(source, id) ON v.source = x.source AND v.id = x.id`,
        [missing.map((m) => m.source), missing.map((m) => m.id)],
      );
      for (const r of rows) {
        const record = toRecord(r);
        this.remember(`${r.source}:${r.id}`, r.modified.getTime(), record);
        out.push(record);
      }
    }
    return out;
  }

  /**
   * (source, id, revision) of the records under each key. Cached per key while the data version
   * (the latest vulndb_changes id, one index lookup) is unchanged, since every write records a change
   * in the same transaction; any process's write invalidates every process's cache.
   */
  private async refsForKeys(keys: readonly string[]): Promise<Ref[]> {
    if (this.cacheSize > 0) {
      const version = await this.dbVersion();
      if (version !== this.keyCacheVersion) {
        this.keyCache.clear();
        this.keyCacheVersion = version;
      }
    }
    const unknown = this.cacheSize > 0 ? keys.filter((k) => !this.keyCache.has(k)) : [...keys];
    if (unknown.length > 0) {
      const rows = await this.ds.query<
        { package_key: string; source: 'nvd' | 'osv'; id: string; modified: Date }[]
      >(
        `SELECT a.package_key, v.source, v.id, v.modified
           FROM affected_packages a JOIN vulnerabilities v ON v.source = a.source AND v.id = a.vuln_id
          WHERE a.package_key = ANY($1::text[])`,
        [unknown],
      );
      if (this.cacheSize === 0)
        return dedupeRefs(rows.map((r) => ({ source: r.source, id: r.id, modified: r.modified.getTime() })));
      for (const k of unknown) this.keyCache.set(k, []);
      for (const r of rows)
        this.keyCache
          .get(r.package_key)!
          .push({ source: r.source, id: r.id, modified: r.modified.getTime() });
      if (this.keyCache.size > this.cacheSize * 4) {
        // Bounded: drop the oldest keys (insertion order), keeping those just read.
        const fresh = new Set(unknown);
        for (const k of this.keyCache.keys()) {
          if (this.keyCache.size <= this.cacheSize * 2) break;
          if (!fresh.has(k)) this.keyCache.delete(k);
        }
      }
    }
    return dedupeRefs(keys.flatMap((k) => this.keyCache.get(k) ?? []));
  }

  private readonly keyCache = new Map<string, Ref[]>();
  private keyCacheVersion = -1;

  private readonly cache = new Map<string, { modified: number; record: VulnRecord }>();

  private remember(key: string, modified: number, record: VulnRecord): void {
    this.cache.delete(key);
    this.cache.set(key, { modified, record });
    // Map iteration order is insertion order: the first key is the least recently stored.
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  async nvdByIds(ids: readonly string[]): Promise<NvdCve[]> {
    if (ids.length === 0) return [];
    const rows = await this.ds.query<{ record: NvdCve }[]>(
      `SELECT record FROM vulnerabilities WHERE source = 'nvd' AND id = ANY($1::text[])`,
      [ids],
    );
    return rows.map((r) => r.record);
  }

  async get(source: 'nvd' | 'osv', id: string): Promise<VulnRecord | null> {
    const rows = await this.ds.query<Row[]>(
      `SELECT source, id, record FROM vulnerabilities WHERE source = $1 AND id = $2`,
      [source, id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async counts(): Promise<{ nvd: number; osv: number; affectedPackages: number }> {
    const rows = await this.ds.query<{ nvd: number; osv: number; affectedPackages: number }[]>(
      `SELECT (SELECT count(*) FROM vulnerabilities WHERE source = 'nvd')::int AS nvd,
              (SELECT count(*) FROM vulnerabilities WHERE source = 'osv')::int AS osv,
              (SELECT count(*) FROM affected_packages)::int AS "affectedPackages"`,
    );
    return rows[0];
  }

  /** Monotonic version of the data: the id of the latest change. */
  async dbVersion(): Promise<number> {
    const rows = await this.ds.query<
      {
        v: string;
      }[]
    >(`SELECT COALESCE(max(id), 0)::bigint AS v FROM vulndb_changes`);
    return Number(rows[0].v);
  }

  async pendingChanges(limit = 1000): Promise<PendingChange[]> {
    const rows = await this.ds.query<
      {
        id: string;
        package_keys: string[];
      }[]
    >(
      `SELECT id::text AS id, package_keys FROM vulndb_changes WHERE reevaluated_at IS NULL ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, packageKeys: r.package_keys }));
  }

  async markReevaluated(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.ds.query(`UPDATE vulndb_changes SET reevaluated_at = now() WHERE id = ANY($1::bigint[])`, [
      ids,
    ]);
  }
}
