import { describe, it, expect, beforeAll } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MemoryImageStore,
  reevaluate,
  loadIntoIndex,
  loadVulnDataDirectory,
  matchImage,
  MemoryVulnIndex,
  type Finding,
  type ImageContext,
  type MatchComponent,
} from './index.js';

/**
 * Acceptance against ../shared/vulndata (real NVD/GHSA/Debian records) and the fixture images'
 * ground truth. Runs only where the shared data exists (see /work/notes/common.md).
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const shared = resolve(repo, '../shared');
const vulndata = join(shared, 'vulndata');
const images = join(shared, 'fixtures/images');
const available = existsSync(vulndata) && existsSync(images);

interface Expectation {
  component: string;
  version: string;
  ids: string[];
}
interface ImageExpectations {
  mustReport: Expectation[];
  mustNotReport: Expectation[];
  mustStillReport?: Expectation[];
}
interface Flat {
  images: Record<string, ImageExpectations>;
  afterUpdate: { load: string[]; images: Record<string, ImageExpectations> };
}

interface GroundTruthComponent {
  type: string;
  name: string;
  version: string | null;
  sourceName?: string;
  sourceVersion?: string;
  path?: string;
  layerIndex?: number;
  lockfileOnly?: boolean;
  presentInFinal?: boolean;
}
interface GroundTruth {
  os: { name: string; version?: string } | null;
  components: GroundTruthComponent[];
  removedComponents?: GroundTruthComponent[];
  manifests?: GroundTruth[];
}

/** Maps the fixture inventory onto the matcher's input, as the integrator maps the scanner's. */
function imageInput(name: string): { components: MatchComponent[]; context: ImageContext }[] {
  const doc = JSON.parse(readFileSync(join(images, `${name}.components.json`), 'utf8')) as GroundTruth;
  const docs = doc.manifests ?? [doc];
  return docs.map((d) => {
    const map = (c: GroundTruthComponent, removed: boolean): MatchComponent => ({
      type: c.type,
      name: c.name,
      version: c.version,
      sourceName: c.sourceName,
      sourceVersion: c.sourceVersion,
      paths: c.path ? [c.path] : [],
      layerIndex: c.layerIndex ?? null,
      removed,
      lockfileOnly: c.lockfileOnly === true,
    });
    return {
      components: [
        ...d.components.map((c) => map(c, false)),
        ...(d.removedComponents ?? []).map((c) => map(c, c.presentInFinal !== true)),
      ],
      context: { os: d.os ? { id: d.os.name, versionId: d.os.version ?? null } : null },
    };
  });
}

async function findingsFor(name: string, index: MemoryVulnIndex): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const { components, context } of imageInput(name))
    out.push(...(await matchImage(components, context, index)));
  return out;
}

function reported(findings: Finding[], e: Expectation): Finding[] {
  return findings.filter(
    (f) =>
      f.component.name === e.component &&
      f.component.version === e.version &&
      [f.id, ...f.aliases].some((id) => e.ids.includes(id)),
  );
}

function check(
  findings: Finding[],
  exp: ImageExpectations,
): { missing: Expectation[]; unexpected: Expectation[]; duplicated: Expectation[] } {
  return {
    missing: [...exp.mustReport, ...(exp.mustStillReport ?? [])].filter(
      (e) => reported(findings, e).length === 0,
    ),
    unexpected: exp.mustNotReport.filter((e) => reported(findings, e).length > 0),
    duplicated: (exp.mustStillReport ?? []).filter((e) => reported(findings, e).length > 1),
  };
}

