import { describe, expect, test } from 'vitest';
import { loadMatrix } from '../matrix/load.ts';
import type { SearchParam } from '../matrix/types.ts';
import { resourceMatches } from './evaluate.ts';
import { branches, Unplantable } from './plant-path.ts';
import { minimalResource, UZ_MANDATORY } from './plant-required.ts';
import { VARIANTS, type Variant } from './plant-variants.ts';
import { planParam, type PlantContext, type Resolved } from './plant.ts';

const { matrix } = loadMatrix();
const param = (type: string, name: string): SearchParam => {
  const p = matrix.resources.find((r) => r.type === type)?.searchParams.find((x) => x.name === name);
  if (!p) throw new Error(`${type}:${name} not in the matrix`);
  return p;
};
/** Targets become `Type/slot-unique` literals, as if the server had already assigned them. */
const ctx = (unique = 'u1'): PlantContext => ({ unique, target: (types, slot) => `${types.includes('Patient') ? 'Patient' : types[0] ?? 'Basic'}/t${slot}` });
const resolved = (res: Record<Variant, Record<string, any>>): Resolved => {
  const stored = Object.fromEntries(VARIANTS.map((v) => [v, { ...res[v], id: `${v}-id`, meta: { ...res[v].meta, lastUpdated: '2026-01-01T00:00:00.000Z' } }]));
  return { ref: (p) => p, stored: (v) => stored[v]! };
};

describe('branches', () => {
  test.for([
    ['Observation.code', [{ root: 'Observation', steps: ['code'] }]],
    ['Observation.effective.ofType(dateTime) | Observation.effective.ofType(Period)', [{ root: 'Observation', steps: ['effective(dateTime)'] }, { root: 'Observation', steps: ['effective(Period)'] }]],
    ['(ActivityDefinition.useContext.value as CodeableConcept)', [{ root: 'ActivityDefinition', steps: ['useContext', 'value(CodeableConcept)'] }]],
    ['(start|requestedPeriod.start).first()', [{ root: '', steps: ['start'] }, { root: '', steps: ['requestedPeriod', 'start'] }]],
    ["Patient.telecom.where(system='email')", [{ root: 'Patient', steps: ['telecom[system=email]'] }]],
    ["Condition.subject.where(reference.contains('Patient/'))", [{ root: 'Condition', steps: ['subject{Patient/}'] }]],
    ['Practitioner.deceased.exists() and Practitioner.deceased != false', [{ root: 'Practitioner', steps: ['deceased(boolean)'] }]],
    ['Patient.deceased != false', [{ root: 'Patient', steps: ['deceased(boolean)'] }]],
    ['Bundle.entry.resource.ofType(Composition).status', [{ root: 'Bundle', steps: ['entry', 'resource(Composition)', 'status'] }]],
    ['Person.link.target.where(resolve() is Patient)', [{ root: 'Person', steps: ['link', 'target<Patient>'] }]],
    ["QuestionnaireResponse.item.where(extension('http://x/isSubject').exists()).answer.value.ofType(Reference)", [{ root: 'QuestionnaireResponse', steps: ['item+http://x/isSubject', 'answer', 'value(Reference)'] }]],
  ] as const)('%s', ([expr, want]) => {
    const got = branches(expr).map((b) => ({
      root: b.root,
      steps: b.steps.map((s) => s.name + (s.ofType ? `(${s.ofType})` : '') + (s.equals ? `[${s.equals.map((e) => `${e.field}=${e.value}`).join()}]` : '') + (s.refContains ? `{${s.refContains}}` : '') + (s.refType ? `<${s.refType}>` : '') + (s.extension ? `+${s.extension}` : '')),
    }));
    expect(got).toEqual(want);
  });

  test.for([
    ['Location.address.city |', /empty union branch/],
    ['Patient.name.family and Patient.active', /operators/],
    ["QuestionnaireResponse.item.where(extension('x').empty()).answer", /unsupported filter/],
  ] as const)('%s is unplantable', ([expr, why]) => {
    expect(() => branches(expr)).toThrow(Unplantable);
    expect(() => branches(expr)).toThrow(why);
  });
});

