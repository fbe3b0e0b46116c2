import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  PgVulnStore,
  type Finding,
  type FindingsDiff,
  type IndexedImage,
  type IndexedImageStore,
  type SeverityCounts,
} from '@drydock/vulndb';
import { ScanStore, type StoredImage } from './db/scan-store.js';
import { countFindings, toMatchComponent } from './model.js';
import { imageContext } from './scan.worker.js';

/**
 * The stored images as vulndb's re-evaluation sees them (VULNDB_IMAGE_STORE): components and
 * findings from image_analyses, never the layers. Saving moves evaluated_at and db_version and
 * leaves scanned_at alone (issue 6, "Jobs").
 */
@Injectable()
export class ScanImageStore implements IndexedImageStore {
  private readonly vulns: PgVulnStore;
  private readonly loaded = new Map<string, StoredImage>();

  constructor(
    @Inject(ScanStore) private readonly scans: ScanStore,
    @Inject(DataSource) ds: DataSource,
  ) {
    this.vulns = new PgVulnStore(ds);
  }

  imagesWithKeys(keys: readonly string[]): Promise<string[]> {
    return this.scans.imagesWithKeys(keys);
  }

  async loadImage(imageId: string): Promise<IndexedImage | null> {
    const image = await this.scans.imageById(imageId);
    if (!image) return null;
    // Re-evaluation loads then (maybe) saves one image at a time: keep only the last one.
    this.loaded.clear();
    this.loaded.set(imageId, image);
    return {
      components: image.result.components.map(toMatchComponent),
      context: imageContext(image.result),
      findings: image.findings,
    };
  }

  async saveFindings(
    imageId: string,
    findings: Finding[],
    _counts: SeverityCounts,
    _diff: FindingsDiff,
  ): Promise<void> {
    const image = this.loaded.get(imageId) ?? (await this.scans.imageById(imageId));
    this.loaded.delete(imageId);
    if (!image) return;
    await this.scans.saveEvaluation(image, findings, countFindings(findings), await this.vulns.dbVersion());
  }
}
