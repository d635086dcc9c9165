// Self-test: each search fault of the reference server fails exactly the capabilities it should (runs restricted
// with DHP_SEARCH_TYPES to keep them short). Expected sets for the type-wide faults come from the run's own
// search-coverage.json: which params were judged, of which type, and whether a system|code query tells their decoy.
import { expect, test } from 'vitest';
import { readCoverage } from '../lib/search/coverage.ts';
import { idsWith, runCli } from './support/run-cli.ts';

const run = (fault: string, types: string) => runCli(['run', '--profile', 'conformant', '--suite', 'search', '--fault', fault], { DHP_SEARCH_TYPES: types });

test('ignore-param=Observation:code fails exactly search:Observation:code, as unfiltered', async () => {
  const r = await run('ignore-param=Observation:code', 'Observation');
  expect(idsWith(r.results, 'fail', 'error')).toEqual(['search:Observation:code']);
  expect(r.results!.capabilities.find((c) => c.id === 'search:Observation:code')?.reason).toMatch(/^unfiltered/);
}, 600_000);

// Provenance is judged on found data (the example and its twin reduced to what R5 requires, which has no activity):
// an ignored activity returns the twin, which the oracle says does not match.
test('ignore-param=Provenance:activity fails exactly search:Provenance:activity on found data, as unfiltered', async () => {
  const r = await run('ignore-param=Provenance:activity', 'Provenance');
  expect(idsWith(r.results, 'fail', 'error')).toEqual(['search:Provenance:activity']);
  const reason = r.results!.capabilities.find((c) => c.id === 'search:Provenance:activity')?.reason;
  expect(reason).toMatch(/^unfiltered/);
  expect(reason).toContain('example-provenance-required-only');
  expect(reason).toContain('found data: the value came from Provenance/example-provenance at Provenance.activity');
  expect(idsWith(r.results, 'pass')).toContain('search:Provenance:patient');
}, 600_000);

test('date-boundary fails exactly the date params (gt/lt at the boundary), as wrong', async () => {
  const r = await run('date-boundary', 'Observation,Condition,Encounter');
  const cov = readCoverage(r.outDir)!;
  const dates = cov.params.filter((p) => p.status === 'tested' && p.paramType === 'date').map((p) => p.capability).sort();
  expect(dates.length).toBeGreaterThan(5);
  expect(idsWith(r.results, 'fail', 'error')).toEqual(dates);
}, 600_000);

test('token-system-ignored fails exactly the token params checked with system|code', async () => {
  const r = await run('token-system-ignored', 'Observation,Patient');
  const cov = readCoverage(r.outDir)!;
  const systemChecked = cov.params.filter((p) => p.status === 'tested' && p.systemDiscriminated).map((p) => p.capability).sort();
  expect(systemChecked).toContain('search:Observation:code');
  expect(systemChecked).toContain('search:Patient:identifier');
  expect(idsWith(r.results, 'fail', 'error')).toEqual(systemChecked);
}, 600_000);

test('paging-repeats fails exactly search:paging', async () => {
  const r = await run('paging-repeats', 'Patient');
  expect(idsWith(r.results, 'fail', 'error')).toEqual(['search:paging']);
}, 600_000);