describe('acceptance: shared vulndata against fixture images (runs when ../shared exists)', () => {
  let flat: Flat;
  let index: MemoryVulnIndex;

  beforeAll(async () => {
    if (!available) return;
    flat = JSON.parse(readFileSync(join(vulndata, 'expected-public.flat.json'), 'utf8')) as Flat;
    index = await loadVulnDataDirectory(['nvd/base', 'osv/ghsa', 'osv/debian'].map((p) => join(vulndata, p)));
  });

  it('base data: every mustReport found, no mustNotReport reported', async () => {
    if (!available) return;
    for (const [image, exp] of Object.entries(flat.images)) {
      const findings = await findingsFor(image, index);
      expect({ image, ...check(findings, exp) }).toEqual({
        image,
        missing: [],
        unexpected: [],
        duplicated: [],
      });
    }
  });

  it('findings carry NVD scores, links, fixed versions and why they matched', async () => {
    if (!available) return;
    const findings = await findingsFor('bookworm-app', index);
    const lodash = findings.find((f) => f.component.name === 'lodash' && f.id === 'CVE-2021-23337')!;
    expect(lodash).toMatchObject({
      aliases: ['GHSA-35jh-r3h4-6jhm'],
      severity: 'high',
      score: 7.2,
      fixedVersion: '4.17.21',
      link: 'https://nvd.nist.gov/vuln/detail/CVE-2021-23337',
    });
    expect(lodash.matchedBy).toMatchObject({ source: 'osv', recordId: 'GHSA-35jh-r3h4-6jhm' });
    const apt = findings.find((f) => f.component.name === 'apt' && f.id === 'CVE-2011-3374')!;
    expect(apt.fixedVersion).toBeNull();
    expect(apt.aliases).toContain('DEBIAN-CVE-2011-3374');
    // Each installed component is reported once per vulnerability.
    const keys = findings.map((f) => `${f.component.name}@${f.component.version}#${f.id}#${f.paths.join()}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the GHSA withdrawal removes the finding the pre-withdrawal revision produced', async () => {
    if (!available) return;
    const history = new MemoryVulnIndex();
    await loadIntoIndex(join(vulndata, 'osv/ghsa-history'), history);
    const before = await findingsFor('bookworm-app', history);
    expect(before.some((f) => f.id === 'CVE-2022-23529' && f.component.name === 'jsonwebtoken')).toBe(true);
    const changes = await loadIntoIndex(join(vulndata, 'osv/ghsa'), history);
    expect(changes.keys.has('npm/jsonwebtoken')).toBe(true);
    const after = await findingsFor('bookworm-app', history);
    expect(after.some((f) => f.id === 'CVE-2022-23529')).toBe(false);
  });

  it('after the update, through re-evaluation of the stored images: afterUpdate holds and the base block still holds', async () => {
    if (!available) return;
    const updated = await loadVulnDataDirectory(
      ['nvd/base', 'osv/ghsa', 'osv/debian'].map((p) => join(vulndata, p)),
    );
    // Index the images once, as the scanning service stores them (one entry per platform manifest).
    const images = new MemoryImageStore();
    for (const name of Object.keys(flat.afterUpdate.images)) {
      imageInput(name).forEach(({ components, context }, i) => {
        images.put(`${name}#${i}`, { components, context, findings: [] });
      });
    }
    for (const name of Object.keys(flat.afterUpdate.images)) {
      for (let i = 0; ; i++) {
        const img = images.get(`${name}#${i}`);
        if (!img) break;
        images.put(`${name}#${i}`, {
          ...img,
          findings: await matchImage(img.components, img.context, updated),
        });
      }
    }
    const changes = await loadIntoIndex(
      flat.afterUpdate.load.map((p) => join(vulndata, p)),
      updated,
    );
    expect(changes.keys.has('Debian:12/openssl')).toBe(true);
    const result = await reevaluate(changes.keys, images, updated);
    expect(result.imagesChanged).toBeGreaterThan(0);
    for (const [image, exp] of Object.entries(flat.afterUpdate.images)) {
      const findings: Finding[] = [];
      for (let i = 0; images.get(`${image}#${i}`); i++)
        findings.push(...images.get(`${image}#${i}`)!.findings);
      expect({ image, ...check(findings, exp) }).toEqual({
        image,
        missing: [],
        unexpected: [],
        duplicated: [],
      });
      expect({ image, ...check(findings, flat.images[image]) }).toEqual({
        image,
        missing: [],
        unexpected: [],
        duplicated: [],
      });
      // Re-evaluation gives what a fresh match of the updated data gives.
      const fresh = await findingsFor(image, updated);
      expect(findings.map((f) => `${f.component.name}#${f.id}`).sort()).toEqual(
        fresh.map((f) => `${f.component.name}#${f.id}`).sort(),
      );
    }
  });
});
