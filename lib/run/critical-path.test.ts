import { describe, expect, test } from 'vitest';
import type { RequestRecord, ScopeRecord } from '../client/request-log.ts';
import { criticalPath } from './critical-path.ts';

const req = (s: string, i: number, e: number): RequestRecord => ({ s, m: 'GET', p: '/', st: 200, i, g: i, e, a: 1 });
const scopes = (...list: ScopeRecord[]) => new Map(list.map((x) => [x.scope, x]));
const FILE = 'f';

describe('critical path from the request log', () => {
  test('a check\'s sequential requests chain; its concurrent ones do not', () => {
    const s = scopes({ scope: 't1', kind: 'test', suites: [FILE], name: 'one' });
    expect(criticalPath([req('t1', 0, 10), req('t1', 10, 20), req('t1', 20, 30)], s).length).toBe(3);
    expect(criticalPath([req('t1', 0, 10), req('t1', 1, 11), req('t1', 2, 12)], s).length).toBe(1);
  });

  test('waiting for a permit is no dependency: issued before the other was answered', () => {
    const s = scopes({ scope: 't1', kind: 'test', suites: [FILE], name: 'one' });
    // Issued together at 0; the second was granted only at 10, when the first was answered.
    expect(criticalPath([req('t1', 0, 10), { ...req('t1', 0, 20), g: 10 }], s).length).toBe(1);
  });

  test('checks of a suite are not ordered after one another, but after the suite\'s beforeAll; afterAll comes after all', () => {
    const s = scopes(
      { scope: 'beforeAll:S', kind: 'beforeAll', suites: [FILE, 'S'], name: 'plant' },
      { scope: 't1', kind: 'test', suites: [FILE, 'S'], name: 'one' },
      { scope: 't2', kind: 'test', suites: [FILE, 'S'], name: 'two' },
      { scope: 'afterAll:S', kind: 'afterAll', suites: [FILE, 'S'], name: 'teardown' },
      { scope: 'other', kind: 'test', suites: [FILE, 'T'], name: 'elsewhere' },
    );
    const log = [
      req('beforeAll:S', 0, 10), req('beforeAll:S', 10, 20),
      req('t1', 20, 30), req('t1', 30, 40), req('t1', 40, 50),
      req('t2', 50, 60), // ran after t1 but does not depend on it
      req('other', 25, 35), // another suite's check: not ordered after S's beforeAll
      req('afterAll:S', 60, 70),
    ];
    const cp = criticalPath(log, s);
    expect(cp.length).toBe(6);
    expect(cp.steps).toEqual([
      { scope: 'beforeAll:S', name: 'plant', roundTrips: 2 },
      { scope: 't1', name: 'one', roundTrips: 3 },
      { scope: 'afterAll:S', name: 'teardown', roundTrips: 1 },
    ]);
  });

  test('an empty log has no critical path', () => {
    expect(criticalPath([], new Map())).toEqual({ length: 0, steps: [] });
  });
});
