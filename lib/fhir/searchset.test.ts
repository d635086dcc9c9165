import { expect, test } from 'vitest';
import { isNotEnabled, isSearchset, matchIds } from './searchset.ts';

const oo = (code: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code }] });

test.for([
  [{ resourceType: 'Bundle', type: 'searchset', entry: [] }, true],
  [{ resourceType: 'Bundle', type: 'collection' }, false],
  [oo('not-found'), false],
  [undefined, false],
] as const)('isSearchset(%o) = %s', ([body, expected]) => {
  expect(isSearchset(body)).toBe(expected);
});

test('matchIds keeps matches of the type, not includes or outcomes', () => {
  const body = {
    resourceType: 'Bundle', type: 'searchset', entry: [
      { resource: { resourceType: 'Observation', id: 'a' }, search: { mode: 'match' } },
      { resource: { resourceType: 'Observation', id: 'b' } },
      { resource: { resourceType: 'Patient', id: 'p' }, search: { mode: 'include' } },
      { resource: { resourceType: 'OperationOutcome' }, search: { mode: 'outcome' } },
    ],
  };
  expect(matchIds(body, 'Observation')).toEqual(['a', 'b']);
});

test.for([
  [404, oo('not-found'), true],
  [405, undefined, true],
  [501, undefined, true],
  [400, oo('not-supported'), true],
  [400, oo('invalid'), false],
  [401, oo('login'), false],
  [500, undefined, false],
  [200, undefined, false],
] as const)('isNotEnabled(%s, %o) = %s', ([status, body, expected]) => {
  expect(isNotEnabled(status, body)).toBe(expected);
});
