import { describe, expect, it } from '@jest/globals';
import { buildTar } from '../__tests__/layers.js';
import { TarFormatError, TarParser, type TarEntryHeader } from './tar.js';

function rawHeader(fields: {
  name: string;
  size?: number;
  typeflag?: string;
  magic?: 'ustar' | 'gnu' | 'v7';
  linkname?: string;
}): Buffer {
  const h = Buffer.alloc(512);
  h.write(fields.name, 0, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write((fields.size ?? 0).toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write(fields.typeflag ?? '0', 156, 'latin1');
  if (fields.linkname) h.write(fields.linkname, 157, 'utf8');
  if (fields.magic === 'ustar') h.write('ustar\x0000', 257, 'latin1');
  if (fields.magic === 'gnu') h.write('ustar  \0', 257, 'latin1');
  return h;
}

function seal(h: Buffer): Buffer {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

function parseAll(buf: Buffer, chunk = 100): { headers: TarEntryHeader[]; data: Map<string, string> } {
  const headers: TarEntryHeader[] = [];
  const data = new Map<string, string>();
  const p = new TarParser((h) => {
    headers.push(h);
    let s = '';
    return { data: (c) => (s += c.toString('latin1')), end: () => void data.set(h.name, s) };
  });
  for (let i = 0; i < buf.length; i += chunk) void p.write(buf.subarray(i, i + chunk));
  p.end();
  return { headers, data };
}

describe('TarParser', () => {
  it('reads what tar-stream writes, including pax long names, at any chunking', async () => {
    const long = 'dir/' + 'x'.repeat(150) + '/file.txt';
    const tar = await buildTar([
      { name: 'a.txt', content: 'hello' },
      { name: long, content: 'long' },
      { name: 'd/', type: 'directory' },
      { name: 'l', type: 'symlink', linkname: 'a.txt' },
      { name: 'e', content: '' },
    ]);
    for (const chunk of [1, 7, 512, 100_000]) {
      const { headers, data } = parseAll(tar, chunk);
      expect(headers.map((h) => [h.name, h.typeflag])).toEqual([
        ['a.txt', '0'],
        [long, '0'],
        ['d/', '5'],
        ['l', '2'],
        ['e', '0'],
      ]);
      expect(data.get('a.txt')).toBe('hello');
      expect(data.get(long)).toBe('long');
      expect(headers[3]?.linkname).toBe('a.txt');
    }
  });

  it('GNU long names (L/K), v7 headers, GNU sparse real size, base-256 sizes and trailing bytes after the end', () => {
    const longName = 'g/' + 'n'.repeat(200);
    const ln = Buffer.from(longName + '\0');
    const blocks = [
      seal(rawHeader({ name: '././@LongLink', size: ln.length, typeflag: 'L', magic: 'gnu' })),
      Buffer.concat([ln, Buffer.alloc(512 - ln.length)]),
      seal(rawHeader({ name: 'short', size: 3, magic: 'gnu' })),
      Buffer.concat([Buffer.from('abc'), Buffer.alloc(509)]),
      seal(rawHeader({ name: 'v7file', size: 0, magic: 'v7' })),
    ];
    const sparse = rawHeader({ name: 'sparse', size: 0, typeflag: 'S', magic: 'gnu' });
    sparse.write('40000000000\0', 483, 'latin1');
    blocks.push(seal(sparse));
    const big = rawHeader({ name: 'big', size: 0, magic: 'gnu' });
    big[124] = 0x80; // base-256: 0x80 00 .. 00 05 = 5
    big.fill(0, 125, 136);
    big[135] = 5;
    blocks.push(seal(big), Buffer.concat([Buffer.from('12345'), Buffer.alloc(507)]));
    blocks.push(Buffer.alloc(1024), Buffer.from('garbage after the end-of-archive blocks'));
    const { headers, data } = parseAll(Buffer.concat(blocks), 33);
    expect(headers.map((h) => h.name)).toEqual([longName, 'v7file', 'sparse', 'big']);
    expect(data.get(longName)).toBe('abc');
    expect(headers[2]?.sparseRealSize).toBe(4 * 1024 ** 3);
    expect(data.get('big')).toBe('12345');
  });

  it('reports a bad first header as "before the first entry", a cut archive as truncated', async () => {
    const p = new TarParser(() => null);
    expect(() => p.write(Buffer.alloc(512, 0x41))).toThrow(TarFormatError);
    const tar = await buildTar([{ name: 'a', content: 'x'.repeat(2000) }]);
    const q = new TarParser(() => null);
    void q.write(tar.subarray(0, 1000));
    try {
      q.end();
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(TarFormatError);
      expect((err as TarFormatError).beforeFirstEntry).toBe(false);
    }
  });

  it('waits for an asynchronous consumer before reading on', async () => {
    const tar = await buildTar([
      { name: 'a', content: 'aa' },
      { name: 'b', content: '' },
      { name: 'c', content: 'cc' },
    ]);
    const order: string[] = [];
    const p = new TarParser((h) => ({
      data: () => undefined,
      end: () => new Promise<void>((r) => setTimeout(() => (order.push(h.name), r()), 5)),
    }));
    const w = p.write(tar);
    if (w) await w;
    p.end();
    expect(order).toEqual(['a', 'b', 'c']);
  });
});
