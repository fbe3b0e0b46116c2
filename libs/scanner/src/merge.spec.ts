import { describe, expect, it } from '@jest/globals';
import { analyzeEntries, type TestEntry } from './__tests__/layers.js';
import { mapHistory, mergeLayers, type MergeLayerInput } from './merge.js';

const status = (pkgs: [string, string][]) =>
  pkgs
    .map(([n, v]) => `Package: ${n}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${v}\n`)
    .join('\n');

async function merge(layers: TestEntry[][], createdBy?: string[]) {
  const inputs: MergeLayerInput[] = [];
  for (const [i, entries] of layers.entries()) {
    const analysis = await analyzeEntries(entries);
    inputs.push({
      index: i,
      digest: `sha256:${String(i).repeat(64)}`,
      diffId: analysis.diffId,
      createdBy: createdBy?.[i] ?? `step ${i}`,
      analysis,
    });
  }
  return mergeLayers(inputs);
}

const npmPkg = (dir: string, name: string, version: string): TestEntry => ({
  name: `${dir}/node_modules/${name}/package.json`,
  content: JSON.stringify({ name, version, license: 'MIT' }),
});

describe('mapHistory', () => {
  it('maps non-empty history entries to layers in order', () => {
    const r = mapHistory(
      [
        { created_by: 'ADD rootfs' },
        { created_by: 'CMD ["bash"]', empty_layer: true },
        { created_by: 'RUN apt-get install' },
        { created_by: 'ENV A=1', empty_layer: true },
        { created_by: 'COPY app /app' },
      ],
      3,
    );
    expect(r.layers).toEqual([
      { historyIndex: 0, createdBy: 'ADD rootfs' },
      { historyIndex: 2, createdBy: 'RUN apt-get install' },
      { historyIndex: 4, createdBy: 'COPY app /app' },
    ]);
    expect(r.history.map((h) => h.layerIndex)).toEqual([0, null, 1, null, 2]);
  });

  it('tolerates missing history', () => {
    expect(mapHistory(undefined, 2).layers).toEqual([
      { historyIndex: null, createdBy: null },
      { historyIndex: null, createdBy: null },
    ]);
  });
});

