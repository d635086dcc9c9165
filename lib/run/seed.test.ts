import { describe, expect, test } from 'vitest';
import { defaultSeed, draw, parseSeed, seedSource, seededRandom } from './seed.ts';

describe('the run seed', () => {
  test('the same seed and label give the same stream; another label or seed gives another', () => {
    const a = seededRandom(42, 'planter:Observation'), b = seededRandom(42, 'planter:Observation');
    const xs = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(50);
    expect(seededRandom(42, 'planter:Patient')()).not.toBe(xs[0]);
    expect(seededRandom(43, 'planter:Observation')()).not.toBe(xs[0]);
  });

  test('the default seed is a function of the harness version and the matrix sha256', () => {
    expect(defaultSeed('0.1.0', 'abc')).toBe(defaultSeed('0.1.0', 'abc'));
    expect(defaultSeed('0.1.0', 'abc')).not.toBe(defaultSeed('0.1.1', 'abc'));
    expect(defaultSeed('0.1.0', 'abc')).not.toBe(defaultSeed('0.1.0', 'abd'));
  });

  test.for([['0', 0], ['4294967295', 4294967295], [' 17 ', 17]] as const)('parseSeed(%j) = %i', ([raw, n]) => {
    expect(parseSeed(raw)).toBe(n);
  });

  test.for(['-1', '4294967296', '1.5', 'abc', ''])('parseSeed(%j) is refused', (raw) => {
    expect(() => parseSeed(raw)).toThrow(/a seed is an integer/);
  });

  test('draw: ints stay in range, uuids are v4-shaped, all reproducible', () => {
    const d1 = draw(7, 'x'), d2 = draw(7, 'x');
    const ints = Array.from({ length: 200 }, () => d1.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    expect(Array.from({ length: 200 }, () => d2.int(3, 5))).toEqual(ints);
    expect(draw(7, 'u').uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(draw(7, 'u').uuid()).toBe(draw(7, 'u').uuid());
  });
});

describe('seed sources', () => {
  test('draw depends on the seed only; perRun also on the run id', () => {
    const a = seedSource(9, 'run-a'), b = seedSource(9, 'run-b');
    expect(a.draw('planter:salt').hex(4)).toBe(b.draw('planter:salt').hex(4));
    expect(a.perRun('marker').uuid()).not.toBe(b.perRun('marker').uuid());
    expect(a.perRun('marker').uuid()).toBe(seedSource(9, 'run-a').perRun('marker').uuid());
  });
});
