// The reference engine's searches across references (chains, _has) and :missing, and the faults that break them.
import type { Resource } from 'fhir/r5.js';
import { describe, expect, test } from 'vitest';
import type { FaultName } from '../faults.ts';
import { kit } from './testkit.ts';

const res = (r: Record<string, unknown>) => r as unknown as Resource;

const VS = (url: string) => (url === 'urn:vs:x' ? [{ system: 'urn:c', code: 'x' }] : undefined);

function world(fault?: FaultName) {
  // urn:c: y is below x.
  const hierarchy = (system: string, code: string, direction: 'below' | 'above') =>
    system !== 'urn:c' ? undefined : direction === 'below' ? (code === 'x' ? ['x', 'y'] : [code]) : code === 'y' ? ['y', 'x'] : [code];
  const k = kit({ faults: fault ? [[fault, '']] : [], valueSet: VS, hierarchy });
  k.add(
    res({ resourceType: 'Patient', id: 'p1', identifier: [{ system: 'urn:s', value: 'one', type: { coding: [{ system: 'urn:v2', code: 'MR' }], text: 'Medical record' } }], name: [{ family: 'Alpha' }] }),
    res({ resourceType: 'Patient', id: 'p2', identifier: [{ system: 'urn:s', value: 'two' }], name: [{ family: 'Beta' }] }),
    res({ resourceType: 'Observation', id: 'o1', subject: { reference: 'Patient/p1', display: 'Alpha Karimova' }, code: { coding: [{ system: 'urn:c', code: 'x' }] } }),
    res({ resourceType: 'Observation', id: 'o2', subject: { reference: 'Patient/p2' }, code: { coding: [{ system: 'urn:c', code: 'y' }] } }),
    res({ resourceType: 'Observation', id: 'o3', code: { coding: [{ system: 'urn:c', code: 'x' }] } }),
  );
  return (type: string, q: string) => k.ids(type, q).sort();
}

describe('chaining, reverse chaining and :missing', () => {
  test('a chain with and without the type modifier selects by the target\'s param', () => {
    const q = world();
    expect(q('Observation', 'subject:Patient.identifier=urn:s|one')).toEqual(['o1']);
    expect(q('Observation', 'subject.name=bet')).toEqual(['o2']);
    expect(q('Observation', 'subject:Patient.identifier=urn:s|none')).toEqual([]);
  });

  test('_has selects the targets that resources matching the inner search refer to', () => {
    const q = world();
    expect(q('Patient', '_has:Observation:subject:code=urn:c|x')).toEqual(['p1']);
    expect(q('Patient', '_has:Observation:subject:_id=o1,o2')).toEqual(['p1', 'p2']);
  });

  test(':missing=true returns those without a value, :missing=false those with one', () => {
    const q = world();
    expect(q('Observation', 'subject:missing=true')).toEqual(['o3']);
    expect(q('Observation', 'subject:missing=false')).toEqual(['o1', 'o2']);
  });

  test('faults: chain-ignored, has-ignored and missing-inverted break exactly their own search', () => {
    expect(world('chain-ignored')('Observation', 'subject:Patient.identifier=urn:s|one')).toEqual(['o1', 'o2', 'o3']);
    expect(world('chain-ignored')('Patient', '_has:Observation:subject:_id=o1')).toEqual(['p1']);
    expect(world('has-ignored')('Patient', '_has:Observation:subject:_id=o1')).toEqual(['p1', 'p2']);
    expect(world('has-ignored')('Observation', 'subject.name=bet')).toEqual(['o2']);
    expect(world('missing-inverted')('Observation', 'subject:missing=true')).toEqual(['o1', 'o2']);
    expect(world('missing-inverted')('Observation', 'subject=Patient/p1')).toEqual(['o1']);
  });

  test(':of-type on an identifier, :text on a token and on a reference; modifiers-ignored drops all three', () => {
    const q = world();
    expect(q('Patient', 'identifier:of-type=urn:v2|MR|one')).toEqual(['p1']);
    expect(q('Patient', 'identifier:of-type=urn:v2|MR|two')).toEqual([]);
    expect(q('Patient', 'identifier:text=medical')).toEqual(['p1']);
    expect(q('Observation', 'subject:text=alpha kar')).toEqual(['o1']);
    const faulty = world('modifiers-ignored');
    expect(faulty('Patient', 'identifier:of-type=urn:v2|MR|one')).toEqual(['p1', 'p2']);
    expect(faulty('Observation', 'subject:text=alpha')).toEqual(['o1', 'o2', 'o3']);
    expect(faulty('Observation', 'subject=Patient/p1')).toEqual(['o1']);
  });

  test(':in, :not-in, :below and :above ask the terminology service; in-ignored drops them; an unknown ValueSet is a 400', () => {
    const q = world();
    expect(q('Observation', 'code:in=urn:vs:x')).toEqual(['o1', 'o3']);
    expect(q('Observation', 'code:not-in=urn:vs:x')).toEqual(['o2']);
    expect(world('in-ignored')('Observation', 'code:in=urn:vs:x')).toEqual(['o1', 'o2', 'o3']);
    expect(() => q('Observation', 'code:in=urn:vs:unknown')).toThrow(/not known/);
    expect(q('Observation', 'code:below=urn:c|x')).toEqual(['o1', 'o2', 'o3']);
    expect(q('Observation', 'code:below=urn:c|y')).toEqual(['o2']);
    expect(q('Observation', 'code:above=urn:c|y')).toEqual(['o1', 'o2', 'o3']);
    expect(q('Observation', 'code:above=urn:c|x')).toEqual(['o1', 'o3']);
    expect(world('in-ignored')('Observation', 'code:below=urn:c|y')).toEqual(['o1', 'o2', 'o3']);
  });

  test('an unknown chain or reverse chain is a 400 under strict handling', () => {
    const k = kit();
    expect(() => k.ids('Observation', 'code.name=x', true)).toThrow(/chained/);
    expect(() => k.ids('Patient', '_has:Observation:nope:code=x', true)).toThrow(/reverse chain/);
  });
});
