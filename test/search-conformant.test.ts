// Self-test: against the conformant reference server the search suite finds nothing wrong and judges ≥ 90 % of the
// matrix's search parameters (the rest are listed with reasons in search-coverage.json).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readCoverage } from '../lib/search/coverage.ts';
import { idsWith, runCli } from './support/run-cli.ts';

test('conformant profile: zero fail/error in the search suite, coverage ≥ 90 %', async () => {
  const run = await runCli(['run', '--profile', 'conformant', '--suite', 'search']);
  expect(run.results, run.stderr.slice(-2000)).toBeDefined();
  const bad = run.results!.capabilities.filter((c) => c.id.startsWith('search:') && (c.verdict === 'fail' || c.verdict === 'error'));
  expect(bad.map((c) => `${c.id}: ${c.reason?.slice(0, 300)}`)).toEqual([]);
  expect(idsWith(run.results, 'expected-gap', 'gap-closed')).toEqual([]);
  const coverage = readCoverage(run.outDir);
  expect(coverage).toBeDefined();
  expect(coverage!.total.params).toBe(run.results!.capabilities.filter((c) => /^search:[A-Z]/.test(c.id)).length);
  expect(coverage!.total.percent).toBeGreaterThanOrEqual(90);
  // Every param not judged says why.
  expect(coverage!.notRun.filter((n) => !n.reason)).toEqual([]);
  // The searchset shape checks all pass too.
  for (const id of ['search:searchset-bundle', 'search:paging', 'search:count', 'search:post-search', 'search:unknown-param-strict', 'search:unknown-param-lenient', 'search:sort', 'search:total']) {
    expect(run.results!.capabilities.find((c) => c.id === id)?.verdict, id).toBe('pass');
  }
  expect(existsSync(join(run.outDir, 'search-coverage.json'))).toBe(true);
}, 600_000);
