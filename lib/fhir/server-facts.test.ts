import { describe, expect, test } from 'vitest';
import { declaresSearchParam, isR5, serverFactsOf } from './server-facts.ts';

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
});
