import { describe, expect, test } from 'vitest';
import type { Resource } from 'fhir/r5.js';
import { kit } from './testkit.ts';

const LOINC = 'http://loinc.org';
const obs = (id: string, extra: Record<string, unknown>) => ({ resourceType: 'Observation', id, status: 'final', ...extra }) as unknown as Resource;

function world() {
  const k = kit();
  k.add(
    obs('loinc', { code: { coding: [{ system: LOINC, code: '8867-4', display: 'Heart rate' }], text: 'Pulse' } }),
    obs('local', { code: { coding: [{ system: 'urn:local', code: '8867-4' }] } }),
    obs('nosys', { code: { coding: [{ code: '8867-4' }] } }),
    obs('other', { code: { coding: [{ system: LOINC, code: '29463-7', display: 'Body weight' }] }, status: 'amended' }),
    obs('textonly', { code: { text: 'Qon bosimi' } }),
    obs('upper', { code: { coding: [{ system: LOINC, code: 'ABC' }] } }),
    obs('nocode', { status: 'preliminary' }),
  );
  k.add(
    { resourceType: 'Patient', id: 'p1', active: true, gender: 'female', identifier: [{ system: 'urn:pinfl', value: '12345', type: { text: 'PINFL raqami' } }],
      telecom: [{ system: 'email', value: 'a@b.uz' }, { system: 'phone', value: '+998901234567' }] } as Resource,
    { resourceType: 'Patient', id: 'p2', active: false, gender: 'male', identifier: [{ value: '12345' }] } as Resource,
    { resourceType: 'Patient', id: 'p3' } as Resource,
  );
  return k;
}
const w = world();

describe('token', () => {
  test.for([
    // [query, expected ids]
    ['code=8867-4', ['loinc', 'local', 'nosys']],
    [`code=${LOINC}|8867-4`, ['loinc']],
    ['code=|8867-4', ['nosys']],
    [`code=${LOINC}|`, ['loinc', 'other', 'upper']],
    ['code=abc', []], // codes are case-sensitive
    ['code=ABC', ['upper']],
    ['code=8867-4,29463-7', ['loinc', 'local', 'nosys', 'other']],
    ['code:not=8867-4', ['other', 'textonly', 'upper', 'nocode']],
    [`code:not=${LOINC}|8867-4`, ['local', 'nosys', 'other', 'textonly', 'upper', 'nocode']],
    ['code:not=8867-4,29463-7', ['textonly', 'upper', 'nocode']],
    ['code:text=heart', ['loinc']],
    ['code:text=PULSE', ['loinc']],
    ['code:text=qon', ['textonly']],
    ['code:text=rate', []], // starts-with, not contains
    ['code:missing=true', ['nocode']],
    ['code:missing=false', ['loinc', 'local', 'nosys', 'other', 'textonly', 'upper']],
    ['status=amended', ['other']],
    ['status=final&code=29463-7', []],
    ['status=final&status=amended', []],
    ['code=8867-4&code=urn:local|', ['local']],
    ['_id=loinc,upper', ['loinc', 'upper']],
  ] as [string, string[]][])('Observation?%s', ([q, expected]) => {
    expect(w.ids('Observation', q).sort()).toEqual([...expected].sort());
  });

  test.for([
    ['identifier=12345', ['p1', 'p2']],
    ['identifier=urn:pinfl|12345', ['p1']],
    ['identifier=|12345', ['p2']],
    ['identifier:text=pinfl', ['p1']],
    ['active=true', ['p1']],
    ['active=false', ['p2']],
    ['gender=female', ['p1']],
    ['gender:not=female', ['p2', 'p3']],
    ['telecom=a@b.uz', ['p1']],
    ['email=a@b.uz', ['p1']],
    ['email=+998901234567', []],
    ['telecom=+998901234567', ['p1']],
  ] as [string, string[]][])('Patient?%s', ([q, expected]) => {
    expect(w.ids('Patient', q).sort()).toEqual([...expected].sort());
  });

  test('escaped | in a code', () => {
    const k = kit();
    k.add(obs('bar', { code: { coding: [{ code: 'a|b' }] } }));
    expect(k.ids('Observation', 'code=a\\|b')).toEqual(['bar']);
    expect(k.ids('Observation', 'code=a\\,b')).toEqual([]);
  });

  test('`|` alone is a bad value', () => {
    expect(() => w.ids('Observation', 'code=|')).toThrowError(/Invalid value/);
  });
});
