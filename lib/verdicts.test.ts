import { describe, expect, test } from 'vitest';
import { garbageInReason, HarnessError, harnessReason, worst } from './verdicts.ts';

describe('verdicts', () => {
  test('the worst verdict decides; blocked is worse than a gap, better than a failure', () => {
    expect(worst(['pass', 'blocked', 'expected-gap'])).toBe('blocked');
    expect(worst(['blocked', 'fail'])).toBe('fail');
    expect(worst(['error', 'fail'])).toBe('error');
  });

  test('a harness error names the harness, the check and the capability', () => {
    const r = harnessReason('PUT twice', 'concurrency:lost-update', new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(r).toMatch(/^harness error \(a bug of dhp-conformance, not the server's failure\) in check "PUT twice" of concurrency:lost-update: TypeError: Cannot read/);
    expect(harnessReason('c', 'x:y', new HarnessError('planter cannot tell its triple apart'))).toContain(': planter cannot tell its triple apart');
  });

  test.for([
    ['expected version NaN, read version 3', [], 'NaN'],
    ['meta.versionId should be undefined + 2', [], 'undefined'],
    ['expected version "4", read "a1b2"', [], undefined],
    // The server's own words are quoted, not the harness's:
    ['PUT … → 500 {"diagnostics":"x is undefined here"}', ['{"diagnostics":"x is undefined here"}'], undefined],
    ['value undefined; PUT → 500 {"diagnostics":"x is undefined here"}', ['{"diagnostics":"x is undefined here"}'], 'undefined'],
    ['the undefinedness of Nancy', [], undefined],
  ] as const)('garbageInReason(%j)', ([reason, server, word]) => {
    expect(garbageInReason(reason, server)).toBe(word);
  });
});
