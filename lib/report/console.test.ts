import { describe, expect, test } from 'vitest';
import type { Verdict } from '../verdicts.ts';
import { causeOf, failuresMarkdown, formatSummary, MAX_CONSOLE_ITEMS, progressLine, rootCauses, stepSummaryMarkdown } from './console.ts';
import type { CapabilityResult, Results } from './results.ts';

const cap = (id: string, verdict: Verdict, reason?: string, checks: CapabilityResult['checks'] = []): CapabilityResult =>
  ({ id, tier: 'SHALL', suite: id.startsWith('search') ? 'search' : 'concurrency', title: id, verdict, reason, evidence: verdict === 'pass' ? [] : [`evidence/${id.replace(/:/g, '_')}.json`], flaky: false, checks });

const blocked = (id: string, by: string, reason: string): CapabilityResult => ({ ...cap(id, 'blocked', `blocked by ${by}: ${reason}`), blockedBy: by });

function results(capabilities: CapabilityResult[]): Results {
  const summary = Object.fromEntries(['pass', 'fail', 'error', 'blocked', 'expected-gap', 'gap-closed', 'not-run'].map((v) => [v, capabilities.filter((c) => c.verdict === v).length])) as Results['summary'];
  return {
    schemaVersion: 1, runId: 'r1', seed: 7, harness: { name: 'dhp-conformance', version: '0.1.0', commit: 'abc' }, matrix: { version: 'm', sha256: 's' },
    target: { name: 'vendor', baseUrl: 'https://fhir.example/fhir', readOnly: false, embedded: false }, options: { suites: ['search'], strictGaps: false },
    startedAt: '2026-06-03T00:00:00Z', finishedAt: '2026-06-03T00:01:00Z', exitCode: 1, outcome: 'failures', summary, bySuite: { search: summary }, capabilities, unmapped: [],
  };
}

const searchFail = (type: string, param: string, label: string) => cap(`search:${type}:${param}`, 'fail', `wrong: the search filtered, incorrectly — ${type}?${param}=${label}x returned 2 resources`, [
  { title: `${type}?${param}=… (eq) returns exactly the planted resources that match`, verdict: 'pass', durationMs: 1 },
  { title: `${type}?${param}=… (${label}) returns exactly the planted resources that match`, verdict: 'fail', durationMs: 1 },
]);

describe('the console of a run', () => {
  test('a progress line per suite says done/total and the failures so far', () => {
    expect(progressLine({ suite: 'search', done: 812, total: 4000, failing: 12, finished: false }, 35_400)).toMatch(/search +812\/4000 checks +12 failing so far +running 35 s/);
    expect(progressLine({ suite: 'auth', done: 15, total: 15, failing: 0, finished: true }, 2_000)).toMatch(/auth +15\/15 checks +0 failing +done 2 s/);
  });

  test('what is blocked goes under its prerequisite, which heads the group', () => {
    const r = results([
      cap('concurrency:weak-etag', 'fail', 'ETag "3" is strong'),
      blocked('concurrency:stale-if-match-412', 'concurrency:weak-etag', 'needs a weak ETag to send a stale one'),
      blocked('concurrency:lost-update', 'concurrency:weak-etag', 'needs a weak ETag'),
      cap('concurrency:if-match-required', 'pass'),
    ]);
    const [g, ...rest] = rootCauses(r);
    expect(rest).toEqual([]);
    expect(g!.root?.id).toBe('concurrency:weak-etag');
    expect(g!.items.map((c) => c.id)).toEqual(['concurrency:stale-if-match-412', 'concurrency:lost-update']);
  });

  test('what an expected gap blocks is said apart, in one line, and not counted as failing', () => {
    const r = results([
      cap('search:Observation:date', 'expected-gap', 'unfiltered as expected (AV3): Observation?date=… returned every planted Observation'),
      blocked('search:Observation:date:missing', 'search:Observation:date', 'Observation?date=… itself does not return exactly the planted matches'),
      cap('concurrency:weak-etag', 'fail', 'ETag "3" is strong'),
    ]);
    const lines = formatSummary(r, '/tmp/run');
    expect(lines).toContain('  1 capabilities failing, 1 root cause:');
    expect(lines.filter((l) => l.includes('search:Observation:date:missing'))).toEqual([]);
    expect(lines).toContain('  1 capability is blocked by 1 expected gap (search:Observation:date): not failures; listed in /tmp/run/failures.md');
  });

  test('failures that share a description and a deciding sub-check share a root cause', () => {
    const r = results([searchFail('Patient', 'birthdate', 'gt'), searchFail('Condition', 'onset-date', 'gt'), searchFail('Patient', 'identifier', 'system|code')]);
    expect(causeOf(r.capabilities[0]!)).toBe('fail: wrong: the search filtered, incorrectly [gt]');
    expect(rootCauses(r).map((g) => [g.cause, g.items.length])).toEqual([
      ['fail: wrong: the search filtered, incorrectly [gt]', 2],
      ['fail: wrong: the search filtered, incorrectly [system|code]', 1],
    ]);
  });

  test('a thousand failures print a bounded summary that points at failures.md; the file lists all of them', () => {
    const many = Array.from({ length: 1200 }, (_, i) => searchFail(`Type${i % 60}`, `p${i}`, ['gt', 'lt', 'sa', 'eb', 'system|code'][i % 5]!))
      .concat(Array.from({ length: 300 }, (_, i) => cap(`concurrency:c${i}`, 'fail', `distinct cause number ${i}`)));
    const lines = formatSummary(results(many), '/tmp/run');
    expect(lines.length).toBeLessThan(MAX_CONSOLE_ITEMS + 100);
    expect(lines.filter((l) => l.includes('✗')).length).toBeLessThanOrEqual(MAX_CONSOLE_ITEMS);
    expect(lines.join('\n')).toContain('1500 capabilities failing, 305 root causes');
    expect(lines.join('\n')).toContain('/tmp/run/failures.md');
    expect(lines.join('\n')).toMatch(/… \d+ more root causes/);
    expect(lines.every((l) => l.length < 400)).toBe(true);
    const md = failuresMarkdown(results(many));
    for (const c of many) expect(md).toContain(`\`${c.id}\``);
  });

  test('the step summary is Markdown with counts per suite and the root causes', () => {
    const md = stepSummaryMarkdown(results([searchFail('Patient', 'birthdate', 'gt'), cap('search:Patient:name', 'pass')]));
    expect(md).toContain('## dhp-conformance: failures — vendor');
    expect(md).toMatch(/\| search \| 1 \| 1 \|/);
    expect(md).toContain('| fail: wrong: the search filtered, incorrectly [gt] | 1 | `search:Patient:birthdate` |');
  });
});
