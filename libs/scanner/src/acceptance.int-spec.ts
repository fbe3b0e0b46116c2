/**
 * Acceptance: scan every fixture image of ../shared/fixtures/images (when present) and compare
 * with its ground truth (`*.components.json`, format in ../shared/fixtures/README.md).
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanError } from './errors.js';
import { analyzeLayer } from './layer/analyze-layer.js';
import { scanImage } from './scan-image.js';
import { openImageContainer } from './source/readers.js';
import { platformString } from './source/types.js';
import type { Component, ImageScanResult } from './types.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixturesDir = join(repoRoot, '..', 'shared', 'fixtures', 'images');
const haveFixtures = existsSync(join(fixturesDir, 'fixtures.json'));

interface Fixture {
  name: string;
  path: string;
  transport: string;
  components: string;
  kind: string;
  expectedOutcome?: {
    scan: string;
    errorCode: string | null;
    flaggedEntries?: { name: string; normalised: string; normalisedTarget?: string }[];
    entriesThroughLinks?: string[];
  };
}

interface TruthComponent {
  type: string;
  name: string;
  version: string;
  path: string;
  layerIndex: number;
  layerDigest?: string;
  createdBy: string;
  arch?: string;
  sourceName?: string;
  sourceVersion?: string;
  maintainer?: string;
  license?: string;
  direct?: boolean;
  lockfileOnly?: boolean;
  declaredAt?: string;
  sha256?: string;
  missingFiles?: string[];
  removedInLayer?: number;
  removedBy?: string;
}

interface Truth {
  platform: Record<string, string>;
  manifestDigest: string | null;
  os: { name: string; version: string } | null;
  layers: { index: number; digest: string; diffId: string; createdBy: string; urls?: string[] }[];
  components: TruthComponent[];
  removedComponents: TruthComponent[];
  unownedElfFiles: string[];
  platformString?: string;
}

const keyOfTruth = (c: TruthComponent) =>
  `${c.type}|${c.name}|${c.lockfileOnly ? `${c.path}>${c.declaredAt}` : c.path}`;
const keyOf = (c: Component) =>
  `${c.type}|${c.name}|${c.lockfileOnly ? `${c.path}>${c.declaredAt}` : c.path}`;

/** Differences between a scan and its ground truth, as readable lines (empty = equal). */
function compare(r: ImageScanResult, t: Truth): string[] {
  const diffs: string[] = [];
  const present = r.components.filter((c) => c.removedInLayer === undefined);
  const removed = r.components.filter((c) => c.removedInLayer !== undefined);
  const ours = new Map(present.map((c) => [keyOf(c), c]));
  if (t.manifestDigest && r.image.digest !== t.manifestDigest)
    diffs.push(`manifest digest ${r.image.digest} != ${t.manifestDigest}`);
  if ((t.os?.name ?? null) !== (r.os?.id ?? null) || (t.os?.version ?? null) !== (r.os?.versionId ?? null)) {
    diffs.push(`os ${JSON.stringify(r.os)} != ${JSON.stringify(t.os)}`);
  }
  for (const l of t.layers) {
    const o = r.layers[l.index];
    if (!o || o.digest !== l.digest || o.diffId !== l.diffId || o.createdBy !== l.createdBy) {
      diffs.push(`layer ${l.index}: ${JSON.stringify(o)} != ${JSON.stringify(l)}`);
    }
    if (l.urls && o?.status !== 'not-scanned') diffs.push(`layer ${l.index}: foreign layer was scanned`);
  }
  for (const tc of t.components) {
    const c = ours.get(keyOfTruth(tc));
    if (!c) {
      diffs.push(`missing ${keyOfTruth(tc)}@${tc.version}`);
      continue;
    }
    ours.delete(keyOfTruth(tc));
    const want: Record<string, unknown> = {
      version: tc.version,
      layerIndex: tc.layerIndex,
      createdBy: tc.createdBy,
    };
    const got: Record<string, unknown> = {
      version: c.version,
      layerIndex: c.layerIndex,
      createdBy: c.createdBy,
    };
    if (tc.layerDigest) {
      want['layerDigest'] = tc.layerDigest;
      got['layerDigest'] = c.layerDigest;
    }
    if (tc.type === 'deb') {
      Object.assign(want, {
        arch: tc.arch,
        sourceName: tc.sourceName,
        sourceVersion: tc.sourceVersion,
        maintainer: tc.maintainer,
      });
      Object.assign(got, {
        arch: c.arch,
        sourceName: c.sourceName,
        sourceVersion: c.sourceVersion,
        maintainer: c.maintainer,
      });
      want['missingFiles'] = tc.missingFiles ?? null;
      got['missingFiles'] = c.missingFiles ?? null;
    }
    if (tc.type === 'npm' && !tc.lockfileOnly) {
      want['license'] = tc.license;
      got['license'] = c.licenses.join(' ');
      want['direct'] = tc.direct;
      got['direct'] = c.direct;
    }
    if (tc.lockfileOnly) {
      want['lockfileOnly'] = true;
      got['lockfileOnly'] = c.lockfileOnly;
    }
    if (tc.type === 'binary') {
      want['sha256'] = tc.sha256;
      got['sha256'] = c.sha256 ? `sha256:${c.sha256}` : undefined;
    }
    if (JSON.stringify(want) !== JSON.stringify(got))
      diffs.push(`${keyOfTruth(tc)}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  for (const extra of ours.keys()) diffs.push(`extra ${extra}`);
  for (const tr of t.removedComponents) {
    const c = removed.find((x) => keyOf(x) === keyOfTruth(tr));
    if (!c) diffs.push(`removed component not reported: ${keyOfTruth(tr)}`);
    else if (
      c.removedInLayer !== tr.removedInLayer ||
      c.layerIndex !== tr.layerIndex ||
      c.removedBy !== tr.removedBy
    ) {
      diffs.push(
        `removed ${keyOfTruth(tr)}: layer ${c.layerIndex}→${c.removedInLayer}, want ${tr.layerIndex}→${tr.removedInLayer}`,
      );
    }
  }
  for (const c of removed) {
    if (!t.removedComponents.some((tr) => keyOfTruth(tr) === keyOf(c)))
      diffs.push(`extra removed ${keyOf(c)}`);
  }
  if (JSON.stringify(r.unownedElfFiles) !== JSON.stringify(t.unownedElfFiles))
    diffs.push(`unowned ELF files ${JSON.stringify(r.unownedElfFiles)}`);
  return diffs;
}

/** Peak RSS while `fn` runs, sampled every 20 ms. */
async function withPeakRss<T>(
  fn: () => Promise<T>,
): Promise<{ value: T | undefined; error: unknown; peak: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    return { value: await fn(), error: undefined, peak };
  } catch (error) {
    return { value: undefined, error, peak };
  } finally {
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
}

async function scanAll(ref: string): Promise<ImageScanResult[]> {
  const container = await openImageContainer(ref);
  const out: ImageScanResult[] = [];
  for (const img of container.images) out.push(await scanImage(img));
  return out;
}

const MiB = 1024 * 1024;

describe('scanner acceptance (shared fixtures)', () => {
  if (!haveFixtures) {
    it('has no ../shared/fixtures here: nothing to check', () => {
      expect(haveFixtures).toBe(false);
    });
    return;
  }
  const catalog = JSON.parse(readFileSync(join(fixturesDir, 'fixtures.json'), 'utf8')) as {
    fixtures: Fixture[];
  };
  const baseline = process.memoryUsage().rss;

  for (const f of catalog.fixtures) {
    it(`${f.name}`, async () => {
      const truth = JSON.parse(readFileSync(join(fixturesDir, f.components), 'utf8')) as Truth & {
        manifests?: Truth[];
      };
      const ref = `${f.transport}:${join(fixturesDir, f.path)}`;
      const { value, error, peak } = await withPeakRss(() => scanAll(ref));
      // Bounded memory: no fixture (not the 4 GiB bomb, not 100,000 files) may grow the process much.
      expect((peak - baseline) / MiB).toBeLessThan(300);

      const outcome = f.expectedOutcome;
      if (outcome?.scan === 'error') {
        expect(error).toBeInstanceOf(ScanError);
        const codes = (outcome.errorCode ?? '').split(/\s+or\s+/);
        expect(codes).toContain((error as ScanError).code);
        expect((error as ScanError).layerDigest).toBe(truth.layers[0]?.digest);
        return;
      }
      if (outcome?.scan.startsWith('error or flagged')) {
        // GNU sparse bomb: either refused by the size limits, or scanned with the entry flagged.
        if (error) {
          expect(['LAYER_TOO_LARGE', 'LAYER_CORRUPT']).toContain((error as ScanError).code);
        } else {
          expect(value![0].flagged.some((x) => x.reason === 'sparse-entry')).toBe(true);
        }
        return;
      }
      expect(error).toBeUndefined();
      const results = value!;
      if (truth.manifests) {
        expect(results.map((r) => platformString(r.image.platform)).sort()).toEqual(
          truth.manifests.map((m) => m.platformString).sort(),
        );
        for (const m of truth.manifests) {
          const r = results.find((x) => platformString(x.image.platform) === m.platformString)!;
          expect(compare(r, m)).toEqual([]);
        }
        return;
      }
      expect(results).toHaveLength(1);
      const r = results[0];
      expect(compare(r, truth)).toEqual([]);
      if (outcome?.flaggedEntries) {
        for (const fe of outcome.flaggedEntries) {
          const got = r.flagged.find((x) => x.name === fe.name);
          expect(got).toBeDefined();
          if (fe.normalisedTarget) expect(got?.normalisedTarget).toBe(fe.normalisedTarget);
          else expect(got?.normalised).toBe(fe.normalised);
        }
      }
      if (outcome?.entriesThroughLinks) {
        // Links are recorded, never followed: a file "written through" a link stays a plain entry
        // under the link's own name inside the root.
        const container = await openImageContainer(ref);
        const img = container.images[0];
        const analysis = await analyzeLayer(await img.openBlob(img.manifest.layers[0].digest));
        const files = new Map(analysis.files.map((x) => [x.path, x.type]));
        for (const p of outcome.entriesThroughLinks) expect(files.get(p)).toBe('file');
        expect([...files.values()].filter((t) => t === 'symlink').length).toBeGreaterThan(50);
      }
    }, 300_000);
  }
});
