// The server's profile validation, on the IG's own data: every IG example is valid against the profiles it claims,
// and each kind of violation (a missing required element or slice child, a pattern, a required binding, a maximum)
// is reported with the element's FHIRPath.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from 'fhir/r5.js';
import { describe, expect, test } from 'vitest';
import { claimedProfiles, validateAgainst } from './validate.ts';
import { profileFor } from './ig.ts';

const IG = join(import.meta.dirname, '..', '..', 'spec', 'ig');
const index = JSON.parse(readFileSync(join(IG, 'index.json'), 'utf8')) as { examples: { file: string; profile?: string[] }[] };
const example = (file: string) => JSON.parse(readFileSync(join(IG, 'resources', file), 'utf8')) as Resource & Record<string, any>;
const PATIENT = 'https://dhp.uz/fhir/core/StructureDefinition/uz-core-patient';
const patient = (identifier: unknown[], extra: Record<string, unknown> = {}) => ({ resourceType: 'Patient', meta: { profile: [PATIENT] }, identifier, ...extra }) as unknown as Resource;
const ni = { use: 'official', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NI' }] }, system: 'https://dhp.uz/fhir/core/sid/pid/uz/ni', value: '30211975910033' };
const issuesOf = (r: Resource, opts = {}) => claimedProfiles(r).flatMap((p) => validateAgainst(p, r, opts));

describe('profile validation', () => {
  test('every IG example that claims a UZ Core profile is valid against it', () => {
    const claimed = index.examples.filter((e) => e.profile?.some((u) => profileFor(u)));
    expect(claimed.length).toBeGreaterThan(70);
    const problems = claimed.flatMap((e) => issuesOf(example(e.file)).map((i) => `${e.file}: ${i.diagnostics}`));
    expect(problems).toEqual([]);
  });

  test('a slice child left out is reported at its place; the same entry without the slice discriminator is just another identifier', () => {
    const { type: _t, ...noType } = ni;
    expect(issuesOf(patient([noType])).map((i) => i.expression)).toEqual([['Patient.identifier[0].type']]);
    const { system: _s, ...noSystem } = ni;
    expect(issuesOf(patient([noSystem]))).toEqual([]);
  });

  test('a missing required element, a broken pattern, a code outside a required ValueSet, a slice over its maximum', () => {
    expect(issuesOf(patient([])).map((i) => [i.code, i.expression?.[0]])).toEqual([['required', 'Patient.identifier']]);
    expect(issuesOf(patient([{ ...ni, use: 'usual' }])).map((i) => [i.code, i.expression?.[0]])).toEqual([['value', 'Patient.identifier[0].use']]);
    // mahalla-vs is the IG's own (its CodeSystem is in spec/ig); administrative-gender is HL7's, not checked here.
    expect(issuesOf(patient([ni], { gender: 'bogus', address: [{ country: 'UZ', city: 'bogus' }] })).map((i) => [i.code, i.expression?.[0]])).toEqual([['code-invalid', 'Patient.address[0].city']]);
    expect(issuesOf(patient([ni, { ...ni, value: '40503855900021' }])).map((i) => i.code)).toEqual(['structure']);
  });

  test('data-absent-reason in place of a required primitive counts as present', () => {
    const { value: _v, ...noValue } = ni;
    const dar = { ...noValue, _value: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] } };
    expect(issuesOf(patient([dar]))).toEqual([]);
    expect(issuesOf(patient([noValue])).map((i) => i.expression?.[0])).toEqual(['Patient.identifier[0].value']);
  });

  test('required-not-enforced skips minimums only', () => {
    expect(issuesOf(patient([]), { skipMinimums: true })).toEqual([]);
    expect(issuesOf(patient([{ ...ni, use: 'usual' }]), { skipMinimums: true })).toHaveLength(1);
  });

  test('only UZ Core profiles of the resource\'s own type are claimed (HL7 vital-signs profiles are not the server\'s to enforce)', () => {
    const obs = { resourceType: 'Observation', meta: { profile: ['http://hl7.org/fhir/StructureDefinition/vitalsigns', PATIENT] } } as unknown as Resource;
    expect(claimedProfiles(obs)).toEqual([]);
  });
});
