import { describe, expect, test } from 'vitest';
import type { Resource } from 'fhir/r5.js';
import { kit } from './testkit.ts';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const q = (value: number, code = 'mm[Hg]') => ({ value, system: UCUM, code, unit: code });
const cc = (code: string) => ({ coding: [{ system: LOINC, code }] });

describe('composite: both components on the SAME node', () => {
  const k = kit();
  k.add(
    // blood pressure panel: systolic 120, diastolic 80 in components
    { resourceType: 'Observation', id: 'bp', status: 'final', code: cc('85354-9'),
      component: [{ code: cc('8480-6'), valueQuantity: q(120) }, { code: cc('8462-4'), valueQuantity: q(80) }] } as unknown as Resource,
    // single observation on the root node
    { resourceType: 'Observation', id: 'hr', status: 'final', code: cc('8867-4'), valueQuantity: q(72, '/min') } as unknown as Resource,
    { resourceType: 'Observation', id: 'none', status: 'final', code: cc('8867-4') } as unknown as Resource,
  );
  test.for([
    ['combo-code-value-quantity=8480-6$120', ['bp']],
    ['combo-code-value-quantity=8462-4$80', ['bp']],
    // systolic code with the diastolic value: two different component nodes → no match
    ['combo-code-value-quantity=8480-6$80', []],
    ['combo-code-value-quantity=8462-4$120', []],
    // the panel code (root node) has no value on the root node
    ['combo-code-value-quantity=85354-9$120', []],
    [`combo-code-value-quantity=${LOINC}|8480-6$gt100|${UCUM}|mm[Hg]`, ['bp']],
    ['combo-code-value-quantity=8480-6$lt100', []],
    ['combo-code-value-quantity=8867-4$72', ['hr']],
    ['combo-code-value-quantity=8867-4$72||/min', ['hr']],
    ['combo-code-value-quantity=8867-4$72,8462-4$80', ['hr', 'bp']],
    ['combo-code-value-quantity=8867-4$72&combo-code-value-quantity=8462-4$80', []],
    ['combo-code-value-quantity:missing=true', ['none']],
    // a plain param over all components still matches across nodes
    ['component-code=8480-6&component-code=8462-4', ['bp']],
  ] as [string, string[]][])('%s', ([query, expected]) => {
    expect(k.ids('Observation', query).sort()).toEqual([...expected].sort());
  });

  test('wrong number of $ components → 400', () => {
    expect(() => k.ids('Observation', 'combo-code-value-quantity=8480-6')).toThrowError(/components/);
    expect(() => k.ids('Observation', 'combo-code-value-quantity=8480-6$1$2')).toThrowError(/components/);
  });

  test('escaped $ is part of a component value', () => {
    const c = kit();
    c.add({ resourceType: 'Observation', id: 'x', status: 'final', code: { coding: [{ code: 'a$b' }] }, valueQuantity: { value: 1 } } as unknown as Resource);
    expect(c.ids('Observation', 'combo-code-value-quantity=a\\$b$1')).toEqual(['x']);
  });
});
