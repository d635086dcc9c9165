import { describe, expect, test } from 'vitest';
import type { Matrix } from '../matrix/types.ts';
import type { CheckRecord } from '../vitest/checks-reporter.ts';
import { buildResults, type BuildInput } from './results.ts';

const matrix = {
  matrixVersion: '2026.11.26',
  capabilities: [
    { id: 'concurrency:weak-etag', tier: 'SHALL', suite: 'concurrency', title: 't', source: 's' },
    { id: 'search:Observation:date', tier: 'SHALL', suite: 'search', title: 't', source: 's' },
    { id: 'terminology:expand:uz-core', tier: 'SHALL', suite: 'terminology', title: 't', source: 's' },
  ],
} as unknown as Matrix;
const check = (capability: string, verdict: CheckRecord['verdict'], extra: Partial<CheckRecord> = {}): CheckRecord =>
  ({ capability, title: `${capability} ${verdict}`, file: 'suites/x.suite.ts', verdict, flaky: false, durationMs: 1, ...extra });
const input = (checks: CheckRecord[], o: Partial<BuildInput> = {}): BuildInput => ({
  runId: 'r', seed: 1, harness: { name: 'dhp-conformance', version: '0', commit: null }, matrix, matrixSha256: 'x',
  target: { name: 'local', baseUrl: 'http://127.0.0.1:1/fhir', readOnly: false, embedded: true },
  gaps: [{ capability: 'search:Observation:date', kind: 'unfiltered', reason: 'unfiltered on the playground', since: '2026-06-03' }],
  suites: ['concurrency', 'search'], strictGaps: false, startedAt: '2026-11-26T00:00:00Z', checks, ...o,
});

describe('results.json: one verdict per capability', () => {
  test('the worst check decides, and its evidence is kept', () => {
    const r = buildResults(input([check('concurrency:weak-etag', 'pass'), check('concurrency:weak-etag', 'fail', { evidence: 'evidence/a.json', reason: 'strong ETag' })]));
    const c = r.capabilities.find((x) => x.id === 'concurrency:weak-etag')!;
    expect([c.verdict, c.reason, c.evidence]).toEqual(['fail', 'strong ETag', ['evidence/a.json']]);
    expect([r.outcome, r.exitCode]).toEqual(['failures', 1]);
  });

  test('expected gaps keep the run conformant; a capability without checks is not-run with the reason', () => {
    const r = buildResults(input([check('concurrency:weak-etag', 'pass'), check('search:Observation:date', 'expected-gap')]));
    expect([r.outcome, r.exitCode]).toEqual(['conformant', 0]);
    expect(r.capabilities.find((x) => x.id === 'search:Observation:date')!.gap?.kind).toBe('unfiltered');
    expect(r.capabilities.find((x) => x.id === 'terminology:expand:uz-core')).toMatchObject({ verdict: 'not-run', reason: 'suite "terminology" not selected in this run' });
  });

  test('a capability the matrix marks notTested is not-run with the matrix\'s reason, even when its suite ran', () => {
    const m = { ...matrix, capabilities: [...matrix.capabilities, { id: 'profile:p:must-support:X.y', tier: 'SHALL', suite: 'profiles', title: 't', source: 's', notTested: 'the harness cannot populate it' }] } as Matrix;
    const r = buildResults(input([check('concurrency:weak-etag', 'pass')], { matrix: m, suites: ['concurrency', 'profiles'] }));
    expect(r.capabilities.find((x) => x.id === 'profile:p:must-support:X.y')).toMatchObject({ verdict: 'not-run', reason: 'not tested: the harness cannot populate it' });
  });

  test.for([
    [false, 'conformant', 0],
    [true, 'gap-closed', 3],
  ] as const)('a closed gap with strictGaps=%s → %s (exit %d)', ([strictGaps, outcome, exit]) => {
    const r = buildResults(input([check('concurrency:weak-etag', 'pass'), check('search:Observation:date', 'gap-closed')], { strictGaps }));
    expect([r.outcome, r.exitCode, r.summary['gap-closed']]).toEqual([outcome, exit, 1]);
  });

  test('errors fail the run; checks naming no known capability are listed, not dropped', () => {
    const r = buildResults(input([check('concurrency:weak-etag', 'pass'), check('search:Nope:x', 'error')]));
    expect(r.unmapped).toHaveLength(1);
    expect(r.exitCode).toBe(1);
  });

  test.for([
    ['no check ran', []],
    ['every check was not-run', [check('concurrency:weak-etag', 'not-run', { reason: 'target "production" is read-only' })]],
  ] as const)('a run in which %s is not conformant', ([, checks]) => {
    expect([buildResults(input([...checks])).outcome, buildResults(input([...checks])).exitCode]).toEqual(['nothing-verified', 1]);
  });
});
