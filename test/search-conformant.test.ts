// Self-test: against the conformant reference server the search suite finds nothing wrong and judges ≥ 98 % of the
// matrix's search parameters — every one the matrix does not mark notTested (a permanent reason), except the params of
// a type only the platform writes that the records the server holds carry no value for — and every _include,
// _revinclude, chain, _has and :missing capability it can plant (the rest listed with reasons in search-coverage.json).
// Provenance, which no client may write, is judged on what the server holds (the IG's example and its reduced twin).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadMatrix } from '../lib/matrix/load.ts';
import { readCoverage } from '../lib/search/coverage.ts';
import { relatedKindOf } from '../lib/search/related.ts';
import { idsWith, runCli } from './support/run-cli.ts';

test('conformant profile: zero fail/error in the search suite, coverage ≥ 98 %, every search across references judged', async () => {
  const run = await runCli(['run', '--profile', 'conformant', '--suite', 'search']);
  expect(run.results, run.stderr.slice(-2000)).toBeDefined();
  const bad = run.results!.capabilities.filter((c) => c.id.startsWith('search:') && (c.verdict === 'fail' || c.verdict === 'error'));
  expect(bad.map((c) => `${c.id}: ${c.reason?.slice(0, 300)}`)).toEqual([]);
  expect(idsWith(run.results, 'expected-gap', 'gap-closed')).toEqual([]);
  const coverage = readCoverage(run.outDir);
  expect(coverage).toBeDefined();
  expect(coverage!.total.params).toBe(run.results!.capabilities.filter((c) => /^search:[A-Z]/.test(c.id) && !relatedKindOf(c.id)).length);
  expect(coverage!.total.percent).toBeGreaterThanOrEqual(98);
  // Every param not judged says why, and the matrix says it is permanent — or the found data has no value for it.
  expect(coverage!.notRun.filter((n) => !n.reason)).toEqual([]);
  const byId = new Map(run.results!.capabilities.map((c) => [c.id, c]));
  const { matrix } = loadMatrix();
  const notTested = new Set(matrix.capabilities.filter((c) => c.notTested).map((c) => c.id));
  const noFoundValue = /^the target holds no Provenance with a value for \S+ \(found 2 resources\); nothing to search for$/;
  expect(coverage!.notRun.filter((n) => !notTested.has(n.capability) && !noFoundValue.test(n.reason))).toEqual([]);
  // The Provenance params the IG's example carries a value for pass on that found data, and say so.
  const found = coverage!.params.filter((p) => p.type === 'Provenance' && p.status === 'tested');
  expect(found.map((p) => p.name).sort()).toEqual(['_id', '_lastUpdated', '_profile', 'activity', 'agent', 'agent-type', 'patient', 'signature-type', 'target', 'when']);
  for (const p of found) {
    expect(p.where, p.capability).toMatch(/^found data: Provenance\/example-provenance(-required-only)? at /);
    expect(byId.get(p.capability)?.verdict, p.capability).toBe('pass');
  }
  // Every search across references and :missing the matrix does not mark notTested passes.
  expect(coverage!.related.notRun.filter((n) => !notTested.has(n.capability))).toEqual([]);
  expect(coverage!.related.total.tested).toBeGreaterThan(2000);
  for (const c of coverage!.related.capabilities.filter((x) => x.status === 'tested')) expect(byId.get(c.capability)?.verdict, c.capability).toBe('pass');
  // The searchset shape checks all pass too.
  for (const id of ['search:searchset-bundle', 'search:paging', 'search:count', 'search:post-search', 'search:unknown-param-strict', 'search:unknown-param-lenient', 'search:sort', 'search:total',
    'search:sort:string', 'search:sort:multiple-keys', 'search:summary-count', 'search:count-zero', 'search:summary-true', 'search:elements',
    // The findings on platform expressions: the reference server documents R5's expression where R5 has the param.
    ...loadMatrix().matrix.resources.flatMap((r) => r.searchParams.filter((p) => p.platformExpression && p.expression).map((p) => `matrix:expression-valid:${r.type}:${p.name}`))]) {
    expect(run.results!.capabilities.find((c) => c.id === id)?.verdict, id).toBe('pass');
  }
  expect(existsSync(join(run.outDir, 'search-coverage.json'))).toBe(true);
}, 600_000);
