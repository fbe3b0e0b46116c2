import { describe, it, expect } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { compareDpkg } from './dpkg.js';

const hasDpkg = spawnSync('dpkg', ['--version'], { stdio: 'ignore' }).status === 0;

// A small alphabet makes near-collisions (tilde vs end, leading zeros, letters vs symbols) frequent.
const chars = fc.constantFrom('0', '1', '2', '9', '0', '1', 'a', 'b', 'z', 'A', '.', '+', '~');
const upstream = fc
  .tuple(fc.constantFrom('0', '1', '2', '10', '9'), fc.array(chars, { maxLength: 6 }))
  .map(([d, rest]) => d + rest.join(''));
const revision = fc.array(chars, { minLength: 1, maxLength: 5 }).map((r) => r.join(''));
const version = fc
  .record({
    epoch: fc.option(fc.constantFrom('0', '1', '2', '10'), { nil: undefined }),
    upstream,
    upstreamHyphen: fc.option(upstream, { nil: undefined }),
    revision: fc.option(revision, { nil: undefined }),
  })
  .map(({ epoch, upstream: u, upstreamHyphen, revision: r }) => {
    // dpkg only allows a hyphen in the upstream part when a revision follows (deb-version(7)).
    const up = r !== undefined && upstreamHyphen !== undefined ? `${u}-${upstreamHyphen}` : u;
    return `${epoch === undefined ? '' : `${epoch}:`}${up}${r === undefined ? '' : `-${r}`}`;
  });

const RELATION = { '-1': 'lt', '0': 'eq', '1': 'gt' } as const;

/** Runs `dpkg --compare-versions a <rel> b` for every pair in one shell; returns the exit codes. */
function askDpkg(pairs: [string, string, string][]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const sh = spawn('sh', ['-s'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    sh.stdout.setEncoding('utf8');
    sh.stdout.on('data', (d: string) => (out += d));
    sh.on('error', reject);
    sh.on('close', () => resolve(out.trim().split('\n').map(Number)));
    for (const [a, rel, b] of pairs)
      sh.stdin.write(`dpkg --compare-versions '${a}' ${rel} '${b}'; echo $?\n`);
    sh.stdin.end();
  });
}

describe('dpkg comparison agrees with dpkg --compare-versions', () => {
  it('on 10,000 generated pairs (when dpkg is installed)', async () => {
    if (!hasDpkg) return;
    const pairs = fc.sample(fc.tuple(version, version), { numRuns: 10_000, seed: 42 });
    // Ask dpkg to confirm the relation we computed: one process per pair, two shells in parallel.
    const asked = pairs.map(([a, b]): [string, string, string] => [
      a,
      RELATION[String(compareDpkg(a, b)) as '-1'],
      b,
    ]);
    const half = Math.ceil(asked.length / 2);
    const results = (await Promise.all([askDpkg(asked.slice(0, half)), askDpkg(asked.slice(half))])).flat();
    expect(results).toHaveLength(asked.length);
    const disagreements = asked.filter((_, i) => results[i] !== 0).slice(0, 10);
    expect(disagreements).toEqual([]);
  }, 60_000);
});
