// resourceMatches end to end: FHIRPath on real resources, OR/AND of alternatives, common params, composites.
import type { Observation, Patient } from 'fhir/r5.js';
import { describe, expect, test } from 'vitest';
import type { SearchParam } from '../matrix/types.ts';
import { evaluateParam, resourceMatches } from './evaluate.ts';
import { UnsupportedSearchError } from './query.ts';

const param = (name: string, type: SearchParam['type'], expression: string | null, components?: SearchParam['components']): SearchParam => ({
  name, type, expression, components, expressionSource: 'r5', declaredByServer: true, declaredByIg: true, tier: 'SHALL', capability: `search:X:${name}`,
});

const patient: Patient = {
  resourceType: 'Patient',
  id: 'Pt1',
  meta: { lastUpdated: '2024-05-01T10:00:00.000+05:00', tag: [{ system: 'https://dhp.uz/tag', code: 'test' }], profile: ['https://dhp.uz/fhir/StructureDefinition/uz-patient|1.0'] },
  name: [{ family: 'Karimova', given: ['Oʻgʻiloy'] }],
  gender: 'female',
  birthDate: '1990-03-14',
  address: [{ city: 'Тошкент' }],
};

const LOINC = 'http://loinc.org';
const bp: Observation = {
  resourceType: 'Observation',
  id: 'bp1',
  status: 'final',
  code: { coding: [{ system: LOINC, code: '85354-9' }] },
  subject: { reference: 'Patient/Pt1' },
  performer: [{ reference: 'Practitioner/9' }, { reference: 'Patient/Pt1' }],
  effectivePeriod: { start: '2024-05-01T09:00:00+05:00', end: '2024-05-01T09:30:00+05:00' },
  component: [
    { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: { value: 150, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
    { code: { coding: [{ system: LOINC, code: '8462-4' }] }, valueQuantity: { value: 90, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
  ],
};

const codeValueQuantity = param('component-code-value-quantity', 'composite', 'Observation.component', [
  { param: 'component-code', type: 'token', expression: 'code' },
  { param: 'component-value-quantity', type: 'quantity', expression: 'value.ofType(Quantity)' },
]);

describe('resourceMatches', () => {
  test.for([
    // resource, param, value, modifier, expected
    [patient, param('name', 'string', 'Patient.name'), 'oʻgʻil', undefined, true],
    [patient, param('name', 'string', 'Patient.name'), 'xyz,karim', undefined, true],
    [patient, param('address-city', 'string', 'Patient.address.city'), 'тош', undefined, true],
    [patient, param('gender', 'token', 'Patient.gender'), 'male', undefined, false],
    [patient, param('gender', 'token', 'Patient.gender'), 'male,female', undefined, true],
    // "the negation applies to the set": gender:not=male,female excludes both
    [patient, param('gender', 'token', 'Patient.gender'), 'male,female', 'not', false],
    [patient, param('gender', 'token', 'Patient.gender'), 'male,other', 'not', true],
    [patient, param('birthdate', 'date', 'Patient.birthDate'), 'ge1990-03-14', undefined, true],
    [patient, param('birthdate', 'date', 'Patient.birthDate'), 'gt1990-03-14', undefined, false],
    [patient, param('_id', 'token', null), 'Pt1', undefined, true],
    [patient, param('_id', 'token', null), 'pt1', undefined, false],
    [patient, param('_lastUpdated', 'date', null), 'ge2024-05-01', undefined, true],
    [patient, param('_tag', 'token', null), 'https://dhp.uz/tag|test', undefined, true],
    [patient, param('_security', 'token', null), 'true', 'missing', true],
    [patient, param('_profile', 'uri', null), 'https://dhp.uz/fhir/StructureDefinition/uz-patient|1.0', undefined, true],
    [patient, param('_profile', 'reference', null), 'https://dhp.uz/fhir/StructureDefinition/uz-patient', undefined, true],
    [bp, param('patient', 'reference', 'Observation.subject.where(resolve() is Patient)'), 'Pt1', undefined, true],
    [bp, param('performer', 'reference', 'Observation.performer'), 'Practitioner/9', undefined, true],
    [bp, param('date', 'date', 'Observation.effective'), '2024-05-01', undefined, true],
    [bp, param('date', 'date', 'Observation.effective'), 'eb2024-05-01', undefined, false],
    [bp, codeValueQuantity, `${LOINC}|8480-6$gt140`, undefined, true],
    // 8480-6 is 150 and 8462-4 is 90: "lt100 on 8480-6" is true of no single component
    [bp, codeValueQuantity, `${LOINC}|8480-6$lt100`, undefined, false],
    [bp, codeValueQuantity, `${LOINC}|8480-6$lt100,${LOINC}|8462-4$lt100`, undefined, true],
  ] as const)('%#: %s %s', ([resource, p, value, modifier, expected]) =>
    expect(resourceMatches(resource, p, value, modifier)).toBe(expected));

  test('resolve() is T narrows by the literal reference', () => {
    const performerPatient = param('performer-patient', 'reference', 'Observation.performer.where(resolve() is Patient)');
    expect(evaluateParam(bp, performerPatient)).toEqual([{ reference: 'Patient/Pt1' }]);
  });
  test('special and missing expressions are not judged', () => {
    expect(() => resourceMatches(patient, param('near', 'special', 'Location.position'), 'x')).toThrow(UnsupportedSearchError);
    expect(() => resourceMatches(patient, param('custom', 'string', null), 'x')).toThrow(UnsupportedSearchError);
  });
  test('composite arity must agree', () =>
    expect(() => resourceMatches(bp, codeValueQuantity, `${LOINC}|8480-6`)).toThrow(SyntaxError));
});
