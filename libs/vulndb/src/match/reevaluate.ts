import type { Finding, ImageContext, MatchComponent, Severity } from '../model/types.js';
import { componentKeys } from './keys.js';
import { matchImage, type CandidateProvider } from './matcher.js';

/**
 * Re-evaluation after a database change: only images holding a component under one of the touched
 * package keys are visited, only those components are re-matched (from the stored inventory; no
 * layer is read), and the image's findings and severity counts are replaced when they differ.
 * The store of images and findings belongs to the scanning add-on; it implements this interface.
 */
export interface IndexedImage {
  components: MatchComponent[];
  context: ImageContext;
  findings: Finding[];
}

export interface IndexedImageStore {
  /** Ids of images with at least one component under any of these keys (an index lookup, not a scan). */
  imagesWithKeys(keys: readonly string[]): Promise<string[]>;
  loadImage(imageId: string): Promise<IndexedImage | null>;
  saveFindings(
    imageId: string,
    findings: Finding[],
    counts: SeverityCounts,
    diff: FindingsDiff,
  ): Promise<void>;
}

export type SeverityCounts = Record<Severity, number>;

export interface FindingsDiff {
  imageId: string;
  added: Finding[];
  removed: Finding[];
  /** Same finding, new severity/score/summary/fix (e.g. an NVD revision). */
  changed: Finding[];
}

export function severityCounts(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, none: 0, unknown: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Identity of a finding across evaluations: the vulnerability on one installed component. */
export function findingKey(f: Finding): string {
  return [f.id, f.component.type, f.component.name, f.component.version ?? '', f.paths.join('\u0000')].join(
    '\u0001',
  );
}

function componentIdentity(c: {
  type: string;
  name: string;
  version: string | null;
  paths?: string[];
}): string {
  return [c.type, c.name, c.version ?? '', (c.paths ?? []).join('\u0000')].join('\u0001');
}

function sameContent(a: Finding, b: Finding): boolean {
  return (
    a.severity === b.severity &&
    a.score === b.score &&
    a.vector === b.vector &&
    a.summary === b.summary &&
    a.fixedVersion === b.fixedVersion &&
    a.aliases.join() === b.aliases.join() &&
    JSON.stringify(a.matches) === JSON.stringify(b.matches) &&
    !!a.versionUnknown === !!b.versionUnknown
  );
}

export interface ReevaluationResult {
  imagesVisited: number;
  imagesChanged: number;
  diffs: FindingsDiff[];
}

export async function reevaluate(
  keys: Iterable<string>,
  images: IndexedImageStore,
  provider: CandidateProvider,
  onImageChanged?: (diff: FindingsDiff) => void | Promise<void>,
): Promise<ReevaluationResult> {
  const touched = new Set(keys);
  const ids = touched.size > 0 ? await images.imagesWithKeys([...touched]) : [];
  const result: ReevaluationResult = { imagesVisited: 0, imagesChanged: 0, diffs: [] };
  for (const imageId of ids) {
    const image = await images.loadImage(imageId);
    if (!image) continue;
    result.imagesVisited++;
    const affected = new Set(
      image.components
        .filter((c) => componentKeys(c, image.context).some((k) => touched.has(k)))
        .map(componentIdentity),
    );
    if (affected.size === 0) continue;
    const fresh = await matchImage(image.components, image.context, provider, {
      only: (c) => affected.has(componentIdentity(c)),
    });
    const kept = image.findings.filter(
      (f) => !affected.has(componentIdentity({ ...f.component, paths: f.paths })),
    );
    const before = new Map(image.findings.map((f) => [findingKey(f), f]));
    const after = new Map([...kept, ...fresh].map((f) => [findingKey(f), f]));
    const diff: FindingsDiff = { imageId, added: [], removed: [], changed: [] };
    for (const [k, f] of after) {
      const old = before.get(k);
      if (!old) diff.added.push(f);
      else if (!sameContent(old, f)) diff.changed.push(f);
    }
    for (const [k, f] of before) if (!after.has(k)) diff.removed.push(f);
    if (diff.added.length + diff.removed.length + diff.changed.length === 0) continue;
    const findings = [...after.values()];
    await images.saveFindings(imageId, findings, severityCounts(findings), diff);
    result.imagesChanged++;
    result.diffs.push(diff);
    await onImageChanged?.(diff);
  }
  return result;
}

/** In-memory image store (CLI, tests, benchmark) with a key -> images index. */
export class MemoryImageStore implements IndexedImageStore {
  private readonly images = new Map<string, IndexedImage & { counts: SeverityCounts }>();
  private readonly byKey = new Map<string, Set<string>>();
  loads = 0;
  saves = 0;

  put(imageId: string, image: IndexedImage): void {
    this.images.set(imageId, { ...image, counts: severityCounts(image.findings) });
    for (const c of image.components) {
      for (const k of componentKeys(c, image.context)) {
        let set = this.byKey.get(k);
        if (!set) this.byKey.set(k, (set = new Set()));
        set.add(imageId);
      }
    }
  }

  get(imageId: string): (IndexedImage & { counts: SeverityCounts }) | undefined {
    return this.images.get(imageId);
  }

  async imagesWithKeys(keys: readonly string[]): Promise<string[]> {
    const out = new Set<string>();
    for (const k of keys) for (const id of this.byKey.get(k) ?? []) out.add(id);
    return [...out];
  }

  async loadImage(imageId: string): Promise<IndexedImage | null> {
    this.loads++;
    return this.images.get(imageId) ?? null;
  }

  async saveFindings(imageId: string, findings: Finding[], counts: SeverityCounts): Promise<void> {
    this.saves++;
    const image = this.images.get(imageId);
    if (image) this.images.set(imageId, { ...image, findings, counts });
  }
}
