// The rules the matrix ids and the planted data of the searches across references share (related.ts), the finding on
// platform expressions (r5-elements.ts, expression-valid.ts) and the reference reading of the judge (judge-related.ts).
import { describe, expect, test } from 'vitest';
import { loadMatrix } from '../matrix/load.ts';
import { documentedExpression } from './expression-valid.ts';
import { referenceKey, referencesVia } from './judge-related.ts';
import { nonR5Elements } from './r5-elements.ts';
import { chainParamOf, hasSourceFor, pickTarget, plantedTargetType, referencePairs, relatedIds, relatedKindOf, writableOf } from './related.ts';

const { matrix } = loadMatrix();
const writable = writableOf(matrix.resources);
const param = (type: string, name: string) => matrix.resources.find((r) => r.type === type)!.searchParams.find((p) => p.name === name)!;

describe('which type a reference param points at', () => {
  test('Patient where the element allows it, else the first writable target; Reference(Any) as the param declares', () => {
    expect(pickTarget(['Group', 'Patient'], writable)).toBe('Patient');
    expect(pickTarget(['Device', 'Location'], writable)).toBe('Location');
    expect(pickTarget(['Device'], writable)).toBeUndefined();
    expect(pickTarget(['Resource'], writable)).toBe('Patient');
    expect(plantedTargetType('Observation', param('Observation', 'subject'), writable)).toBe('Patient');
    expect(plantedTargetType('Encounter', param('Encounter', 'account'), writable)).toBeUndefined();
    // CodeableReference.reference has no target of its own: the param's targets decide.
    expect(plantedTargetType('CarePlan', param('CarePlan', 'condition'), writable)).toBe('Condition');
  });

  test('a type the target cannot write is skipped: the same param points elsewhere there', () => {
    const without = writableOf(matrix.resources, (t) => t === 'Patient');
    expect(plantedTargetType('Observation', param('Observation', 'subject'), without)).not.toBe('Patient');
  });

  test('chains go through identifier where the target has it, else _id', () => {
    expect(chainParamOf(matrix.resources.find((r) => r.type === 'Patient')!).name).toBe('identifier');
    const bare = { ...matrix.resources.find((r) => r.type === 'Patient')!, searchParams: [] };
    expect(chainParamOf(bare).name).toBe('_id');
  });

  test('pairs, ids and kinds agree', () => {
    const pairs = referencePairs(matrix, writable, ['Observation']);
    const subject = pairs.find((p) => p.param.name === 'subject')!;
    expect(relatedIds.include(subject)).toBe('search:Observation:_include:Observation:subject');
    expect(relatedIds.revinclude(subject)).toBe('search:Patient:_revinclude:Observation:subject');
    expect(relatedIds.chain(subject)).toBe('search:Observation:subject:chain:Patient.identifier');
    expect(relatedIds.has(subject)).toBe('search:Patient:_has:Observation:subject');
    for (const id of [relatedIds.include(subject), relatedIds.revinclude(subject), relatedIds.chain(subject), relatedIds.has(subject), 'search:Observation:code:missing']) {
      expect(matrix.capabilities.some((c) => c.id === id), id).toBe(true);
    }
    expect(['include', 'revinclude', 'chain', '_has', 'missing'].map((k, i) => relatedKindOf([relatedIds.include(subject), relatedIds.revinclude(subject), relatedIds.chain(subject), relatedIds.has(subject), 'search:X:code:missing'][i]!) === k)).toEqual([true, true, true, true, true]);
    expect(relatedKindOf('search:Patient:_has')).toBeUndefined();
    expect(relatedKindOf('search:Patient:family')).toBeUndefined();
  });

  test('_has on a type finds a source among the other writable types first', () => {
    const src = hasSourceFor(matrix, 'Patient', writable)!;
    expect(src.source).not.toBe('Patient');
    expect(hasSourceFor(matrix, 'NoSuchType', writable)).toBeUndefined();
  });
});

describe('expressions over elements R5 lacks', () => {
  test('names the missing elements of every branch; [] for R5 expressions', () => {
    expect(nonR5Elements('Claim.subject | Claim.item.subject', 'Claim')).toEqual(['Claim.subject', 'Claim.item.subject']);
    expect(nonR5Elements("Claim.subject.where(reference.contains('/Patient'))", 'Claim')).toEqual(['Claim.subject']);
    expect(nonR5Elements('Claim.patient', 'Claim')).toEqual([]);
    expect(nonR5Elements('Observation.effective.ofType(Period)', 'Observation')).toEqual([]);
    expect(nonR5Elements('Resource.meta.tag', 'Patient')).toEqual([]);
  });

  test('the matrix keeps the platform expression and judges R5\'s', () => {
    expect(param('Claim', 'patient')).toMatchObject({ expression: 'Claim.patient', expressionSource: 'r5', platformExpression: expect.stringContaining('Claim.subject') });
    expect(param('Claim', 'subject')).toMatchObject({ expression: null, expressionSource: 'none' });
    expect(matrix.capabilities.find((c) => c.id === 'search:Claim:subject')?.notTested).toMatch(/R5 (does not have|defines no such)/);
  });

  test('the documented expression is read as the platform writes it', () => {
    expect(documentedExpression('expression: Claim.subject\nsubtype: Reference')).toBe('Claim.subject');
    expect(documentedExpression('expression: A.b |\n\tA.c\n(Patient)')).toBe('A.b | A.c');
    expect(documentedExpression('no expression here')).toBeUndefined();
  });
});

test('the judge reads references relative, absolute, versioned and inside a CodeableReference', () => {
  expect(referenceKey('Patient/1')).toBe('Patient/1');
  expect(referenceKey('https://x.uz/fhir/Patient/1/_history/2')).toBe('Patient/1');
  expect(referenceKey('urn:uuid:1')).toBeUndefined();
  const p = { name: 'x', type: 'reference' as const, expression: 'Condition.evidence.reference | Condition.subject', expressionSource: 'r5' as const, declaredByServer: true, declaredByIg: true, tier: 'SHALL' as const, capability: 'search:Condition:x' };
  expect(referencesVia({ resourceType: 'Condition', subject: { reference: 'Patient/p' }, evidence: [{ reference: { reference: 'Observation/o' } }] }, p).sort()).toEqual(['Observation/o', 'Patient/p']);
});