describe('minimalResource', () => {
  test.for(Object.keys(UZ_MANDATORY))('%s carries the UZ Core mandatory elements', (type) => {
    const r = minimalResource(type, ctx());
    for (const key of Object.keys(UZ_MANDATORY[type]!)) expect(r[key], key).toBeDefined();
  });
  test('R5 base minimums are filled from the StructureDefinition (Observation.status, code)', () => {
    const r = minimalResource('Observation', ctx());
    expect(r.status).toBe('final');
    expect(r.code).toBeDefined();
  });
  test('Patient gets a PINFL identifier under the NI system', () => {
    expect(minimalResource('Patient', ctx()).identifier[0]).toMatchObject({ system: 'https://dhp.uz/fhir/core/sid/pid/uz/ni', value: expect.stringMatching(/^\d{14}$/) });
  });
});

describe('planParam', () => {
  test('a choice date goes into the first branch\'s type: Observation.effectiveDateTime', () => {
    const plan = planParam('Observation', param('Observation', 'date'), ctx());
    expect(plan.status).toBe('planned');
    expect(plan.resources!.match.effectiveDateTime).toBe('2011-12-31T14:00:00+05:00');
    expect(plan.resources!.decoy.effectiveDateTime).toBe('2001-02-03T04:05:06Z');
    expect(plan.extras?.straddle?.resource.effectiveDateTime).toBe('2011-12');
    expect(plan.extras?.zoned?.resource.effectiveDateTime).toBe('2015-01-01T02:30:00+05:00');
    expect(plan.queries.filter((q) => !q.triple).map((q) => q.label)).toEqual([
      'eq day', 'day,day (OR)', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'eq month', 'ne day', 'sa day', 'eb day', 'ap day', 'lt, another zone',
    ]);
    expect(plan.queries.filter((q) => q.triple === 'generated').map((q) => q.label)).toEqual([expect.stringMatching(/^generated \(values.ts seed \d+\)$/), expect.stringMatching(/^generated OR/)]);
    expect(plan.generated?.resources.match.effectiveDateTime).toBeDefined();
  });
  test('where(reference.contains(\'Patient/\')) plants a Patient reference', () => {
    const plan = planParam('Condition', param('Condition', 'patient'), ctx());
    expect(plan.resources!.match.subject).toMatchObject({ reference: 'Patient/t0' });
    expect(plan.resources!.decoy.subject).toEqual({ reference: 'Patient/t2' });
  });
  test('where(system=\'email\') is written into the planted ContactPoint', () => {
    const plan = planParam('Patient', param('Patient', 'email'), ctx());
    expect(plan.resources!.match.telecom.at(-1)).toMatchObject({ system: 'email' });
  });
  test('a token decoy has the match\'s code under another system; the second match has no system', () => {
    const plan = planParam('Observation', param('Observation', 'code'), ctx('k'));
    const [m, s, d] = VARIANTS.map((v) => plan.resources![v].code.coding[0]);
    expect(d.code).toBe(m.code);
    expect(d.system).not.toBe(m.system);
    expect(s.system).toBeUndefined();
    expect(plan.systemDiscriminated).toBe(true);
  });
  test('a composite plants both components on the same node; the decoy differs only in the second', () => {
    const plan = planParam('Observation', param('Observation', 'component-code-value-quantity'), ctx());
    const comp = (v: Variant) => plan.resources![v].component.at(-1);
    expect(comp('match').code).toEqual(comp('decoy').code);
    expect(comp('match').valueQuantity.value).not.toBe(comp('decoy').valueQuantity.value);
  });
  test.for([
    ['Observation', '_has', /special/],
  ] as const)('%s:%s is not run (%s)', ([type, name, why]) => {
    const plan = planParam(type, param(type, name), ctx());
    expect(plan.status).toBe('not-run');
    expect(plan.reason).toMatch(why);
  });
  test('an expression that is not FHIRPath (trailing |) is not run, with the reason', () => {
    const plan = planParam('Location', { ...param('Location', 'address'), expression: 'Location.address.city |' }, ctx());
    expect(plan.status).toBe('not-run');
    expect(plan.reason).toMatch(/empty union branch/);
  });
  test('an embedded resource is planted with its resourceType (Bundle.entry.resource.ofType(Composition))', () => {
    const plan = planParam('Bundle', param('Bundle', 'composition-status'), ctx());
    expect(plan.status).toBe('planned');
    expect(plan.resources!.match.entry.at(-1).resource).toMatchObject({ resourceType: 'Composition' });
  });
  test('_id and _lastUpdated are server-assigned: planned as a sequential triple', () => {
    expect(planParam('Patient', param('Patient', '_id'), ctx()).status).toBe('sequential');
    expect(planParam('Patient', param('Patient', '_lastUpdated'), ctx()).status).toBe('sequential');
  });
});

