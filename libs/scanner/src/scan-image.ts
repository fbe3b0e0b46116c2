import { availableParallelism } from 'node:os';
import { ScanError } from './errors.js';
import { analyzeLayer } from './layer/analyze-layer.js';
import type { ScanLimits } from './limits.js';
import { mapHistory, mergeLayers } from './merge.js';
import { isForeignLayer, type ImageSource } from './source/types.js';
import {
  ANALYZER_VERSION,
  type ImageScanResult,
  type LayerAnalysis,
  type LayerReport,
  type ScanProgress,
} from './types.js';

/** Compressed layer size from which decompression and the DiffID hash run on a worker thread. */
const OFF_THREAD_MIN_BYTES = 8 * 1024 * 1024;

/** Where the caller keeps layer analyses (the server: PostgreSQL, keyed by DiffID + analyser version). */
export interface LayerAnalysisCache {
  get(key: { diffId: string; analyzerVersion: string }): Promise<LayerAnalysis | null | undefined>;
  set(key: { diffId: string; analyzerVersion: string }, analysis: LayerAnalysis): Promise<void>;
}

export interface ScanImageOptions {
  limits?: Partial<ScanLimits>;
  /** Layers analysed at the same time (default: min(available CPUs, 4)). */
  concurrency?: number;
  cache?: LayerAnalysisCache;
  onProgress?: (p: ScanProgress) => void;
  /** Verify each computed DiffID against the config (default true). */
  verifyDiffIds?: boolean;
}

/**
 * Scan one image: analyse every (non-foreign) layer, in parallel and through the cache when one
 * is given, then merge. Throws ScanError (with the layer digest) when a layer cannot be analysed.
 */
export async function scanImage(
  source: ImageSource,
  options: ScanImageOptions = {},
): Promise<ImageScanResult> {
  const layers = source.manifest.layers;
  const diffIds = source.config.rootfs?.diff_ids ?? [];
  const { layers: hist, history } = mapHistory(source.config.history, layers.length);
  const analyses: (LayerAnalysis | null)[] = new Array<LayerAnalysis | null>(layers.length).fill(null);
  const concurrency = Math.max(1, options.concurrency ?? Math.min(availableParallelism(), 4));
  const verify = options.verifyDiffIds ?? true;
  let layersDone = 0;

  const todo = layers.map((_, i) => i).filter((i) => !isForeignLayer(layers[i]));
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const i = todo[next++];
      const desc = layers[i];
      const expected = diffIds[i];
      const key = expected ? { diffId: expected, analyzerVersion: ANALYZER_VERSION } : null;
      let analysis = key && options.cache ? await options.cache.get(key) : null;
      if (!analysis) {
        const stream = await source.openBlob(desc.digest);
        analysis = await analyzeLayer(stream, {
          layerDigest: desc.digest,
          // A worker thread pays for itself on layers of some size; small ones stay on this thread
          // unless a probe of their first bytes says they inflate to a lot.
          offThread: desc.size >= OFF_THREAD_MIN_BYTES ? true : 'auto',
          compressedSize: desc.size,
          ...(options.limits ? { limits: options.limits } : {}),
          ...(verify && expected ? { expectedDiffId: expected } : {}),
          onProgress: (p) =>
            options.onProgress?.({
              ...p,
              layerDigest: desc.digest,
              layerIndex: i,
              layersDone,
              layersTotal: todo.length,
            }),
        });
        if (options.cache)
          await options.cache.set({ diffId: analysis.diffId, analyzerVersion: ANALYZER_VERSION }, analysis);
      }
      analyses[i] = analysis;
      layersDone++;
      options.onProgress?.({
        layerDigest: desc.digest,
        layerIndex: i,
        compressedBytesRead: desc.size,
        uncompressedBytes: analysis.uncompressedSize,
        entries: analysis.entryCount,
        layersDone,
        layersTotal: todo.length,
      });
    }
  };
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(concurrency, todo.length) }, worker),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    const err: unknown = failed.reason;
    if (err instanceof ScanError) throw err;
    throw new ScanError('LAYER_CORRUPT', err instanceof Error ? err.message : String(err), undefined, {
      cause: err,
    });
  }

  const merged = mergeLayers(
    layers.map((d, i) => ({
      index: i,
      digest: d.digest,
      diffId: analyses[i]?.diffId ?? diffIds[i] ?? '',
      createdBy: hist[i].createdBy,
      analysis: analyses[i] ?? null,
    })),
  );

  const layerReports: LayerReport[] = layers.map((d, i) => {
    const a = analyses[i];
    const r: LayerReport = {
      index: i,
      digest: d.digest,
      mediaType: d.mediaType,
      size: d.size,
      diffId: a?.diffId ?? diffIds[i] ?? null,
      historyIndex: hist[i].historyIndex,
      createdBy: hist[i].createdBy,
      status: a ? 'scanned' : 'not-scanned',
    };
    if (!a) r.reason = 'foreign layer';
    else r.fileCount = a.files.length;
    if (d.urls) r.urls = d.urls;
    return r;
  });

  return {
    scanner: { name: 'drydock-scanner', analyzerVersion: ANALYZER_VERSION },
    image: {
      reference: source.reference,
      digest: source.manifestDigest,
      mediaType: source.manifest.mediaType ?? null,
      configDigest: source.configDigest,
      platform: source.platform,
    },
    os: merged.os,
    layers: layerReports,
    history,
    components: merged.components,
    unownedElfFiles: merged.unownedElfFiles,
    flagged: merged.flagged,
    warnings: merged.warnings,
    fileCount: merged.files.size,
  };
}

/** Components present in the final image (removed ones excluded). */
export function presentComponents(result: ImageScanResult): ImageScanResult['components'] {
  return result.components.filter((c) => c.removedInLayer === undefined);
}
