import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOsvZip, type VulnDataSink } from '../sources/loader.js';
import { looksLikeOsv, parseOsvRecord } from '../sources/osv.js';

/**
 * Downloads one OSV source: an osv.dev `<ecosystem>/all.zip` export (spooled to a temporary file,
 * since yauzl needs random access) or a single record / array of records as JSON.
 */
export async function fetchOsvSource(
  url: string,
  sink: VulnDataSink,
  options: { fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<void> {
  const res = await (options.fetch ?? fetch)(url, { signal: options.signal });
  if (!res.ok) throw new Error(`OSV source ${url}: HTTP ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  const isZip = body.length >= 4 && body.readUInt32LE(0) === 0x04034b50;
  if (isZip) {
    const dir = await mkdtemp(join(tmpdir(), 'drydock-osv-'));
    try {
      const file = join(dir, 'all.zip');
      await writeFile(file, body);
      await loadOsvZip(file, sink);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return;
  }
  const value: unknown = JSON.parse(body.toString('utf8'));
  for (const item of Array.isArray(value) ? value : [value]) {
    if (looksLikeOsv(item)) await sink.osv(parseOsvRecord(item));
  }
}
