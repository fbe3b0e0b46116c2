import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import yauzl from 'yauzl';
import { readNvdPageFile } from './nvd-stream.js';
import { looksLikeOsv, parseOsvRecord } from './osv.js';
import type { NvdCve, OsvRecord } from '../model/types.js';

/**
 * Offline import: NVD API 2.0 pages (plain or .gz, streamed) and OSV records (single .json files,
 * JSON arrays of records, directories, and osv.dev's per-ecosystem `all.zip`), read recursively.
 * Files that are neither (READMEs, expectation files, tracker dumps) are reported and skipped.
 */
export interface VulnDataSink {
  nvd(cve: NvdCve): void | Promise<void>;
  osv(record: OsvRecord): void | Promise<void>;
  skipped?(path: string, reason: string): void;
}

async function head(path: string, bytes = 4096): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** An NVD page announces itself in its envelope, before the (possibly huge) array. */
function looksLikeNvdPage(text: string): boolean {
  return /"(resultsPerPage|totalResults)"\s*:/.test(text) || /"format"\s*:\s*"NVD_CVE"/.test(text);
}

async function osvFromJson(value: unknown, sink: VulnDataSink, where: string): Promise<void> {
  const items = Array.isArray(value) ? value : [value];
  let any = false;
  for (const item of items) {
    if (looksLikeOsv(item)) {
      await sink.osv(parseOsvRecord(item));
      any = true;
    }
  }
  if (!any) sink.skipped?.(where, 'not an NVD page or OSV record');
}

export async function loadOsvZip(path: string, sink: VulnDataSink): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('.json')) {
        zip.readEntry();
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          Promise.resolve()
            .then(() =>
              osvFromJson(
                JSON.parse(Buffer.concat(chunks).toString('utf8')),
                sink,
                `${path}!${entry.fileName}`,
              ),
            )
            .then(() => zip.readEntry())
            .catch(reject);
        });
      });
    });
    zip.readEntry();
  });
}

export async function loadVulnDataFile(path: string, sink: VulnDataSink): Promise<void> {
  const lower = path.toLowerCase();
  if (lower.endsWith('.zip')) return loadOsvZip(path, sink);
  if (!lower.endsWith('.json') && !lower.endsWith('.json.gz') && !lower.endsWith('.gz')) {
    sink.skipped?.(path, 'not a .json, .json.gz or .zip file');
    return;
  }
  const first = await head(path);
  const gz = isGzip(first);
  const start = gz ? gunzipHead(first) : first.toString('utf8');
  if (looksLikeNvdPage(start)) {
    for await (const cve of readNvdPageFile(path, undefined, gz)) await sink.nvd(cve);
    return;
  }
  const raw = await readFile(path);
  const text = (gz ? gunzipSync(raw) : raw).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    sink.skipped?.(path, 'invalid JSON');
    return;
  }
  await osvFromJson(value, sink, path);
}

function gunzipHead(b: Buffer): string {
  try {
    return gunzipSync(b, { finishFlush: 2 /* Z_SYNC_FLUSH: tolerate the truncated stream */ }).toString(
      'utf8',
    );
  } catch {
    return '';
  }
}

/** Loads a file or a directory tree (sorted, so the result does not depend on readdir order). */
export async function loadVulnDataPath(path: string, sink: VulnDataSink): Promise<void> {
  const st = await stat(path);
  if (!st.isDirectory()) return loadVulnDataFile(path, sink);
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(path, e.name);
    if (e.isDirectory()) await loadVulnDataPath(p, sink);
    else if (e.isFile()) await loadVulnDataFile(p, sink);
  }
}