// Every planned query must tell the planted resources (triple and extras) apart by the oracle: at least one must match, one must not —
// otherwise an ignoring server could pass it (and a playground gap would look closed).
test('every query of every plantable matrix param discriminates the planted triple by the oracle', () => {
  const problems: string[] = [];
  let planned = 0;
  let terminologyQueries = 0;
  for (const r of matrix.resources) {
    r.searchParams.forEach((p, i) => {
      const plan = planParam(r.type, p, ctx(`x${i}`));
      if (plan.status !== 'planned') return;
      planned++;
      const fixed = resolved(plan.resources!);
      const gen = plan.generated && resolved(plan.generated.resources);
      const extras = Object.entries(plan.extras ?? {}).map(([name, x]) => ({ ...x.resource, id: `${name}-id` }));
      for (const q of plan.queries) {
        const res = q.triple === 'generated' ? gen! : fixed;
        const value = q.value(res);
        const planted = [...VARIANTS.map((v) => res.stored(v)), ...(q.triple === 'generated' ? [] : extras)];
        const got = planted.map((r) => resourceMatches(r, p, value, q.modifier));
        if (!got.some(Boolean) || got.every(Boolean)) problems.push(`${r.type}:${p.name} [${q.label}] ${value} → ${got}`);
      }
      // The :in/:not-in and :below/:above queries, each on its own triple.
      for (const triple of [plan.terminology, plan.hierarchy]) {
        if (!triple) continue;
        const res = resolved(triple.resources);
        for (const q of triple.queries) {
          terminologyQueries++;
          const value = q.value(res);
          const got = VARIANTS.map((v) => resourceMatches(res.stored(v), p, value, q.modifier));
          if (!got.some(Boolean) || got.every(Boolean)) problems.push(`${r.type}:${p.name} [${q.label}] ${value} → ${got}`);
        }
      }
    });
  }
  expect(planned).toBeGreaterThan(1100);
  expect(terminologyQueries).toBeGreaterThan(100);
  expect(problems).toEqual([]);
}, 120_000);

// Each extra is there to catch one wrong implementation: the query aimed at it must judge it as the spec says.
describe('extras are judged as R5 says by the query aimed at them', () => {
  const judge = (type: string, name: string, extra: string, label: string) => {
    const plan = planParam(type, param(type, name), ctx());
    const q = plan.queries.find((x) => x.label === label)!;
    return resourceMatches({ ...plan.extras![extra]!.resource, id: 'x' }, param(type, name), q.value(resolved(plan.resources!)), q.modifier);
  };
  test.for([
    ['Patient', 'family', 'case-only', ':exact', false],
    ['Patient', 'family', 'case-only', 'prefix, any case', true],
    ['Patient', 'family', 'accented', 'prefix without accents', true],
    ['Patient', 'family', 'mid-word', 'prefix, any case', false],
    ['Observation', 'date', 'straddle', 'eq day', false],
    ['Observation', 'date', 'straddle', 'ne day', true],
    ['Observation', 'date', 'straddle', 'ap day', true],
    ['Observation', 'date', 'zoned', 'lt, another zone', true],
    ['Encounter', 'date', 'straddle', 'eq day', false], // Encounter.actualPeriod: a Period across midnight
    ['Encounter', 'date', 'straddle', 'sa day', false],
    ['Encounter', 'date', 'straddle', 'eb day', false],
    ['Patient', 'birthdate', 'straddle', 'eq day', false],
    ['Observation', 'code', 'other-code', 'system|code', false],
    ['Observation', 'value-quantity', 'other-unit', 'number|system|code', false],
    ['Observation', 'value-quantity', 'other-system', 'number||code', true],
    ['Observation', 'value-quantity', 'within-precision', 'number|system|code', true],
  ] as const)('%s:%s %s under [%s] → %s', ([type, name, extra, label, want]) => expect(judge(type, name, extra, label)).toBe(want));
});
