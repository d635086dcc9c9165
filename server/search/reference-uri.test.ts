import { describe, expect, test } from 'vitest';
import type { Resource } from 'fhir/r5.js';
import { kit } from './testkit.ts';

const obs = (id: string, extra: Record<string, unknown>) => ({ resourceType: 'Observation', id, status: 'final', code: {}, ...extra }) as unknown as Resource;

describe('reference', () => {
  const k = kit();
  k.add(
    obs('rel', { subject: { reference: 'Patient/123' }, performer: [{ reference: 'Practitioner/9' }] }),
    obs('abs', { subject: { reference: 'https://dhp.uz/fhir/Patient/456' }, performer: [{ reference: 'Organization/9' }] }),
    obs('hist', { subject: { reference: 'Patient/123/_history/2' } }),
    obs('grp', { subject: { reference: 'Group/123' } }), // not indexed by subject (expression picks Patient/ only)
    obs('ident', { subject: { identifier: { system: 'urn:pinfl', value: '3101' } }, performer: [{ identifier: { system: 'urn:license', value: 'L-1' }, display: 'Dr X' }] }),
    obs('urn', { performer: [{ reference: 'urn:uuid:8a7c7a7e-1b7e-4b0e-9d1a-0a0a0a0a0a0a' }] }),
    obs('contained', { performer: [{ reference: '#p1' }] }),
  );
  test.for([
    ['subject=Patient/123', ['rel', 'hist']],
    ['subject=123', ['rel', 'hist']],
    ['subject:Patient=123', ['rel', 'hist']],
    ['subject=https://other.example/fhir/Patient/123', ['rel', 'hist']], // Type/id tail compared
    ['subject=Patient/456', ['abs']],
    ['subject=https://dhp.uz/fhir/Patient/456', ['abs']],
    ['subject=Group/123', []],
    // the subject expression keeps only references containing 'Patient/', so an identifier-only subject is not indexed
    ['subject:identifier=urn:pinfl|3101', []],
    ['subject:missing=true', ['grp', 'ident', 'urn', 'contained']],
    ['performer:identifier=L-1', ['ident']],
    ['performer:identifier=other|L-1', []],
    ['performer=9', ['rel', 'abs']],
    ['performer:Practitioner=9', ['rel']],
    ['performer:Organization=Organization/9', ['abs']],
    ['performer:Practitioner=Organization/9', []],
    ['performer=urn:uuid:8a7c7a7e-1b7e-4b0e-9d1a-0a0a0a0a0a0a', ['urn']],
    ['performer:identifier=urn:license|L-1', ['ident']],
    ['performer:missing=true', ['grp', 'hist', 'contained']], // a contained (#) reference is not indexed
  ] as [string, string[]][])('%s', ([q, expected]) => {
    expect(k.ids('Observation', q).sort()).toEqual([...expected].sort());
  });

  test('a :Type modifier outside the targets is an unknown param', () => {
    expect(k.engine.search('Observation', [['subject:Group', '123']], { strict: false }).applied).toEqual([]);
    expect(() => k.engine.search('Observation', [['subject:Group', '123']], { strict: true })).toThrowError(/not supported/);
  });

  test('resolve() is Type is rewritten to a reference-string test', () => {
    const c = kit();
    c.add(
      { resourceType: 'Consent', id: 'a', status: 'active', subject: { reference: 'Patient/1' } } as Resource,
      { resourceType: 'Consent', id: 'b', status: 'active', subject: { reference: 'Group/1' } } as Resource,
      { resourceType: 'Consent', id: 'c', status: 'active', subject: { reference: 'http://x/fhir/Patient/1' } } as Resource,
    );
    expect(c.ids('Consent', 'patient=1')).toEqual(['a', 'c']);
    expect(c.ids('Consent', 'patient:missing=false')).toEqual(['a', 'c']);
  });

  test('canonical references compare URLs with optional |version', () => {
    const c = kit();
    c.add(
      { resourceType: 'Questionnaire', id: 'v1', status: 'active', derivedFrom: ['http://dhp.uz/Questionnaire/base|1.0'] } as Resource,
      { resourceType: 'Questionnaire', id: 'v2', status: 'active', derivedFrom: ['http://dhp.uz/Questionnaire/base|2.0'] } as Resource,
      { resourceType: 'Questionnaire', id: 'nov', status: 'active', derivedFrom: ['http://dhp.uz/Questionnaire/base'] } as Resource,
    );
    expect(c.ids('Questionnaire', 'definition=http://dhp.uz/Questionnaire/base').sort()).toEqual(['nov', 'v1', 'v2']);
    expect(c.ids('Questionnaire', 'definition=http://dhp.uz/Questionnaire/base|2.0')).toEqual(['v2']);
  });

  test('_profile (common param) matches the exact canonical', () => {
    const c = kit();
    c.add(
      { resourceType: 'Patient', id: 'a', meta: { profile: ['https://dhp.uz/fhir/core/StructureDefinition/uz-core-patient'] } } as Resource,
      { resourceType: 'Patient', id: 'b', meta: { profile: ['https://dhp.uz/fhir/core/StructureDefinition/uz-core-patient-ext'] } } as Resource,
    );
    expect(c.ids('Patient', '_profile=https://dhp.uz/fhir/core/StructureDefinition/uz-core-patient')).toEqual(['a']);
  });
});

describe('uri', () => {
  const k = kit();
  k.add(
    { resourceType: 'ValueSet', id: 'a', status: 'active', url: 'http://dhp.uz/fhir/ValueSet/regions' } as Resource,
    { resourceType: 'ValueSet', id: 'b', status: 'active', url: 'http://dhp.uz/fhir/ValueSet/regions-2020' } as Resource,
    { resourceType: 'ValueSet', id: 'c', status: 'active', url: 'http://hl7.org/fhir/ValueSet/gender' } as Resource,
    { resourceType: 'ValueSet', id: 'd', status: 'active', url: 'http://dhp.uz/fhir' } as Resource,
  );
  test.for([
    ['url=http://dhp.uz/fhir/ValueSet/regions', ['a']],
    ['url=http://dhp.uz/fhir/ValueSet/REGIONS', []],
    ['url=http://dhp.uz/fhir/ValueSet/reg', []],
    ['url:below=http://dhp.uz/fhir/ValueSet/', ['a', 'b']],
    ['url:below=http://dhp.uz/', ['a', 'b', 'd']],
    // :above is a plain string prefix test (not path-segment aware): ".../regions" is a prefix of ".../regions-2020"
    ['url:above=http://dhp.uz/fhir/ValueSet/regions-2020', ['a', 'b', 'd']],
    ['url:above=http://dhp.uz/fhir/ValueSet/other', ['d']],
    ['url=http://hl7.org/fhir/ValueSet/gender,http://dhp.uz/fhir', ['c', 'd']],
  ] as [string, string[]][])('%s', ([q, expected]) => {
    expect(k.ids('ValueSet', q).sort()).toEqual([...expected].sort());
  });
});
