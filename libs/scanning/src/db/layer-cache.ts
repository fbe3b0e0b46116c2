import type { LayerAnalysis, LayerAnalysisCache } from '@drydock/scanner';
import type { TenantDb } from '@drydock/platform';

/**
 * Layer analyses in PostgreSQL, keyed by (DiffID, analyser version). Shared by every image and
 * organization that holds the layer (the content decides the analysis, nothing tenant-specific is
 * in it), hence the system context: the table has no organization and no RLS.
 */
export class PgLayerAnalysisCache implements LayerAnalysisCache {
  hits = 0;
  misses = 0;

  constructor(
    private readonly db: TenantDb,
    private readonly layerDigests: ReadonlyMap<string, string> = new Map(),
  ) {}

  async get(key: { diffId: string; analyzerVersion: string }): Promise<LayerAnalysis | null> {
    const rows = await this.db.withSystem((m) =>
      m.query<{ analysis: LayerAnalysis }[]>(
        `SELECT analysis FROM layer_analyses WHERE diff_id = $1 AND analyzer_version = $2`,
        [key.diffId, key.analyzerVersion],
      ),
    );
    if (rows[0]) this.hits++;
    else this.misses++;
    return rows[0]?.analysis ?? null;
  }

  async set(key: { diffId: string; analyzerVersion: string }, analysis: LayerAnalysis): Promise<void> {
    await this.db.withSystem((m) =>
      m.query(
        `INSERT INTO layer_analyses (diff_id, analyzer_version, layer_digest, analysis)
         VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (diff_id, analyzer_version) DO NOTHING`,
        [
          key.diffId,
          key.analyzerVersion,
          this.layerDigests.get(key.diffId) ?? null,
          JSON.stringify(analysis),
        ],
      ),
    );
  }
}
