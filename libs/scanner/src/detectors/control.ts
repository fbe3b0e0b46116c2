/**
 * Parser for RFC 822-style stanzas (dpkg status, os-release style headers, Python METADATA):
 * "Field: value" lines, continuation lines start with whitespace, stanzas end at a blank line.
 */
export function parseStanzas(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let cur = new Map<string, string>();
  let last: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      if (cur.size > 0) out.push(cur);
      cur = new Map();
      last = null;
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== null) {
      cur.set(last, cur.get(last) + '\n' + line.trim());
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    last = line.slice(0, i);
    const value = line.slice(i + 1).trim();
    // Repeated headers (METADATA Classifier) are kept newline-joined.
    cur.set(last, cur.has(last) ? cur.get(last) + '\n' + value : value);
  }
  if (cur.size > 0) out.push(cur);
  return out;
}

/** Only the header block of a METADATA / PKG-INFO file (the body after the first blank line is prose). */
export function parseHeaderBlock(text: string): Map<string, string> {
  const end = text.search(/\r?\n\r?\n/);
  return parseStanzas(end >= 0 ? text.slice(0, end) : text)[0] ?? new Map();
}
