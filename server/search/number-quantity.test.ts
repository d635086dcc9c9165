import { describe, expect, test } from 'vitest';
import type { Resource } from 'fhir/r5.js';
import { kit } from './testkit.ts';
import { parseNumber } from './values.ts';

describe('parseNumber implicit ranges', () => {
  test.for([
    ['100', 99.5, 100.5],
    ['100.0', 99.95, 100.05],
    ['100.00', 99.995, 100.005],
    ['0.5', 0.45, 0.55],
    ['-3', -3.5, -2.5],
    ['1e2', 50, 150],
    ['1.0e2', 95, 105],
    ['12e-1', 1.15, 1.25],
  ] as [string, number, number][])('%s → [%d, %d)', ([s, lo, hi]) => {
    const n = parseNumber(s)!;
    expect(n.low).toBeCloseTo(lo, 9);
    expect(n.high).toBeCloseTo(hi, 9);
  });
  test.for(['abc', '1,5', '', '1.2.3', '--1'])('%s is not a number', (s) => expect(parseNumber(s)).toBeNull());
});

function risk(values: number[]) {
  const k = kit();
  values.forEach((v, i) => k.add({ resourceType: 'RiskAssessment', id: `r${i}`, status: 'final', subject: {}, prediction: [{ probabilityDecimal: v }] } as unknown as Resource));
  return (q: string) => k.ids('RiskAssessment', q).map((id) => values[Number(id.slice(1))]).sort((a, b) => a - b);
}

describe('number prefixes', () => {
  const q = risk([99.4, 99.5, 100, 100.4, 100.5, 101, 0.7]);
  test.for([
    ['probability=100', [99.5, 100, 100.4]],
    ['probability=100.0', [100]],
    ['probability=eq100', [99.5, 100, 100.4]],
    ['probability=ne100', [0.7, 99.4, 100.5, 101]],
    // "gt100: Values that are greater than exactly 100" — prefixes other than eq/ne/ap ignore the implicit precision.
    ['probability=gt100', [100.4, 100.5, 101]],
    ['probability=ge100', [100, 100.4, 100.5, 101]],
    ['probability=lt100', [0.7, 99.4, 99.5]],
    ['probability=le100', [0.7, 99.4, 99.5, 100]],
    ['probability=sa100', [100.4, 100.5, 101]],
    ['probability=eb100', [0.7, 99.4, 99.5]],
    ['probability=ap100', [99.4, 99.5, 100, 100.4, 100.5, 101]], // ±10% around [99.5, 100.5)
    ['probability=ap1', [0.7]], // [0.5, 1.5) ± 0.1
    ['probability=0.7', [0.7]],
    ['probability=gt100&probability=lt101', [100.4, 100.5]],
    ['probability=gt99&probability=lt101', [99.4, 99.5, 100, 100.4, 100.5]],
    ['probability=1e2', [99.4, 99.5, 100, 100.4, 100.5, 101]],
  ] as [string, number[]][])('%s', ([query, expected]) => expect(q(query)).toEqual(expected));

  test('bad number → 400', () => {
    expect(() => q('probability=gtabc')).toThrowError(/Invalid value/);
  });
});

const UCUM = 'http://unitsofmeasure.org';
const obsQ = (id: string, valueQuantity: Record<string, unknown>) => ({ resourceType: 'Observation', id, status: 'final', code: {}, valueQuantity }) as unknown as Resource;

describe('quantity', () => {
  const k = kit();
  k.add(
    obsQ('mg', { value: 5.4, unit: 'mg', system: UCUM, code: 'mg' }),
    obsQ('g', { value: 5.4, unit: 'g', system: UCUM, code: 'g' }),
    obsQ('unitonly', { value: 5.4, unit: 'mg' }),
    obsQ('other-sys', { value: 5.4, system: 'http://other', code: 'mg' }),
    obsQ('big', { value: 120, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' }),
  );
  k.add({ resourceType: 'Observation', id: 'sampled', status: 'final', code: {}, valueSampledData: { origin: { value: 5.4 }, period: 1, dimensions: 1 } } as unknown as Resource);
  test.for([
    ['value-quantity=5.4', ['mg', 'g', 'unitonly', 'other-sys']],
    [`value-quantity=5.4|${UCUM}|mg`, ['mg']],
    ['value-quantity=5.4||mg', ['mg', 'unitonly', 'other-sys']], // code or unit, any system
    [`value-quantity=5.4|${UCUM}|`, ['mg', 'g']],
    ['value-quantity=5.40', ['mg', 'g', 'unitonly', 'other-sys']],
    ['value-quantity=5.5', []],
    ['value-quantity=gt100', ['big']],
    [`value-quantity=lt100|${UCUM}|mm[Hg]`, []],
    [`value-quantity=le120|${UCUM}|mm[Hg]`, ['big']],
    ['value-quantity=ap5', ['mg', 'g', 'unitonly', 'other-sys']],
    ['value-quantity=5.4|http://unitsofmeasure.org|mg,120||mmHg', ['mg', 'big']],
    ['value-quantity:missing=true', ['sampled']], // SampledData is not indexed (documented)
  ] as [string, string[]][])('%s', ([q, expected]) => {
    expect(k.ids('Observation', q).sort()).toEqual([...expected].sort());
  });
  test('two-part quantity value → 400', () => {
    expect(() => k.ids('Observation', `value-quantity=5.4|${UCUM}`)).toThrowError(/Invalid value/);
  });
});
