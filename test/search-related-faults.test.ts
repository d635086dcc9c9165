// Self-test: the faults of issue 13 each flip exactly their own capabilities. One run of the real CLI (two types) carries
// all eight: include-ignored, chain-ignored, missing-inverted, has-ignored, platform-expressions, shaping-ignored,
// modifiers-ignored and in-ignored act on disjoint kinds of search, so every failing check is attributed to the fault of its kind — at the level of the single check, so the
// combined run proves as much as one run per fault would. Expected sets come from the run's own search-coverage.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readCoverage } from '../lib/search/coverage.ts';
import type { CheckRecord } from '../lib/vitest/checks-reporter.ts';
import { idsWith, runCli } from './support/run-cli.ts';

const FAULTS = ['include-ignored', 'chain-ignored', 'missing-inverted', 'has-ignored', 'platform-expressions', 'shaping-ignored', 'modifiers-ignored', 'in-ignored'];
const SHAPING = ['search:sort', 'search:sort:string', 'search:sort:multiple-keys', 'search:summary-count', 'search:count-zero', 'search:summary-true', 'search:elements'];
const EXPRESSION_FINDINGS = [
  'Claim:group', 'Claim:patient', 'Claim:subject', 'ClaimResponse:group', 'ClaimResponse:patient', 'ClaimResponse:subject', 'HealthcareService:program',
].map((p) => `matrix:expression-valid:${p}`);

test('include-ignored, chain-ignored, missing-inverted, has-ignored, platform-expressions, shaping-ignored, modifiers-ignored and in-ignored each fail exactly their own capabilities', async () => {
  const r = await runCli(['run', '--profile', 'conformant', '--suite', 'search', ...FAULTS.flatMap((f) => ['--fault', f])], { DHP_SEARCH_TYPES: 'Condition,Encounter' });
  expect(r.results, r.stderr.slice(-2000)).toBeDefined();
  const cov = readCoverage(r.outDir)!;
  const tested = (kind: string) => cov.related.capabilities.filter((c) => c.kind === kind && c.status === 'tested').map((c) => c.capability);
  const expected: Record<string, string[]> = {
    'include-ignored': [...tested('include'), ...tested('revinclude')],
    'chain-ignored': tested('chain'),
    'missing-inverted': tested('missing'),
    // The pairs and the _has param of each type itself (planted with a source of its own).
    'has-ignored': [...tested('_has'), ...cov.params.filter((p) => p.name === '_has' && p.status === 'tested').map((p) => p.capability)],
    'platform-expressions': EXPRESSION_FINDINGS,
    'shaping-ignored': SHAPING,
    // The params checked with :text, :identifier or :of-type (sub-checks of the param's own capability).
    'in-ignored': tested('terminology'),
    'modifiers-ignored': cov.params.filter((p) => p.status === 'tested' && p.checks.some((c) => /^:(text|identifier|of-type)$/.test(c))).map((p) => p.capability),
  };
  for (const [fault, ids] of Object.entries(expected)) expect(ids.length, fault).toBeGreaterThan(fault === 'has-ignored' ? 2 : 5);
  expect(idsWith(r.results, 'fail', 'error', 'blocked')).toEqual(Object.values(expected).flat().sort());
  // Each failing check fails the way its fault says.
  const checks = JSON.parse(readFileSync(join(r.outDir, 'checks.json'), 'utf8')) as CheckRecord[];
  const reasonOf: [string[], RegExp][] = [
    [expected['include-ignored']!, /were not included|came back without search\.mode=include/],
    [expected['chain-ignored']!, /unfiltered/],
    [expected['missing-inverted']!, /missing=(true|false)/],
    [expected['has-ignored']!, /unfiltered.*_has/],
    [EXPRESSION_FINDINGS, /R5 has no such element/],
    [SHAPING, /^_(sort|summary|count|elements)/],
    [expected['modifiers-ignored']!, /unfiltered/],
    [expected['in-ignored']!, /unfiltered/],
  ];
  for (const c of checks.filter((x) => x.verdict === 'fail')) {
    const [, re] = reasonOf.find(([ids]) => ids.includes(c.capability!))!;
    expect(c.reason, c.capability).toMatch(re);
    if (expected['modifiers-ignored']!.includes(c.capability!)) expect(c.title).toMatch(/:(text|identifier|of-type)=/);
  }
}, 600_000);
