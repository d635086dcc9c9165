import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadMatrix } from '../matrix/load.ts';
import { mergeCoverage, readCoverage, writeCoverage, type ParamCoverage } from './coverage.ts';

const { matrix } = loadMatrix();
const entry = (type: string, name: string, status: ParamCoverage['status'], reason?: string): ParamCoverage =>
  ({ type, name, capability: `search:${type}:${name}`, paramType: 'token', status, reason, checks: [] });

test('params no part reported are not-run with a reason; totals per type and overall', () => {
  const c = mergeCoverage(matrix, [[entry('Flag', 'status', 'tested')], [entry('Flag', '_has', 'not-run', 'special')]], ['Flag']);
  const flag = matrix.resources.find((r) => r.type === 'Flag')!;
  expect(c.total.params).toBe(flag.searchParams.length);
  expect(c.total.tested).toBe(1);
  expect(c.byType).toEqual({ Flag: { params: flag.searchParams.length, tested: 1 } });
  expect(c.notRun.find((n) => n.capability === 'search:Flag:_has')?.reason).toBe('special');
  expect(c.notRun.every((n) => n.reason)).toBe(true);
});

test('parts written by several suite files merge into one search-coverage.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cov-'));
  writeCoverage(dir, 'part-1', [entry('Flag', 'status', 'tested')], matrix, ['Flag', 'Goal']);
  writeCoverage(dir, 'part-2', [entry('Goal', 'lifecycle-status', 'tested')], matrix, ['Flag', 'Goal']);
  const c = readCoverage(dir)!;
  expect(c.total.tested).toBe(2);
  expect(Object.keys(c.byType)).toEqual(['Flag', 'Goal']);
});

test('the searches across references and :missing are counted per kind; not judged ones say why (the matrix\'s notTested)', () => {
  const missing: ParamCoverage = { ...entry('Flag', 'status:missing', 'tested'), capability: 'search:Flag:status:missing', paramType: 'missing' };
  const c = mergeCoverage(matrix, [[missing]], ['Flag']);
  expect(c.related.byKind.missing!.tested).toBe(1);
  expect(c.related.capabilities).toContainEqual({ capability: 'search:Flag:status:missing', kind: 'missing', status: 'tested' });
  const include = c.related.notRun.find((n) => n.capability.startsWith('search:Flag:_include:'));
  expect(include?.reason).toBeTruthy();
  expect(c.related.total.tested).toBe(1);
});
