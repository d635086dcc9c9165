import { describe, expect, test } from 'vitest';
import { locate } from './elements.ts';
import { differential, exampleGraph, exampleReferences, igIndex, profileById, unplantable } from './ig.ts';
import { mustSupportResource } from './must-support.ts';
import { requiredCases, violationOf, withDataAbsentReason, withoutElement } from './violations.ts';

/** The platform's writable types (create declared), without Group (no endpoint). */
const creatable = new Set(igIndex().profiles.map((p) => p.type).filter((t) => t !== 'Group' && t !== 'Provenance'));
const patient = profileById('uz-core-patient')!;
const ms = mustSupportResource(patient, creatable);

describe('the Must Support resource', () => {
  test('claims the profile, has no id, and holds every element it says it populated', () => {
    expect(ms.resource.meta?.profile).toEqual([patient.url]);
    expect(ms.resource.id).toBeUndefined();
    const diff = differential(patient.file);
    expect(ms.populated.filter((e) => !locate(diff, ms.resource, e).length)).toEqual([]);
    expect(ms.populated.length + ms.notPopulated.size).toBe(patient.mustSupport.length);
  });

  test('fills every identifier slice from its patterns, and starts from the richest example', () => {
    expect(ms.startedFrom).toBe('Patient/example-salim');
    const diff = differential(patient.file);
    for (const slice of ['pensionNumber', 'healthCardId', 'medicalRecordTemp', 'passportForeign']) {
      expect(locate(diff, ms.resource, `Patient.identifier:${slice}.value`), slice).toHaveLength(1);
    }
  });

  test('across all profiles nearly every element is populated, and what is not carries a reason', () => {
    let total = 0, populated = 0;
    for (const p of igIndex().profiles) {
      const m = mustSupportResource(p, creatable);
      total += p.mustSupport.length;
      populated += m.populated.length;
      for (const reason of m.notPopulated.values()) expect(reason.length).toBeGreaterThan(10);
      // Nothing it references is an example the target cannot hold.
      for (const key of exampleReferences(m.resource, new Set(exampleGraph().keys()))) expect(unplantable(key, creatable), `${p.id} → ${key}`).toBeUndefined();
    }
    expect(populated / total).toBeGreaterThan(0.95);
  });
});

describe('required elements and violations', () => {
  const cases = requiredCases(patient, ms.resource);
  test('a slice discriminator cannot be left out meaningfully; its siblings can; data-absent-reason where the profile slices it in', () => {
    expect(cases.find((c) => c.element === 'Patient.identifier:nationalId.system')?.untestable).toMatch(/discriminates/);
    expect(cases.find((c) => c.element === 'Patient.identifier:nationalId.type')?.untestable).toBeUndefined();
    expect(cases.find((c) => c.element === 'Patient.identifier:nationalId.value')?.dataAbsentReason).toBe(true);
  });

  test('leaving out and data-absent-reason change exactly that element', () => {
    const diff = differential(patient.file);
    expect(locate(diff, withoutElement(patient, ms.resource, 'Patient.identifier:nationalId.type'), 'Patient.identifier:nationalId.type')).toHaveLength(0);
    const dar = withDataAbsentReason(patient, ms.resource, 'Patient.identifier:nationalId.value');
    const node = locate(diff, dar, 'Patient.identifier:nationalId.value')[0]!;
    expect(node.value).toBeUndefined();
    expect(node.ext).toEqual({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] });
  });

  test('a violation of a required binding the IG defines in full is preferred to leaving an element out', () => {
    const encounter = profileById('uz-core-encounter')!;
    const v = violationOf(encounter, mustSupportResource(encounter, creatable).resource)!;
    expect(v.description).toMatch(/not in its required ValueSet/);
    const observation = profileById('uz-core-observation')!;
    expect(violationOf(observation, mustSupportResource(observation, creatable).resource)!.description).toMatch(/is left out/);
  });
});
