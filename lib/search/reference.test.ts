// Reference and uri matchers: the R5 reference/uri examples, versions, canonicals and modifiers.
import { describe, expect, test } from 'vitest';
import { parseValue, UnsupportedSearchError } from './query.ts';
import { matches } from './reference.ts';
import { matches as uriMatches } from './uri.ts';

const at = (q: string, target: unknown, modifier?: string) => matches([target], parseValue(q, 'reference'), modifier);
const ref = (reference: string) => ({ reference });

describe('reference: R5 spec examples (base http://example.org/fhir)', () => {
  test.for([
    ['Patient/123', ref('Patient/123'), true, 'exact match of search input'],
    ['Patient/123', ref('http://example.org/fhir/Patient/123'), true, 'implicit resolution to the local server'],
    ['http://example.org/fhir/Patient/123', ref('http://example.org/fhir/Patient/123'), true, 'exact match of search input'],
    ['http://example.org/fhir/Patient/123', ref('Patient/123'), true, 'implicit reference to the local server'],
    ['123', ref('Patient/123'), true, 'search input of type Patient'],
    ['123', ref('Practitioner/123'), true, 'search input of type Practitioner'],
    ['123', ref('http://example.org/fhir/Practitioner/123'), true, 'implicit resolution, of type Practitioner'],
    ['Patient/23', ref('Group/23'), false, 'the type is specified explicitly'],
  ] as const)('%s vs %j → %s (%s)', ([q, target, expected]) => expect(at(q, target)).toBe(expected));

  // "subject:Patient=23 ... is functionally equivalent to subject=Patient/23"
  test(':Patient', () => {
    expect(at('23', ref('Patient/23'), 'Patient')).toBe(true);
    expect(at('23', ref('Group/23'), 'Patient')).toBe(false);
  });
});

describe('reference: forms × targets', () => {
  test.for([
    // query, target, expected
    ['Patient/1', ref('Patient/1/_history/2'), true],
    ['Patient/1/_history/2', ref('Patient/1/_history/2'), true],
    ['Patient/1/_history/2', ref('Patient/1/_history/3'), false],
    ['Patient/1/_history/2', ref('Patient/1'), false],
    ['Patient/1', ref('Patient/12'), false],
    ['http://a.org/fhir/Patient/1', ref('http://b.org/fhir/Patient/1'), false],
    ['Patient/1', ref('#p1'), false],
    ['Patient/1', { identifier: { value: '1' } }, false],
    ['Composition/c1', { resourceType: 'Composition', id: 'c1' }, true],
    ['http://x.uz/Questionnaire/q', 'http://x.uz/Questionnaire/q|3.0', true],
    ['http://x.uz/Questionnaire/q|3.0', 'http://x.uz/Questionnaire/q|3.0', true],
    ['http://x.uz/Questionnaire/q|3', 'http://x.uz/Questionnaire/q|3.0.1', true],
    ['http://x.uz/Questionnaire/q|3.0', 'http://x.uz/Questionnaire/q|3.1', false],
    ['http://x.uz/Questionnaire/q|3.0', 'http://x.uz/Questionnaire/q', false],
    ['http://x.uz/Questionnaire/q', 'http://x.uz/Questionnaire/q2', false],
  ] as const)('%s vs %j → %s', ([q, target, expected]) => expect(at(q, target)).toBe(expected));

  test.for([
    // query, modifier, target, expected
    ['http://acme.org/fhir/identifier/mrn|123456', 'identifier', { identifier: { system: 'http://acme.org/fhir/identifier/mrn', value: '123456' } }, true],
    ['http://acme.org/fhir/identifier/mrn|123456', 'identifier', { reference: 'Patient/123456' }, false],
    ['karimov', 'text', { reference: 'Patient/1', display: 'Karimov Akmal' }, true],
    ['true', 'missing', ref('Patient/1'), false],
  ] as const)('%s :%s vs %j → %s', ([q, modifier, target, expected]) => expect(at(q, target, modifier)).toBe(expected));

  test(':below is not judged', () => expect(() => at('Location/A', ref('Location/A'), 'below')).toThrow(UnsupportedSearchError));
});

describe('uri: R5 spec examples', () => {
  const vs = (u: string) => [u];
  test.for([
    ['http://acme.org/fhir/ValueSet/123', undefined, 'http://acme.org/fhir/ValueSet/123', true],
    ['http://acme.org/fhir/ValueSet/123', undefined, 'http://acme.org/fhir/ValueSet/1234', false],
    ['http://acme.org/fhir/ValueSet/123', undefined, 'http://ACME.org/fhir/ValueSet/123', false],
    ['http://acme.org/fhir/', 'below', 'http://acme.org/fhir/ValueSet/123', true],
    ['http://acme.org/fhir', 'below', 'http://acme.org/fhirx/ValueSet/123', false],
    ['http://acme.org/fhir/ValueSet/123/_history/5', 'above', 'http://acme.org/fhir/ValueSet/123/_history/5', true],
    ['http://acme.org/fhir/ValueSet/123/_history/5', 'above', 'http://acme.org/fhir/ValueSet', true],
    ['http://acme.org/fhir/ValueSet/123/_history/5', 'above', 'http://acme.org/', true],
    ['http://acme.org/fhir/ValueSet/123/_history/5', 'above', 'http://acme.org/fhir/CodeSystem', false],
    ['urn:oid:1.2.3.4.5', undefined, 'urn:oid:1.2.3.4.5', true],
    ['urn:oid:1.2.3', 'below', 'urn:oid:1.2.3.4.5', false],
    ['ValueSet/12', 'contains', 'http://acme.org/fhir/ValueSet/123', true],
  ] as const)('%s :%s vs %s → %s', ([q, modifier, target, expected]) =>
    expect(uriMatches(vs(target), parseValue(q, 'uri'), modifier)).toBe(expected));
});
