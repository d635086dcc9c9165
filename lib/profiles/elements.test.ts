import { describe, expect, test } from 'vitest';
import { baseElement, locate, matchesPattern, parentId, parseElementId, unsliced } from './elements.ts';
import { differential, exampleResource, igIndex, profileById } from './ig.ts';

const patient = profileById('uz-core-patient')!;
const diff = differential(patient.file);
const salim = exampleResource(igIndex().examples.find((e) => e.id === 'example-salim')!);

describe('element ids', () => {
  test('parse into steps with slices and choices', () => {
    expect(parseElementId('Observation.value[x]:valueQuantity')).toEqual({ root: 'Observation', steps: [{ name: 'value', choice: true, slice: 'valueQuantity' }] });
    expect(unsliced('Patient.identifier:nationalId.value.extension:data-absent-reason')).toBe('Patient.identifier.value.extension');
    expect(parentId('Patient.identifier:nationalId.value')).toBe('Patient.identifier:nationalId');
  });

  test('the R5 definition behind a profile element id, through slices and datatypes', () => {
    expect(baseElement('Patient.identifier:nationalId.value')?.types).toEqual(['string']);
    expect(baseElement('Observation.value[x]:valueQuantity')?.childBase).toBe('Quantity');
  });
});

describe('locate: where the profile puts an element in a resource', () => {
  test('identifier slices by their system pattern; each slice finds only its own entry', () => {
    const ni = locate(diff, salim, 'Patient.identifier:nationalId');
    expect(ni).toHaveLength(1);
    expect((ni[0]!.value as { system: string }).system).toBe('https://dhp.uz/fhir/core/sid/pid/uz/ni');
    expect(locate(diff, salim, 'Patient.identifier:passportLocal.value').map((n) => n.value)).toEqual(['AC1234567']);
    expect(locate(diff, salim, 'Patient.identifier').length).toBeGreaterThan(5);
  });

  test('address slices by country: the pattern UZ makes uzAddress; another country is not one', () => {
    const at = (country: string) => ({ resourceType: 'Patient', address: [{ country, city: 'x' }] });
    expect(locate(diff, at('UZ'), 'Patient.address:uzAddress')).toHaveLength(1);
    expect(locate(diff, at('GB'), 'Patient.address:uzAddress')).toHaveLength(0);
    expect(locate(diff, at('GB'), 'Patient.address:i18nAddress')).toHaveLength(1);
  });

  test('extension slices by url; a primitive\'s extensions live in its _name sibling', () => {
    expect(locate(diff, salim, 'Patient.extension:nationality')).toHaveLength(1);
    const r = { resourceType: 'Patient', identifier: [{ system: 'https://dhp.uz/fhir/core/sid/pid/uz/ni', _value: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] } }] };
    expect(locate(diff, r, 'Patient.identifier:nationalId.value')).toHaveLength(1);
    expect(locate(diff, r, 'Patient.identifier:nationalId.value.extension:data-absent-reason')).toHaveLength(1);
  });

  test('choice elements match any type; a type slice only its own', () => {
    const obs = { resourceType: 'Observation', valueQuantity: { value: 1 } };
    const o = differential(profileById('uz-core-observation')!.file);
    expect(locate(o, obs, 'Observation.value[x]')).toHaveLength(1);
    const imm = differential(profileById('uz-core-immunization')!.file);
    expect(locate(imm, { resourceType: 'Immunization', occurrenceDateTime: '2020' }, 'Immunization.occurrence[x]:occurrenceString')).toHaveLength(0);
    expect(locate(imm, { resourceType: 'Immunization', occurrenceString: 'spring' }, 'Immunization.occurrence[x]:occurrenceString')).toHaveLength(1);
  });
});

test('FHIR pattern matching: a subset, array items matched by some item', () => {
  const cc = { coding: [{ system: 's', code: 'a', display: 'A' }, { system: 's', code: 'b' }] };
  expect(matchesPattern(cc, { coding: [{ system: 's', code: 'b' }] })).toBe(true);
  expect(matchesPattern(cc, { coding: [{ system: 's', code: 'c' }] })).toBe(false);
  expect(matchesPattern('official', 'official')).toBe(true);
});
