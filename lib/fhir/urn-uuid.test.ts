import { describe, expect, test } from 'vitest';
import { referencesIn, referenceTarget, unresolvedReferences } from './urn-uuid.ts';

const enc = 'urn:uuid:a1b2c3d4-5678-90ab-cdef-222222222222';
const eoc = 'urn:uuid:a1b2c3d4-5678-90ab-cdef-111111111111';
const sent = { resourceType: 'Observation', subject: { reference: 'Patient/p1' }, encounter: { reference: enc }, derivedFrom: [{ reference: eoc }] };
const created = new Map([[enc, 'Encounter/e9'], [eoc, 'EpisodeOfCare/x7']]);

describe('urn:uuid references', () => {
  test('referencesIn finds every reference with its path', () => {
    expect(referencesIn(sent)).toEqual([
      { path: 'subject.reference', reference: 'Patient/p1' },
      { path: 'encounter.reference', reference: enc },
      { path: 'derivedFrom[0].reference', reference: eoc },
    ]);
  });

  test.for([
    ['Encounter/e9', 'Encounter/e9'],
    ['http://x/fhir/Encounter/e9', 'Encounter/e9'],
    ['Encounter/e9/_history/2', 'Encounter/e9'],
    [enc, undefined],
    ['#c1', undefined],
  ] as const)('referenceTarget(%s) = %s', ([ref, expected]) => {
    expect(referenceTarget(ref)).toBe(expected);
  });

  test.for([
    ['resolved (relative)', { ...sent, encounter: { reference: 'Encounter/e9' }, derivedFrom: [{ reference: 'EpisodeOfCare/x7' }] }, []],
    ['resolved (absolute)', { ...sent, encounter: { reference: 'https://h/fhir/Encounter/e9' }, derivedFrom: [{ reference: 'EpisodeOfCare/x7/_history/1' }] }, []],
    ['stored as sent', sent, ['encounter.reference', 'derivedFrom[0].reference']],
    ['pointing elsewhere', { ...sent, encounter: { reference: 'Encounter/other' }, derivedFrom: [{ reference: 'EpisodeOfCare/x7' }] }, ['encounter.reference']],
    ['dropped', { ...sent, encounter: undefined, derivedFrom: [{ reference: 'EpisodeOfCare/x7' }] }, ['encounter.reference']],
  ] as const)('%s', ([, stored, paths]) => {
    const got = unresolvedReferences(sent, stored, created).map((u) => u.path);
    expect(got).toEqual(paths.filter(Boolean));
  });
});
