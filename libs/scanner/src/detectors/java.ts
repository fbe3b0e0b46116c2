import yauzl from 'yauzl';
import type { DetectedComponent } from '../types.js';

const MAX_DEPTH = 4;
const MAX_ENTRIES = 50_000;

interface ZipEntryData {
  name: string;
  data: Buffer;
}

/** Read selected entries of a zip held in memory, each bounded by `maxBytes`. */
async function readZip(
  buf: Buffer,
  want: (name: string) => boolean,
  maxBytes: number,
): Promise<ZipEntryData[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(
      buf,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
      (err, z) => (err || !z ? reject(err ?? new Error('zip')) : resolve(z)),
    ),
  );
  const out: ZipEntryData[] = [];
  let budget = maxBytes;
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (++seen > MAX_ENTRIES || !want(entry.fileName) || entry.uncompressedSize > budget) {
        zip.readEntry();
        return;
      }
      budget -= entry.uncompressedSize;
      zip.openReadStream(entry, (err, rs) => {
        if (err || !rs) {
          zip.readEntry();
          return;
        }
        const chunks: Buffer[] = [];
        let n = 0;
        rs.on('data', (c: Buffer) => {
          n += c.length;
          if (n > entry.uncompressedSize) rs.destroy(new Error('zip entry larger than declared'));
          else chunks.push(c);
        });
        rs.on('error', () => zip.readEntry());
        rs.on('end', () => {
          out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  zip.close();
  return out;
}

function parseProperties(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith('!')) continue;
    const i = t.search(/[=:]/);
    if (i > 0) m.set(t.slice(0, i).trim(), t.slice(i + 1).trim());
  }
  return m;
}

function parseManifest(text: string): Map<string, string> {
  const m = new Map<string, string>();
  let last: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith(' ') && last) {
      m.set(last, m.get(last) + line.slice(1));
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) {
      if (line.trim() === '') break; // only the main section
      continue;
    }
    last = line.slice(0, i).trim();
    m.set(last, line.slice(i + 1).trim());
  }
  return m;
}

const ARCHIVE = /\.(?:jar|war|ear)$/i;

/**
 * A Java archive → Maven components from META-INF/maven/<group>/<artifact>/pom.properties, or, when
 * it has none, one component from MANIFEST.MF (Implementation-Title/-Version). Nested archives
 * (WEB-INF/lib, BOOT-INF/lib, ...) are read recursively within the same byte budget.
 */
export async function scanJavaArchive(
  buf: Buffer,
  absPath: string,
  maxBytes: number,
  depth = 0,
): Promise<DetectedComponent[]> {
  const entries = await readZip(
    buf,
    (n) =>
      /^META-INF\/maven\/.+\/pom\.properties$/.test(n) || n === 'META-INF/MANIFEST.MF' || ARCHIVE.test(n),
    maxBytes,
  );
  const out: DetectedComponent[] = [];
  let manifest: Map<string, string> | null = null;
  for (const e of entries) {
    if (e.name === 'META-INF/MANIFEST.MF') {
      manifest = parseManifest(e.data.toString('utf8'));
    } else if (e.name.endsWith('pom.properties')) {
      const p = parseProperties(e.data.toString('utf8'));
      const group = p.get('groupId');
      const artifact = p.get('artifactId');
      const version = p.get('version');
      if (group && artifact) {
        out.push({
          type: 'maven',
          name: artifact,
          group,
          version: version ?? null,
          licenses: [],
          paths: [absPath],
          foundBy: 'java-pom-properties',
        });
      }
    }
  }
  if (out.length === 0 && manifest) {
    const title = manifest.get('Implementation-Title') ?? manifest.get('Bundle-SymbolicName')?.split(';')[0];
    const version = manifest.get('Implementation-Version') ?? manifest.get('Bundle-Version') ?? null;
    if (title) {
      const c: DetectedComponent = {
        type: 'maven',
        name: title,
        version,
        licenses: [],
        paths: [absPath],
        foundBy: 'java-manifest',
      };
      const vendor = manifest.get('Implementation-Vendor-Id');
      if (vendor) c.group = vendor;
      out.push(c);
    }
  }
  if (depth < MAX_DEPTH) {
    for (const e of entries) {
      if (!ARCHIVE.test(e.name)) continue;
      try {
        out.push(...(await scanJavaArchive(e.data, `${absPath}!/${e.name}`, maxBytes, depth + 1)));
      } catch {
        // A broken nested archive must not hide what the outer one declares.
      }
    }
  }
  return out;
}
