import type { DetectedComponent } from '../types.js';
import { parseHeaderBlock } from './control.js';

/** *.dist-info/METADATA and *.egg-info/PKG-INFO (core metadata, https://packaging.python.org/specifications/core-metadata/). */
export function parsePythonMetadata(text: string, absPath: string): DetectedComponent | null {
  const h = parseHeaderBlock(text);
  const name = h.get('Name');
  const version = h.get('Version');
  if (!name || !version) return null;
  const licenses = new Set<string>();
  const expr = h.get('License-Expression');
  if (expr) licenses.add(expr);
  const lic = h.get('License');
  // The License field often holds the whole license text; only a short value is an identifier.
  if (!expr && lic && lic !== 'UNKNOWN' && !lic.includes('\n') && lic.length <= 64) licenses.add(lic);
  for (const cl of (h.get('Classifier') ?? '').split('\n')) {
    const m = /^License :: (?:OSI Approved :: )?(.+)$/.exec(cl.trim());
    if (m && !expr) licenses.add(m[1].trim());
  }
  return {
    type: 'python',
    name,
    version,
    licenses: [...licenses],
    paths: [absPath],
    foundBy: 'python-metadata',
  };
}
