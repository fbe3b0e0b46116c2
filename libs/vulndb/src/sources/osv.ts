import type { OsvAffected, OsvEvent, OsvRange, OsvRecord, OsvSeverity, Reference } from '../model/types.js';

/** Reader for OSV records (ossf.github.io/osv-schema, 1.0-1.7). Unknown keys are ignored. */

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function strings(v: unknown): string[] {
  return arr(v).filter((s): s is string => typeof s === 'string');
}

function optObj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function parseSeverity(v: unknown): OsvSeverity[] {
  return arr(v)
    .map(obj)
    .filter((s) => typeof s.type === 'string' && typeof s.score === 'string')
    .map((s) => ({ type: s.type as string, score: s.score as string }));
}

function parseEvent(v: unknown): OsvEvent | null {
  const e = obj(v);
  for (const k of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
    if (typeof e[k] === 'string') return { [k]: e[k] };
  }
  return null;
}

function parseRange(v: unknown): OsvRange {
  const r = obj(v);
  const out: OsvRange = {
    type: typeof r.type === 'string' ? r.type : 'ECOSYSTEM',
    events: arr(r.events)
      .map(parseEvent)
      .filter((e): e is OsvEvent => e !== null),
  };
  if (typeof r.repo === 'string') out.repo = r.repo;
  return out;
}

function parseAffected(v: unknown): OsvAffected | null {
  const a = obj(v);
  const pkg = obj(a.package);
  if (typeof pkg.ecosystem !== 'string' || typeof pkg.name !== 'string') return null;
  const out: OsvAffected = {
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    ranges: arr(a.ranges).map(parseRange),
    versions: strings(a.versions),
    severity: parseSeverity(a.severity),
  };
  if (typeof pkg.purl === 'string') out.purl = pkg.purl;
  const es = optObj(a.ecosystem_specific);
  if (es) out.ecosystemSpecific = es;
  const ds = optObj(a.database_specific);
  if (ds) out.databaseSpecific = ds;
  return out;
}

/** True when a JSON value looks like an OSV record (and not, say, an NVD page or a tracker file). */
export function looksLikeOsv(v: unknown): boolean {
  const r = obj(v);
  return typeof r.id === 'string' && typeof r.modified === 'string';
}

export function parseOsvRecord(input: unknown): OsvRecord {
  const r = obj(input);
  if (typeof r.id !== 'string') throw new Error('OSV record without an id');
  const references: Reference[] = arr(r.references)
    .map(obj)
    .filter((x) => typeof x.url === 'string')
    .map((x) =>
      typeof x.type === 'string' ? { url: x.url as string, type: x.type } : { url: x.url as string },
    );
  const out: OsvRecord = {
    id: r.id,
    modified: typeof r.modified === 'string' ? r.modified : '',
    aliases: strings(r.aliases),
    upstream: strings(r.upstream),
    related: strings(r.related),
    severity: parseSeverity(r.severity),
    affected: arr(r.affected)
      .map(parseAffected)
      .filter((a): a is OsvAffected => a !== null),
    references,
  };
  if (typeof r.published === 'string') out.published = r.published;
  if (typeof r.withdrawn === 'string') out.withdrawn = r.withdrawn;
  if (typeof r.summary === 'string') out.summary = r.summary;
  if (typeof r.details === 'string') out.details = r.details;
  const ds = optObj(r.database_specific);
  if (ds) out.databaseSpecific = ds;
  return out;
}
