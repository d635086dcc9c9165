import { describe, expect, test } from 'vitest';
import { CheckFailure } from '../verdicts.ts';
import { assertSearch, diagnose, selfKeepsParam, type SearchObservation } from './diagnose.ts';

const base: SearchObservation = {
  query: 'code=http://loinc.org|8867-4', param: 'code', resourceType: 'Observation',
  returned: ['m', 's'], unexpected: [], missing: [], imprecise: [], planted: { total: 9, returned: 2 },
  selfLink: 'http://h/fhir/Observation?_tag=x&code=http%3A%2F%2Floinc.org%7C8867-4&_count=100', declared: true,
};

describe('selfKeepsParam', () => {
  test.for([
    ['http://h/fhir/Observation?code=a&_count=1', 'code', true],
    ['http://h/fhir/Observation?code:not=a', 'code', true],
    ['http://h/fhir/Observation?_tag=x&_count=1', 'code', false],
    ['http://h/fhir/Observation?code-value=x', 'code', false],
    [undefined, 'code', undefined],
  ] as const)('%s keeps %s → %s', ([link, param, want]) => {
    expect(selfKeepsParam(link, param)).toBe(want);
  });
});

describe('diagnose', () => {
  test.for([
    // [case, overrides, kind]
    ['right search', {}, undefined],
    ['decoy back, self drops the param', { unexpected: ['d'], returned: ['m', 's', 'd'], selfLink: 'http://h/fhir/Observation?_tag=x' }, 'unfiltered'],
    ['everything planted back, self keeps the param', { unexpected: ['d'], returned: ['1', '2', '3', '4', '5', '6', '7', '8', '9'], planted: { total: 9, returned: 9 } }, 'unfiltered'],
    ['decoy back, filtered otherwise', { unexpected: ['d'], returned: ['m', 's', 'd'] }, 'wrong'],
    ['match missing', { missing: ['m'], returned: ['s'] }, 'wrong'],
    ['missing even with self dropping the param', { missing: ['m'], returned: [], selfLink: 'http://h/fhir/Observation?_tag=x' }, 'wrong'],
    ['non-matching extra, self drops', { imprecise: ['x'], returned: ['m', 's', 'x'], selfLink: 'http://h/fhir/Observation?_tag=x' }, 'unfiltered'],
  ] as const)('%s → %s', ([, overrides, kind]) => {
    expect(diagnose({ ...base, ...overrides })?.kind).toBe(kind);
  });

  test('the message says what the self link and /metadata show', () => {
    const d = diagnose({ ...base, unexpected: ['d'], selfLink: 'http://h/fhir/Observation?_tag=x', declared: false });
    expect(d?.message).toMatch(/self link drops code/);
    expect(d?.message).toMatch(/\/metadata does not declare Observation\.code/);
  });

  test('assertSearch throws a CheckFailure of the diagnosed kind', () => {
    expect(() => assertSearch(base)).not.toThrow();
    try {
      assertSearch({ ...base, unexpected: ['d'], selfLink: 'http://h/fhir/Observation?_tag=x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CheckFailure);
      expect((e as CheckFailure).kind).toBe('unfiltered');
    }
  });
});
