import { compareGeneric } from '../versions/generic.js';
import type { CpeMatchCriterion } from '../model/types.js';

/**
 * CPE 2.3 names (NISTIR 7695, formatted string binding) and the NVD applicability test for one
 * `cpeMatch` criterion (criteria + versionStart/End Including/Excluding).
 */
export interface Cpe {
  part: string;
  vendor: string;
  product: string;
  version: string;
  update: string;
  edition: string;
  language: string;
  swEdition: string;
  targetSw: string;
  targetHw: string;
  other: string;
}

const FIELDS: (keyof Cpe)[] = [
  'part',
  'vendor',
  'product',
  'version',
  'update',
  'edition',
  'language',
  'swEdition',
  'targetSw',
  'targetHw',
  'other',
];

/** `*` = ANY, `-` = NA (not applicable: never equal to a real value). */
export const ANY = '*';
export const NA = '-';

function unescape(v: string): string {
  return v.replace(/\\(.)/g, '$1').toLowerCase();
}

/** Splits on ':' that is not escaped with a backslash (7695 §6.2.2.2). */
function splitFormatted(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ':') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

// NVD criteria repeat across records and every match of every image parses them: memoise.
const parsedCache = new Map<string, Cpe | null>();
const PARSED_CACHE_MAX = 200_000;

/** Parses `cpe:2.3:a:vendor:product:...` and the older URI form `cpe:/a:vendor:product:version`. */
export function parseCpe(name: string): Cpe | null {
  const hit = parsedCache.get(name);
  if (hit !== undefined) return hit;
  const parsed = parseCpeUncached(name);
  if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.clear();
  parsedCache.set(name, parsed);
  return parsed;
}

function parseCpeUncached(name: string): Cpe | null {
  const s = name.trim();
  let values: string[];
  if (s.toLowerCase().startsWith('cpe:2.3:')) values = splitFormatted(s).slice(2);
  else if (s.toLowerCase().startsWith('cpe:/'))
    values = s
      .slice(5)
      .split(':')
      .map((v) => (v === '' ? ANY : decodeURIComponent(v)));
  else return null;
  if (values.length < 3) return null;
  const cpe = {} as Cpe;
  FIELDS.forEach((f, i) => {
    const v = values[i];
    cpe[f] = v === undefined || v === '' ? ANY : v === ANY || v === NA ? v : unescape(v);
  });
  return cpe;
}

export function formatCpe(c: Cpe): string {
  const esc = (v: string): string => (v === ANY || v === NA ? v : v.replace(/([^A-Za-z0-9_\-~])/g, '\\$1'));
  return `cpe:2.3:${FIELDS.map((f) => esc(c[f])).join(':')}`;
}

export function makeCpe(part: string, vendor: string, product: string, version: string | null): Cpe {
  return {
    part,
    vendor: vendor.toLowerCase(),
    product: product.toLowerCase(),
    version: version && version !== '' ? version.toLowerCase() : ANY,
    update: ANY,
    edition: ANY,
    language: ANY,
    swEdition: ANY,
    targetSw: ANY,
    targetHw: ANY,
    other: ANY,
  };
}

/** The index key of a CPE's vendor and product. */
export function cpeKey(vendor: string, product: string): string {
  return `cpe:${vendor.toLowerCase()}:${product.toLowerCase()}`;
}

export interface CpeMatchResult {
  matched: boolean;
  /** The target had no version, so the bounds could not be checked. */
  versionUnknown: boolean;
}

const NO: CpeMatchResult = { matched: false, versionUnknown: false };

function attributeMatches(criterion: string, target: string, strictWhenTargetAny: boolean): boolean {
  if (criterion === ANY) return true;
  if (criterion === NA) return target === NA;
  if (target === ANY) return !strictWhenTargetAny;
  return criterion === target;
}

/**
 * Does the target CPE (an installed component) satisfy one criterion? Vendor and product must be
 * equal; a criterion version `-` (NA) never matches a real version; `*` applies the bounds.
 */
export function matchCpeCriterion(
  criterion: CpeMatchCriterion,
  target: Cpe,
  parsed?: Cpe | null,
): CpeMatchResult {
  const c = parsed ?? parseCpe(criterion.criteria);
  if (!c) return NO;
  if (!attributeMatches(c.part, target.part, false)) return NO;
  if (c.vendor !== ANY && c.vendor !== target.vendor) return NO;
  if (c.product !== ANY && c.product !== target.product) return NO;
  // An unknown update (e.g. "beta1") on the target cannot prove a pre-release criterion; the
  // other qualifiers (target_sw, language...) describe the environment and are not known here.
  if (!attributeMatches(c.update, target.update, true)) return NO;
  for (const f of ['edition', 'language', 'swEdition', 'targetSw', 'targetHw', 'other'] as const) {
    if (!attributeMatches(c[f], target[f], false)) return NO;
  }
  const v = target.version;
  if (c.version === NA) return v === NA ? { matched: true, versionUnknown: false } : NO;
  if (v === ANY || v === '') return { matched: true, versionUnknown: true };
  if (v === NA) return NO;
  if (c.version !== ANY) {
    return compareGeneric(v, c.version) === 0 ? { matched: true, versionUnknown: false } : NO;
  }
  const {
    versionStartIncluding: si,
    versionStartExcluding: se,
    versionEndIncluding: ei,
    versionEndExcluding: ee,
  } = criterion;
  if (si !== undefined && compareGeneric(v, si) < 0) return NO;
  if (se !== undefined && compareGeneric(v, se) <= 0) return NO;
  if (ei !== undefined && compareGeneric(v, ei) > 0) return NO;
  if (ee !== undefined && compareGeneric(v, ee) >= 0) return NO;
  return { matched: true, versionUnknown: false };
}

/** Human-readable criterion with its bounds, for `matchedBy`. */
export function describeCriterion(m: CpeMatchCriterion): string {
  const b: string[] = [];
  if (m.versionStartIncluding) b.push(`>= ${m.versionStartIncluding}`);
  if (m.versionStartExcluding) b.push(`> ${m.versionStartExcluding}`);
  if (m.versionEndIncluding) b.push(`<= ${m.versionEndIncluding}`);
  if (m.versionEndExcluding) b.push(`< ${m.versionEndExcluding}`);
  return b.length > 0 ? `${m.criteria} (${b.join(', ')})` : m.criteria;
}
