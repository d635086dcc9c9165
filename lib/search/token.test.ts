// Token matcher: the four value forms over every token-able datatype, and :not, :text, :missing.
import { describe, expect, test } from 'vitest';
import { parseValue, UnsupportedSearchError } from './query.ts';
import { matches } from './token.ts';

const at = (q: string, target: unknown, modifier?: string, caseSensitive?: boolean) =>
  matches(target === undefined ? [] : [target], parseValue(q, 'token'), modifier, { caseSensitive });

const LOINC = 'http://loinc.org';
const coding = { system: LOINC, code: '8480-6', display: 'Systolic blood pressure' };
const noSystem = { code: '8480-6' };
const concept = { coding: [{ system: 'http://snomed.info/sct', code: '271649006' }, coding], text: 'Sistolik qon bosimi' };
const identifier = { system: 'https://dhp.uz/fhir/sid/pinfl', value: '31234567890123', type: { text: 'PINFL' } };
const contact = { system: 'phone', value: '+998901234567' };

describe('form × datatype', () => {
  test.for([
    // query, target, expected
    ['8480-6', coding, true],
    [`${LOINC}|8480-6`, coding, true],
    [`http://other|8480-6`, coding, false],
    [`|8480-6`, coding, false],
    [`|8480-6`, noSystem, true],
    [`${LOINC}|`, coding, true],
    [`${LOINC}|`, noSystem, false],
    [`${LOINC}|8480-6`, concept, true],
    ['271649006', concept, true],
    ['8462-4', concept, false],
    ['https://dhp.uz/fhir/sid/pinfl|31234567890123', identifier, true],
    ['31234567890123', identifier, true],
    ['https://dhp.uz/fhir/sid/other|31234567890123', identifier, false],
    ['+998901234567', contact, true],
    ['male', 'male', true],
    ['MALE', 'male', true],
    ['female', 'male', false],
    ['http://hl7.org/fhir/administrative-gender|male', 'male', true],
    ['true', true, true],
    ['false', true, false],
  ] as const)('%s vs %j → %s', ([q, target, expected]) => expect(at(q, target)).toBe(expected));
});

describe('modifiers', () => {
  test.for([
    // query, modifier, target, expected
    // spec: "gender:not=male includes all patients that do not have gender = male, including patients that do not have a gender at all"
    ['male', 'not', 'female', true],
    ['male', 'not', 'male', false],
    ['male', 'not', undefined, true],
    ['271649006', 'not', concept, false],
    // spec: ":text ... (begins with or is, case-insensitive)"
    ['systolic', 'text', coding, true],
    ['sistolik', 'text', concept, true],
    ['qon', 'text', concept, false],
    ['pinfl', 'text', identifier, true],
    ['true', 'missing', undefined, true],
    ['false', 'missing', coding, true],
  ] as const)('%s :%s vs %j → %s', ([q, modifier, target, expected]) => expect(at(q, target, modifier)).toBe(expected));

  test('case-sensitive comparison when asked (_id)', () => {
    expect(at('Abc', 'abc', undefined, true)).toBe(false);
    expect(at('abc', 'abc', undefined, true)).toBe(true);
  });
  // R5 search-modifier-code of-type: "system|code|value, where the system and code refer to an Identifier.type.coding.system
  // and .code, and match if any of the type codes match. All 3 parts must be present."
  test(':of-type matches the type coding and the value together', () => {
    const mr = { system: 'urn:x', value: 'A12', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } };
    expect(at('http://terminology.hl7.org/CodeSystem/v2-0203|MR|A12', mr, 'of-type')).toBe(true);
    expect(at('http://terminology.hl7.org/CodeSystem/v2-0203|MR|a12', mr, 'of-type')).toBe(true);
    expect(at('http://terminology.hl7.org/CodeSystem/v2-0203|PRN|A12', mr, 'of-type')).toBe(false);
    expect(at('http://terminology.hl7.org/CodeSystem/v2-0203|MR|B7', mr, 'of-type')).toBe(false);
    expect(at('http://terminology.hl7.org/CodeSystem/v2-0203|MR|A12', identifier, 'of-type')).toBe(false);
    expect(() => at('MR|A12', mr, 'of-type')).toThrow(SyntaxError);
  });

  test(':in and :not-in judge membership by the harness\'s own expansion of the IG ValueSet', () => {
    const vs = 'https://terminology.dhp.uz/fhir/core/ValueSet/allergy-type-vs';
    const allergy = { coding: [{ system: 'http://hl7.org/fhir/allergy-intolerance-type', code: 'allergy' }] };
    const other = { coding: [{ system: 'http://hl7.org/fhir/allergy-intolerance-type', code: 'zz' }] };
    expect([at(vs, allergy, 'in'), at(vs, other, 'in'), at(vs, 'intolerance', 'in')]).toEqual([true, false, true]);
    expect([at(vs, allergy, 'not-in'), at(vs, other, 'not-in')]).toEqual([false, true]);
    expect(() => at('http://example.org/ValueSet/unknown', allergy, 'in')).toThrow(UnsupportedSearchError);
  });

  test(':below and :above judge by the harness\'s own reading of the code system\'s hierarchy', () => {
    const S = 'http://hl7.org/fhir/request-intent';
    const code = (c: string) => ({ system: S, code: c });
    expect([at(`${S}|order`, code('original-order'), 'below'), at(`${S}|order`, code('order'), 'below'), at(`${S}|order`, code('plan'), 'below'), at(`${S}|order`, 'reflex-order', 'below')]).toEqual([true, true, false, true]);
    expect([at(`${S}|original-order`, code('order'), 'above'), at(`${S}|original-order`, code('original-order'), 'above'), at(`${S}|original-order`, code('plan'), 'above')]).toEqual([true, true, false]);
    expect(() => at('http://example.org/cs|x', code('x'), 'below')).toThrow(UnsupportedSearchError);
  });

  test(':exact is not judged on tokens', () => expect(() => at('x', 'x', 'exact')).toThrow(UnsupportedSearchError));

  test.for(['above', 'below'])(':%s is judged only on a system|code value', (m) =>
    expect(() => at('x', 'x', m)).toThrow(/judged on system\|code only/));
});
