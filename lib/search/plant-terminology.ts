// Triples for the terminology modifiers of a token param the IG binds to a UZ Core ValueSet (bindings.ts): the match
// and the second match carry two codes of the ValueSet, the decoy a code of the same system outside it, so
// `:in=<ValueSet>` and `:not-in=<ValueSet>` tell them apart by the harness's own expansion; where the codes' system
// has a hierarchy the harness holds, a child code, its parent and an unrelated code tell `:below=<parent>` and
// `:above=<child>` apart by the harness's own subsumption.
import { bindingAt, hierarchyOf } from './bindings.ts';
import { locate, write } from './plant-write.ts';
import { minimalResource } from './plant-required.ts';
import { LEAF_TYPES } from './plant-leaf.ts';
import type { Branch } from './plant-path.ts';
import { VARIANTS, type Variant } from './plant-variants.ts';
import type { ParamPlan, PlantContext } from './plant.ts';

const CODED = new Set(['code', 'Coding', 'CodeableConcept', 'CodeableReference']);

function coded(leaf: string, system: string, code: string): unknown {
  if (leaf === 'code') return code;
  const coding = { system, code };
  if (leaf === 'Coding') return coding;
  if (leaf === 'CodeableReference') return { concept: { coding: [coding] } };
  return { coding: [coding] };
}

/** Adds `plan.terminology` when the param is a token planted at an element the IG binds to an expandable ValueSet. */
export function addTerminology(plan: ParamPlan, type: string, br: Branch, ctx: PlantContext): void {
  if (plan.param.type !== 'token' || plan.status !== 'planned') return;
  const binding = bindingAt(type, plan.where);
  if (!binding) return;
  const { chain } = locate(type, type, br.steps, LEAF_TYPES.token);
  const leaf = chain[chain.length - 1]!.type;
  if (!CODED.has(leaf)) return;
  const [a, b] = binding.members;
  const values: Record<Variant, unknown> = {
    match: coded(leaf, a!.system, a!.code),
    second: coded(leaf, b!.system, b!.code),
    // A code of the match's system that no ValueSet of the IG holds.
    decoy: coded(leaf, a!.system, `zz${ctx.unique}`),
  };
  const resources = {} as Record<Variant, Record<string, any>>;
  for (const v of VARIANTS) resources[v] = write(minimalResource(type, ctx), chain, values[v], ctx);
  const vs = binding.valueSet;
  plan.terminology = {
    valueSet: vs,
    resources,
    queries: (['in', 'not-in'] as const).map((m) => ({ label: `:${m}=ValueSet`, value: () => vs, modifier: m, triple: 'terminology' as const })),
  };
  const h = hierarchyOf(binding);
  if (!h) return;
  const tree: Record<Variant, unknown> = { match: coded(leaf, h.system, h.child), second: coded(leaf, h.system, h.parent), decoy: coded(leaf, h.system, h.other) };
  const hierarchy = {} as Record<Variant, Record<string, any>>;
  for (const v of VARIANTS) hierarchy[v] = write(minimalResource(type, ctx), chain, tree[v], ctx);
  plan.hierarchy = {
    system: h.system,
    resources: hierarchy,
    queries: [
      { label: ':below=system|parent', value: () => `${h.system}|${h.parent}`, modifier: 'below', triple: 'hierarchy' },
      { label: ':above=system|child', value: () => `${h.system}|${h.child}`, modifier: 'above', triple: 'hierarchy' },
    ],
  };
}