describe('mergeLayers', () => {
  it('attributes a deb to the first layer of its uninterrupted presence, even when the status file is rewritten', async () => {
    const r = await merge([
      [
        {
          name: 'var/lib/dpkg/status',
          content: status([
            ['base', '1'],
            ['libc6', '2.36'],
          ]),
        },
      ],
      [
        {
          name: 'var/lib/dpkg/status',
          content: status([
            ['base', '1'],
            ['libc6', '2.37'],
            ['curl', '7.88'],
          ]),
        },
      ],
    ]);
    const byName = new Map(
      r.components.filter((c) => c.removedInLayer === undefined).map((c) => [c.name, c]),
    );
    expect(byName.get('base')).toMatchObject({ layerIndex: 0, createdBy: 'step 0', version: '1' });
    expect(byName.get('libc6')).toMatchObject({ layerIndex: 1, version: '2.37' });
    expect(byName.get('curl')).toMatchObject({ layerIndex: 1 });
    const removed = r.components.filter((c) => c.removedInLayer !== undefined);
    expect(removed.map((c) => `${c.name}@${c.version}`)).toEqual(['libc6@2.36']);
  });

  it('reports components deleted by a whiteout as removed in that layer', async () => {
    const r = await merge([
      [npmPkg('app', 'minimist', '1.2.0'), npmPkg('app', 'ms', '2.1.3')],
      [{ name: 'app/node_modules/.wh.minimist', content: '' }],
    ]);
    const minimist = r.components.find((c) => c.name === 'minimist')!;
    expect(minimist).toMatchObject({ layerIndex: 0, removedInLayer: 1, removedBy: 'step 1' });
    expect(r.components.find((c) => c.name === 'ms')?.removedInLayer).toBeUndefined();
    expect(r.files.has('app/node_modules/minimist/package.json')).toBe(false);
  });

  it('applies an opaque whiteout before the same layer’s own entries', async () => {
    const r = await merge([
      [npmPkg('srv', 'a', '1.0.0'), npmPkg('srv', 'b', '1.0.0')],
      [{ name: 'srv/node_modules/.wh..wh..opq', content: '' }, npmPkg('srv', 'b', '2.0.0')],
    ]);
    const present = r.components
      .filter((c) => c.removedInLayer === undefined)
      .map((c) => `${c.name}@${c.version}:${c.layerIndex}`);
    expect(present).toEqual(['b@2.0.0:1']);
    const removed = r.components
      .filter((c) => c.removedInLayer !== undefined)
      .map((c) => `${c.name}@${c.version}`);
    expect(removed.sort()).toEqual(['a@1.0.0', 'b@1.0.0']);
  });

  it('a file whiteout hides only that path; a directory whiteout hides the subtree', async () => {
    const r = await merge([
      [
        { name: 'usr/bin/a', content: 'a' },
        { name: 'usr/bin/ab', content: 'ab' },
        { name: 'opt/x/y/z', content: 'z' },
      ],
      [
        { name: 'usr/bin/.wh.a', content: '' },
        { name: 'opt/.wh.x', content: '' },
      ],
    ]);
    expect([...r.files.keys()].sort()).toEqual(['usr/bin/ab']);
  });

  it('re-creating a deleted file in a later layer makes it present again from that layer', async () => {
    const r = await merge([
      [npmPkg('app', 'x', '1.0.0')],
      [{ name: 'app/node_modules/.wh.x', content: '' }],
      [npmPkg('app', 'x', '1.0.0')],
    ]);
    const x = r.components.filter((c) => c.name === 'x');
    expect(x.map((c) => [c.layerIndex, c.removedInLayer])).toEqual([[2, undefined]]);
  });

  it('flags lockfile-only npm packages and direct dependencies', async () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'app' },
        'node_modules/ms': { version: '2.1.3' },
        'node_modules/gone': { version: '1.0.0' },
      },
    };
    const r = await merge([
      [
        {
          name: 'app/package.json',
          content: JSON.stringify({ name: 'app', dependencies: { ms: '^2', gone: '1' } }),
        },
        { name: 'app/package-lock.json', content: JSON.stringify(lock) },
        npmPkg('app', 'ms', '2.1.3'),
        {
          name: 'app/node_modules/ms/node_modules/deep/package.json',
          content: JSON.stringify({ name: 'deep', version: '0.1.0' }),
        },
      ],
    ]);
    const gone = r.components.find((c) => c.name === 'gone')!;
    expect(gone).toMatchObject({
      lockfileOnly: true,
      path: '/app/package-lock.json',
      declaredAt: '/app/node_modules/gone',
      layerIndex: 0,
    });
    expect(r.components.find((c) => c.name === 'ms')).toMatchObject({
      direct: true,
      path: '/app/node_modules/ms/package.json',
    });
    expect(r.components.find((c) => c.name === 'deep')?.direct).toBe(false);
    expect(r.components.filter((c) => c.lockfileOnly)).toHaveLength(1);
  });

  it('does not report a package-owned ELF binary again, also across merged /usr, and lists missing package files', async () => {
    const elf = Buffer.concat([
      Buffer.from('\x7fELF\x02\x01\x01', 'latin1'),
      Buffer.alloc(100),
      Buffer.from('BusyBox v1.35.0 (Debian)\0'),
    ]);
    const r = await merge([
      [
        { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
        { name: 'usr/bin/busybox', content: elf },
        { name: 'usr/local/bin/bb', content: elf },
        { name: 'var/lib/dpkg/status', content: status([['busybox-static', '1:1.35.0-4']]) },
        { name: 'var/lib/dpkg/info/busybox-static.list', content: '/.\n/bin\n/bin/busybox\n' },
      ],
      [{ name: 'usr/bin/.wh.busybox', content: '' }],
    ]);
    const binaries = r.components.filter((c) => c.type === 'binary');
    expect(binaries.map((c) => [c.path, c.version, c.removedInLayer])).toEqual([
      ['/usr/local/bin/bb', '1.35.0', undefined],
    ]);
    expect(r.components.find((c) => c.name === 'busybox-static')?.missingFiles).toEqual(['/bin/busybox']);
    expect(r.unownedElfFiles).toEqual([]);
  });

  it('skips layers that were not scanned (foreign) and reads os-release through the symlink path', async () => {
    const analysis = await analyzeEntries([
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { name: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\nNAME="Debian GNU/Linux"\n' },
    ]);
    const r = mergeLayers([
      { index: 0, digest: 'sha256:f', diffId: 'sha256:f', createdBy: 'foreign', analysis: null },
      { index: 1, digest: 'sha256:a', diffId: analysis.diffId, createdBy: 'ADD', analysis },
    ]);
    expect(r.os).toEqual({
      id: 'debian',
      versionId: '12',
      name: 'Debian GNU/Linux',
      path: '/etc/os-release',
    });
  });
});
