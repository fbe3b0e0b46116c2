import { describe, expect, it } from '@jest/globals';
import { slugProblem } from './slug.js';

describe('slugProblem', () => {
  it('accepts valid slugs', () => {
    for (const s of ['ab', 'acme', 'acme-corp', 'a1', 'x'.repeat(40)]) expect(slugProblem(s)).toBeUndefined();
  });
  it('refuses what the API refuses, with its message', () => {
    expect(slugProblem('a')).toMatch(/2 to 40/);
    expect(slugProblem('x'.repeat(41))).toMatch(/2 to 40/);
    expect(slugProblem('Acme')).toMatch(/lowercase/);
    expect(slugProblem('-acme')).toMatch(/start or end/);
    expect(slugProblem('acme-')).toMatch(/start or end/);
    expect(slugProblem('admin')).toMatch(/reserved/);
  });
});
