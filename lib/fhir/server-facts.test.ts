import { describe, expect, test } from 'vitest';
import { declaresSearchParam, factsWarnings, isR5, r5OnlyNote, serverFactsOf } from './server-facts.ts';

const cs = {
  resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', software: { name: 'HAPI', version: '7' },
  rest: [{ mode: 'server', resource: [{ type: 'Patient', interaction: [{ code: 'read' }], searchParam: [{ name: 'name' }], operation: [{ name: 'everything' }] }] }],
};

describe('server facts from /metadata', () => {
  test('a CapabilityStatement gives version, software and the declared types', () => {
    const f = serverFactsOf(200, 'application/fhir+json', cs);
    expect(f).toEqual({ isCapabilityStatement: true, fhirVersion: '4.0.1', software: { name: 'HAPI', version: '7' }, types: { Patient: { interactions: ['read'], searchParams: ['name'], operations: ['everything'] } } });
    expect(isR5(f)).toBe(false);
    expect(declaresSearchParam(f, 'Patient', 'name')).toBe(true);
    expect(declaresSearchParam(f, 'Patient', 'birthdate')).toBe(false);
    expect(declaresSearchParam(f, 'Observation', 'code')).toBe(false);
  });

  test.for([
    [200, 'application/fhir+json', { resourceType: 'Bundle', type: 'searchset' }, '200 Bundle'],
    [200, 'text/html; charset=utf-8', undefined, '200 text/html'],
    [404, undefined, undefined, '404 no body'],
  ] as const)('/metadata answering %i %s is not a CapabilityStatement, said once as %j', ([status, type, body, answered]) => {
    const f = serverFactsOf(status, type, body);
    expect(f.isCapabilityStatement).toBe(false);
    expect(f.answered).toBe(answered);
    expect(declaresSearchParam(f, 'Patient', 'name')).toBeUndefined();
  });

  test('R5 is 5.0.x; no version is unknown', () => {
    expect(isR5(serverFactsOf(200, undefined, { ...cs, fhirVersion: '5.0.0' }))).toBe(true);
    expect(isR5(serverFactsOf(200, undefined, { ...cs, fhirVersion: undefined }))).toBeUndefined();
  });

  test('one warning per run: not a CapabilityStatement, or not 5.0.x; none for R5', () => {
    const bundle = factsWarnings(serverFactsOf(200, undefined, { resourceType: 'Bundle' }), 'http://h/metadata');
    expect(bundle).toHaveLength(1);
    expect(bundle[0]).toMatch(/^GET http:\/\/h\/metadata answered 200 Bundle, not a CapabilityStatement/);
    const r4 = serverFactsOf(200, undefined, cs);
    expect(factsWarnings(r4, 'x')).toEqual([expect.stringMatching(/fhirVersion 4\.0\.1, not 5\.0\.x/)]);
    expect(factsWarnings(serverFactsOf(200, undefined, { ...cs, fhirVersion: '5.0.0' }), 'x')).toEqual([]);
    expect(r5OnlyNote(r4, 'Encounter.actualPeriod')).toBe(' (Encounter.actualPeriod is R5-only; the server declares fhirVersion 4.0.1)');
    expect(r5OnlyNote(serverFactsOf(200, undefined, { ...cs, fhirVersion: '5.0.0' }), 'x')).toBe('');
  });
});
