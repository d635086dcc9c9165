// The value derivation of the found-data judge: one value per param type, taken from the IG's example Provenance
// (what the conformant reference server holds) and a few shapes it lacks; every value is one the oracle accepts.
import { describe, expect, test } from 'vitest';
import type { SearchParam } from '../matrix/types.ts';
import { readSpecJson } from '../spec/files.ts';
import { foundValueFor, queryValuesOf, valueIn } from './found-value.ts';

const param = (name: string, type: SearchParam['type'], expression: string): SearchParam => ({
  name, type, expression, expressionSource: 'r5', declaredByServer: true, declaredByIg: true, tier: 'SHALL', capability: `search:Provenance:${name}`,
});

const example = readSpecJson<Record<string, any>>('ig/resources/Provenance-example-provenance.json');

describe('queryValuesOf: the value a client would type', () => {
  test('token: system|code first, then the code alone; Identifier system|value; primitives as written', () => {
    expect(queryValuesOf({ coding: [{ system: 'http://s', code: 'LA' }] }, 'token')).toEqual(['http://s|LA', 'LA']);
    expect(queryValuesOf({ code: 'a,b' }, 'token')).toEqual(['a\\,b']);
    expect(queryValuesOf({ system: 'https://dhp.uz/sid', value: '123' }, 'token')).toEqual(['https://dhp.uz/sid|123', '123']);
    expect(queryValuesOf(true, 'token')).toEqual(['true']);
    expect(queryValuesOf({ text: 'no code' }, 'token')).toEqual([]);
  });
  test('reference: Type/id relative (history dropped), absolute as written, canonicals as written, contained none', () => {
    expect(queryValuesOf({ reference: 'Patient/p1/_history/2' }, 'reference')).toEqual(['Patient/p1']);
    expect(queryValuesOf({ reference: 'https://x.uz/fhir/Patient/p1' }, 'reference')).toEqual(['https://x.uz/fhir/Patient/p1']);
    expect(queryValuesOf('https://dhp.uz/fhir/core/StructureDefinition/uz-core-provenance', 'reference')).toEqual(['https://dhp.uz/fhir/core/StructureDefinition/uz-core-provenance']);
    expect(queryValuesOf({ reference: '#c1' }, 'reference')).toEqual([]);
    expect(queryValuesOf({ identifier: { value: 'x' } }, 'reference')).toEqual([]);
  });
  test('date as written without prefix (no value for a Period); string, uri, number, quantity', () => {
    expect(queryValuesOf('2025-02-05T12:58:00+05:00', 'date')).toEqual(['2025-02-05T12:58:00+05:00']);
    expect(queryValuesOf({ start: '2025-01-01' }, 'date')).toEqual([]);
    expect(queryValuesOf({ family: 'Karimova', given: ['Oʻgʻiloy'] }, 'string')).toEqual(['Karimova']);
    expect(queryValuesOf('a|b', 'string')).toEqual(['a\\|b']);
    expect(queryValuesOf('urn:oid:1.2', 'uri')).toEqual(['urn:oid:1.2']);
    expect(queryValuesOf(4.5, 'number')).toEqual(['4.5']);
    expect(queryValuesOf({ value: 5.4, system: 'http://unitsofmeasure.org', code: 'mg' }, 'quantity')).toEqual(['5.4|http://unitsofmeasure.org|mg', '5.4']);
    expect(queryValuesOf({ value: 5.4, unit: 'mg' }, 'quantity')).toEqual(['5.4']);
  });
});

describe('valueIn and foundValueFor on the IG example Provenance', () => {
  const cases: [SearchParam, string | undefined][] = [
    [param('activity', 'token', 'Provenance.activity'), 'http://terminology.hl7.org/CodeSystem/v3-DocumentCompletion|LA'],
    [param('agent', 'reference', 'Provenance.agent.who'), 'PractitionerRole/example-practitionerrole'],
    [param('agent-type', 'token', 'Provenance.agent.type'), 'http://terminology.hl7.org/CodeSystem/provenance-participant-type|author'],
    [param('patient', 'reference', 'Provenance.patient'), 'Patient/example-patient'],
    [param('when', 'date', '(Provenance.occurred.ofType(dateTime))'), '2025-02-05T12:58:00+05:00'],
    [param('signature-type', 'token', 'Provenance.signature.type'), 'https://terminology.dhp.uz/fhir/core/CodeSystem/signature-type-cs|biometricAuth'],
    [param('_profile', 'reference', 'Resource.meta.profile'), 'https://dhp.uz/fhir/core/StructureDefinition/uz-core-provenance'],
    [param('_id', 'token', 'id'), 'example-provenance'],
    [param('encounter', 'reference', 'Provenance.encounter'), undefined],
    [param('recorded', 'date', 'Provenance.recorded'), undefined],
  ];
  for (const [p, expected] of cases) {
    test(`${p.name}: ${expected ?? 'no value'}`, () => expect(valueIn(example, p)).toBe(expected));
  }

  test('only resources with a value are candidates, in id order, and the pick chooses among them', () => {
    const reduced = { resourceType: 'Provenance', id: 'a-reduced', target: example.target, agent: [{ who: { reference: 'Practitioner/p' } }] };
    const other = { ...example, id: 'z-other', activity: { coding: [{ system: 'http://s', code: 'X' }] } };
    const activity = param('activity', 'token', 'Provenance.activity');
    const seen: string[][] = [];
    const pick = <T,>(xs: readonly T[]): T => {
      seen.push(xs.map((x) => (x as { source: { id: string } }).source.id));
      return xs[0]!;
    };
    const first = foundValueFor([other, reduced, example], activity, pick);
    expect(seen).toEqual([['example-provenance', 'z-other']]);
    expect(first?.source.id).toBe('example-provenance');
    expect(foundValueFor([reduced], activity, (xs) => xs[0]!)).toBeUndefined();
    expect(foundValueFor([], activity, (xs) => xs[0]!)).toBeUndefined();
  });
});
