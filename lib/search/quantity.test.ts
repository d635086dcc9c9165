// Quantity matcher: the R5 quantity examples and the unit filter.
import { describe, expect, test } from 'vitest';
import { parseValue } from './query.ts';
import { matches } from './quantity.ts';

const UCUM = 'http://unitsofmeasure.org';
const at = (q: string, target: unknown) => matches([target], parseValue(q, 'quantity'));
const mg = (value: number) => ({ value, unit: 'mg', system: UCUM, code: 'mg' });

describe('R5 spec examples', () => {
  test.for([
    { query: `5.4|${UCUM}|mg`, target: mg(5.44), expected: true, why: 'a value of 5.4(+/-0.05) mg where mg is understood as a UCUM unit' },
    { query: `5.4|${UCUM}|mg`, target: mg(5.46), expected: false, why: '5.4(+/-0.05)' },
    { query: `5.4|${UCUM}|mg`, target: { value: 5.4, unit: 'mg' }, expected: false, why: 'system/code are required when given' },
    { query: `5.40e-3|${UCUM}|g`, target: { value: 0.005404, system: UCUM, code: 'g' }, expected: true, why: '0.0054(+/-0.000005) g' },
    { query: '5.4||mg', target: { value: 5.4, unit: 'mg' }, expected: true, why: 'either the code (code) or the stated human unit (unit) are "mg"' },
    { query: '5.4||mg', target: { value: 5.4, system: 'x', code: 'mg' }, expected: true, why: 'either the code (code) or the stated human unit (unit)' },
    { query: '5.4||mg', target: { value: 5.4, code: 'g' }, expected: false, why: 'another unit' },
    { query: '5.4', target: { value: 5.4, code: 'kg' }, expected: true, why: 'irrespective of the unit' },
    { query: `le5.4|${UCUM}|mg`, target: mg(5.4), expected: true, why: 'less than 5.4 mg exactly' },
    { query: `ap5.4|${UCUM}|mg`, target: mg(5.9), expected: true, why: 'typically, within 10% of the value' },
    { query: `ap5.4|${UCUM}|mg`, target: mg(6), expected: false, why: 'typically, within 10% of the value' },
  ])('$query vs $target.value: $why', ({ query, target, expected }) => expect(at(query, target)).toBe(expected));
});

describe('target shapes', () => {
  test.for([
    // query, target, expected
    ['gt5', { value: 5, comparator: '>' }, true],
    ['lt5', { value: 5, comparator: '<' }, true],
    ['eq5', { value: 5, comparator: '<' }, false],
    [`gt5|${UCUM}|mg`, { low: mg(1), high: mg(10) }, true],
    [`gt5|${UCUM}|mg`, { low: mg(1), high: { value: 10, system: UCUM, code: 'g' } }, false],
    ['5', { code: 'mg' }, false],
  ] as const)('%s vs %j → %s', ([q, target, expected]) => expect(at(q, target)).toBe(expected));
  test('malformed value throws', () => expect(() => at('5|mg', mg(5))).toThrow(SyntaxError));
});
