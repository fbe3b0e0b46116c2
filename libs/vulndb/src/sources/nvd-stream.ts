import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { parseNvdCve } from './nvd.js';
import type { NvdCve } from '../model/types.js';

/**
 * Streaming reader for NVD CVE API 2.0 pages: yields each `vulnerabilities[].cve` as it is read
 * and keeps only one record's text in memory, so a multi-gigabyte page or feed file can be
 * imported. The envelope (totalResults, timestamp, ...) is available once the stream ends.
 */
export interface NvdEnvelope {
  resultsPerPage?: number;
  startIndex?: number;
  totalResults?: number;
  format?: string;
  version?: string;
  timestamp?: string;
}

export class NvdPageScanner {
  /** Text of the array element in progress (from its '{'), already scanned. */
  private carry = '';
  private depth = 0;
  private inString = false;
  private escape = false;
  /** At depth 1, the next string is a key (after '{' or ','), not a value (after ':'). */
  private expectKey = false;
  private collectingKey = false;
  private key = '';
  private lastKey = '';
  private inArray = false;
  private skeleton = '';

  /** Feeds text; returns the complete array elements found (`{ "cve": ... }` objects). */
  push(chunk: string): unknown[] {
    const s = this.carry + chunk;
    const out: unknown[] = [];
    let elementStart = this.carry.length > 0 ? 0 : -1;
    let segStart = this.inArray ? -1 : 0;
    for (let i = this.carry.length; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (ch === 92 /* \ */) this.escape = true;
        else if (ch === 34 /* " */) {
          this.inString = false;
          if (this.collectingKey) {
            this.collectingKey = false;
            this.lastKey = this.key;
          }
        } else if (this.collectingKey) this.key += s[i];
        continue;
      }
      switch (ch) {
        case 34: // "
          this.inString = true;
          if (this.depth === 1 && this.expectKey) {
            this.collectingKey = true;
            this.key = '';
            this.expectKey = false;
          }
          break;
        case 58: // :
          break;
        case 44: // ,
          if (this.depth === 1) this.expectKey = true;
          break;
        case 123: // {
        case 91: // [
          this.depth++;
          if (this.depth === 1) this.expectKey = ch === 123;
          else if (ch === 91 && this.depth === 2 && this.lastKey === 'vulnerabilities') {
            this.inArray = true;
            this.skeleton += s.slice(segStart, i + 1);
            segStart = -1;
          } else if (this.inArray && this.depth === 3 && elementStart < 0) elementStart = i;
          break;
        case 125: // }
        case 93: // ]
          if (this.inArray && this.depth === 3 && elementStart >= 0) {
            out.push(JSON.parse(s.slice(elementStart, i + 1)));
            elementStart = -1;
          } else if (this.inArray && this.depth === 2) {
            this.inArray = false;
            segStart = i;
          }
          this.depth--;
          break;
        default:
          break;
      }
    }
    if (segStart >= 0) this.skeleton += s.slice(segStart);
    this.carry = elementStart >= 0 ? s.slice(elementStart) : '';
    return out;
  }

  envelope(): NvdEnvelope {
    try {
      return JSON.parse(this.skeleton) as NvdEnvelope;
    } catch {
      return {};
    }
  }
}

async function* textChunks(stream: Readable): AsyncGenerator<string> {
  stream.setEncoding('utf8');
  for await (const chunk of stream) yield chunk as string;
}

/** Yields the CVE records of one NVD page (plain or gzip) from a readable byte stream. */
export async function* readNvdPageStream(
  stream: Readable,
  envelope?: (e: NvdEnvelope) => void,
): AsyncGenerator<NvdCve> {
  const scanner = new NvdPageScanner();
  for await (const text of textChunks(stream)) {
    for (const el of scanner.push(text)) {
      const cve = (el as { cve?: unknown }).cve;
      if (cve) yield parseNvdCve(cve);
    }
  }
  envelope?.(scanner.envelope());
}

export async function* readNvdPageFile(
  path: string,
  envelope?: (e: NvdEnvelope) => void,
  gzip = path.endsWith('.gz'),
): AsyncGenerator<NvdCve> {
  const raw = createReadStream(path);
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  yield* readNvdPageStream(stream, envelope);
}
