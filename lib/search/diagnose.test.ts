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

  test('an undeclared parameter says so first', () => {
    const d = diagnose({ ...base, unexpected: ['d'], selfLink: 'http://h/fhir/Observation?_tag=x', declared: false });
    expect(d?.message).toMatch(/^unfiltered: Observation\.code is not declared by the server's CapabilityStatement; returned unfiltered results — /);
    expect(d?.message).toMatch(/self link drops code/);
  });

  test('nothing is said about declarations when /metadata gave no CapabilityStatement', () => {
    const d = diagnose({ ...base, unexpected: ['d'], returned: ['m', 's', 'd'], declared: undefined });
    expect(d?.message).not.toMatch(/declare|metadata/);
    expect(d?.message).not.toMatch(/undefined|NaN/);
  });

  test('a server that is not R5 is named with the expression', () => {
    const d = diagnose({ ...base, unexpected: ['d'], returned: ['m', 's', 'd'], fhirVersion: '4.0.1', expression: 'Observation.code' });
    expect(d?.message).toMatch(/FHIR 4\.0\.1, not R5: the parameter is R5's \(Observation\.code\)/);
    const r5 = diagnose({ ...base, unexpected: ['d'], returned: ['m', 's', 'd'], declared: false, fhirVersion: '4.0.1', r5Only: ['Encounter.actualPeriod'] });
    expect(r5?.message).toMatch(/^wrong: Observation\.code is not declared by the server's CapabilityStatement/);
    expect(r5?.message).toMatch(/the expression uses R5-only Encounter\.actualPeriod/);
  });

  test('pages the server does not link: everything by Bundle.total is unfiltered, and the reason names paging', () => {
    const truncated = 'returned 100 of total 147; no next link (search:paging); 1 missing not judged';
    const d = diagnose({ ...base, unexpected: ['d'], returned: Array.from({ length: 100 }, (_, i) => `${i}`), planted: { total: 140, returned: 100 }, total: 147, truncated });
    expect(d?.kind).toBe('unfiltered');
    expect(d?.message).toContain('returned 100 of total 147; no next link (search:paging)');
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
