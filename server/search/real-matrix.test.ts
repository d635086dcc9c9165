// The engine against the REAL matrix (capabilities.json): every expression compiles with the R5 model, and a few
// resources of several types index and search without throwing. Compile failures are listed, never hidden.
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Resource } from 'fhir/r5.js';
import { describe, expect, test } from 'vitest';
import type { Matrix } from '../../lib/matrix/types.ts';
import { createSearchEngine } from './engine.ts';

const matrix = JSON.parse(readFileSync(new URL('../../capabilities.json', import.meta.url), 'utf8')) as Matrix;

const RESOURCES: Resource[] = [
  { resourceType: 'Patient', id: 'p1', meta: { lastUpdated: '2024-03-01T10:00:00Z', profile: ['https://dhp.uz/fhir/core/StructureDefinition/uz-core-patient'] },
    identifier: [{ system: 'https://dhp.uz/fhir/core/sid/pid/uz/ni', value: '31012345678901' }], active: true,
    name: [{ family: 'Karimov', given: ['Oʻtkir'] }], gender: 'male', birthDate: '1990-05-01',
    address: [{ city: 'Toshkent', country: 'UZ' }], telecom: [{ system: 'phone', value: '+998901234567' }],
    managingOrganization: { reference: 'Organization/o1' } } as Resource,
  { resourceType: 'Organization', id: 'o1', meta: { lastUpdated: '2024-03-01T09:00:00Z' }, active: true, name: 'Toshkent shahar 1-son poliklinika',
    identifier: [{ system: 'urn:soliq', value: '123456789' }], type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] }] } as Resource,
  { resourceType: 'Practitioner', id: 'pr1', meta: { lastUpdated: '2024-03-01T09:30:00Z' }, name: [{ family: 'Aliyeva', given: ['Dilnoza'] }] } as Resource,
  { resourceType: 'Encounter', id: 'e1', meta: { lastUpdated: '2024-03-01T11:00:00Z' }, status: 'completed',
    class: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }] }],
    subject: { reference: 'Patient/p1' }, actualPeriod: { start: '2024-03-01T10:00:00+05:00', end: '2024-03-01T10:30:00+05:00' },
    location: [{ location: { reference: 'Location/l1' }, period: { start: '2024-03-01T10:00:00+05:00' } }] } as unknown as Resource,
  { resourceType: 'Observation', id: 'ob1', meta: { lastUpdated: '2024-03-01T12:00:00Z' }, status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] }, subject: { reference: 'Patient/p1' }, encounter: { reference: 'Encounter/e1' },
    effectiveDateTime: '2024-03-01T10:15:00+05:00', performer: [{ reference: 'Practitioner/pr1' }],
    component: [
      { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 120, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 80, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
    ] } as Resource,
  { resourceType: 'Condition', id: 'c1', meta: { lastUpdated: '2024-03-01T12:30:00Z' },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10' }] }, subject: { reference: 'Patient/p1' }, onsetDateTime: '2020' } as Resource,
  { resourceType: 'Consent', id: 'cs1', meta: { lastUpdated: '2024-03-01T13:00:00Z' }, status: 'active', subject: { reference: 'Patient/p1' } } as Resource,
];

describe('the real matrix', () => {
  const db = new Database(':memory:');
  const engine = createSearchEngine(db, matrix, { unfiltered: new Set(), faults: new Map() });

  test('every param expression compiles with the R5 model', () => {
    const total = matrix.resources.reduce((n, r) => n + r.searchParams.filter((p) => p.expression && p.type !== 'special').length, 0);
    // Report, don't hide: the failures show in the test output.
    console.info(`search params with an expression: ${total}; compile failures as written: ${engine.compileFailures.length}`);
    for (const f of engine.compileFailures) console.info(`  compile failure: ${f}`);
    expect(engine.compileFailures).toEqual([]);
  });

  test('indexing resources of several types does not throw and leaves no evaluation problems', () => {
    const present = new Set(matrix.resources.map((r) => r.type));
    const used = RESOURCES.filter((r) => present.has(r.resourceType));
    expect(used.length).toBeGreaterThanOrEqual(4);
    for (const r of used) expect(() => engine.index(r.resourceType, r.id!, r)).not.toThrow();
    expect(engine.indexProblems).toEqual([]);
  });

  test('a few searches over the real params', () => {
    const has = (type: string, name: string) => matrix.resources.find((r) => r.type === type)?.searchParams.some((p) => p.name === name);
    const s = (type: string, q: [string, string][]) => engine.search(type, q, { strict: true }).ids;
    if (has('Patient', 'name')) expect(s('Patient', [['name', "o'tkir"]])).toEqual(['p1']);
    if (has('Patient', 'identifier')) expect(s('Patient', [['identifier', 'https://dhp.uz/fhir/core/sid/pid/uz/ni|31012345678901']])).toEqual(['p1']);
    if (has('Observation', 'subject')) expect(s('Observation', [['subject', 'Patient/p1']])).toEqual(['ob1']);
    if (has('Observation', 'combo-code-value-quantity')) {
      expect(s('Observation', [['combo-code-value-quantity', 'http://loinc.org|8480-6$120']])).toEqual(['ob1']);
      expect(s('Observation', [['combo-code-value-quantity', 'http://loinc.org|8480-6$80']])).toEqual([]);
    }
    if (has('Observation', 'date')) expect(s('Observation', [['date', '2024-03-01']])).toEqual(['ob1']);
    if (has('Encounter', 'location-period')) expect(s('Encounter', [['location-period', 'Location/l1$ge2024-03-01']])).toEqual(['e1']);
    if (has('Consent', 'patient')) expect(s('Consent', [['patient', 'p1']])).toEqual(['cs1']);
    if (has('Patient', '_profile')) expect(s('Patient', [['_profile', 'https://dhp.uz/fhir/core/StructureDefinition/uz-core-patient']])).toEqual(['p1']);
    expect(() => s('Patient', [['_has:Observation:nope:code', '1']])).toThrowError(/not supported|Unsupported|Unknown/);
  });
});
