import { describe, expect, test } from 'vitest';
import { compareRuns, formatComparison } from './seed-flips.ts';

const run = (runId: string, seed: number, verdicts: Record<string, string>, o: { faults?: string[] } = {}) => ({
  runId, seed,
  harness: { name: 'dhp-conformance', version: '0.1.0', commit: 'abc' },
  matrix: { version: 'm', sha256: 's' },
  target: { name: 'local', baseUrl: 'http://127.0.0.1:1/fhir', profile: 'playground', readOnly: false, embedded: true, faults: o.faults },
  options: { suites: ['search'], strictGaps: false },
  capabilities: Object.entries(verdicts).map(([id, verdict]) => ({ id, suite: 'search', verdict, reason: `${verdict} reason`, tier: 'SHALL', title: id, evidence: [], flaky: false, checks: [] })),
}) as any;

describe('verdict flips between seeds', () => {
  test('a capability whose verdict differs is reported with both seeds and both reasons', () => {
    const c = compareRuns(run('r1', 1, { 'search:A:x': 'pass', 'search:A:y': 'pass' }), run('r2', 2, { 'search:A:x': 'fail', 'search:A:y': 'pass' }));
    expect(c.otherDifferences).toEqual([]);
    expect(c.flips).toEqual([{ id: 'search:A:x', suite: 'search', a: { runId: 'r1', seed: 1, verdict: 'pass', reason: 'pass reason' }, b: { runId: 'r2', seed: 2, verdict: 'fail', reason: 'fail reason' } }]);
    const text = formatComparison(c).join('\n');
    expect(text).toContain('1 verdict flip between seed 1 and seed 2');
    expect(text).toContain('search:A:x: pass with seed 1 (--seed 1), fail with seed 2 (--seed 2)');
  });

  test('no flips; and what else differs is named, so a flip is not blamed on the seed alone', () => {
    expect(formatComparison(compareRuns(run('r1', 1, { 'search:A:x': 'pass' }), run('r2', 2, { 'search:A:x': 'pass' })))).toEqual(['no verdict flips between seed 1 and seed 2']);
    const c = compareRuns(run('r1', 1, { 'search:A:x': 'pass' }), run('r2', 2, { 'search:A:x': 'fail' }, { faults: ['date-boundary'] }));
    expect(c.otherDifferences).toEqual(['faults: [] vs ["date-boundary"]']);
  });

  test('the same seed twice: a flip is non-determinism', () => {
    expect(formatComparison(compareRuns(run('r1', 5, { 'search:A:x': 'pass' }), run('r2', 5, { 'search:A:x': 'error' })))[0]).toMatch(/the same seed: the harness or the server is not deterministic/);
  });
});
