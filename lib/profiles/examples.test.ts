import { expect, test } from 'vitest';
import { rewriteReferences, withoutIdAndMeta } from './examples.ts';
import { exampleReferences } from './ig.ts';
import { unplantable } from './ig.ts';

const keys = new Set(['Patient/p', 'Encounter/e']);

test('references to IG examples are found anywhere, and rewritten or dropped (a cycle, closed later)', () => {
  const r = { subject: { reference: 'Patient/p' }, partOf: [{ reference: 'Encounter/e' }, { reference: 'Other/x' }] };
  expect([...exampleReferences(r, keys)].sort()).toEqual(['Encounter/e', 'Patient/p']);
  expect(rewriteReferences(r, new Map([['Patient/p', 'Patient/1']]), new Set(['Encounter/e']))).toEqual({ subject: { reference: 'Patient/1' }, partOf: [{ reference: 'Other/x' }] });
});

test('id and meta are the server\'s: left out of the round-trip comparison', () => {
  expect(withoutIdAndMeta({ resourceType: 'Patient', id: '1', meta: { versionId: '1' }, active: true })).toEqual({ resourceType: 'Patient', active: true });
});

test('an example that is, or references, a type the target cannot create is not plantable, and says why', () => {
  const creatable = new Set(['Patient', 'Organization', 'Practitioner', 'Condition', 'Encounter', 'Location', 'HealthcareService', 'EpisodeOfCare', 'Observation', 'PractitionerRole', 'Medication', 'Specimen', 'ServiceRequest']);
  expect(unplantable('Patient/example-salim', creatable)).toBeUndefined();
  expect(unplantable('Group/example-diabetes-screening-target-group', creatable)).toMatch(/no create for Group/);
  expect(unplantable('Provenance/example-provenance', new Set([...creatable, 'Provenance']))).toMatch(/references DocumentReference\/example-pdf-document/);
});
