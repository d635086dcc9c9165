// A second triple from the oracle's fast-check generators (values.ts), planted like the fixed one, so the search checks
// also meet values nobody hand-picked; the seed in the query label reproduces it.
import fc from 'fast-check';
import type { SearchParamType } from '../matrix/types.ts';
import { resourceMatches } from './evaluate.ts';
import { minimalResource } from './plant-required.ts';
import { VARIANTS, type Variant } from './plant-variants.ts';
import { write } from './plant-write.ts';
import type { ParamPlan, PlantContext } from './plant.ts';
import * as generated from './values.ts';

/** The values.ts arbitrary for a parameter type and leaf element, when it has one. */
function arbitraryFor(ptype: SearchParamType, leaf: string): fc.Arbitrary<generated.SearchCase> | undefined {
  const has = (xs: string[]) => xs.includes(leaf);
  switch (ptype) {
    case 'date': return has(['date', 'dateTime', 'instant', 'Period', 'Timing']) ? generated.arbitraryDateCase(leaf as generated.DateElement) : undefined;
    case 'number': return has(['decimal', 'integer']) ? generated.arbitraryNumberCase() : undefined;
    case 'quantity': return has(['Quantity', 'Age', 'Duration', 'Distance', 'Count', 'SimpleQuantity']) ? generated.arbitraryQuantityCase() : undefined;
    case 'string': return has(['string', 'markdown', 'HumanName', 'Address']) ? generated.arbitraryStringCase(leaf === 'markdown' ? 'string' : leaf as generated.StringElement) : undefined;
    case 'token': return has(['Coding', 'CodeableConcept', 'Identifier', 'code']) ? generated.arbitraryTokenCase(leaf as generated.TokenElement) : undefined;
    case 'reference': return leaf === 'Reference' ? generated.arbitraryReferenceCase() : undefined;
    case 'uri': return has(['uri', 'url', 'canonical']) ? generated.arbitraryUriCase() : undefined;
    default: return undefined;
  }
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Adds the generated triple and its two queries when values.ts has a generator for the leaf and the case, planted
 * in whole resources, still tells the three apart by the oracle (required elements can add values of their own).
 */
export function addGenerated(plan: ParamPlan, type: string, chain: Parameters<typeof write>[1], leaf: string, ctx: PlantContext): void {
  const arb = arbitraryFor(plan.param.type, leaf);
  if (!arb) return;
  const seed = seedOf(`${ctx.unique}:${plan.param.capability}`);
  const c = fc.sample(arb, { seed, numRuns: 1 })[0];
  if (!c) return;
  const resources = {} as Record<Variant, Record<string, any>>;
  const pick: Record<Variant, unknown> = { match: c.match, second: c.secondMatch, decoy: c.decoy };
  for (const v of VARIANTS) resources[v] = write(minimalResource(type, ctx), chain, structuredClone(pick[v]), ctx);
  const judged = (q: string) => VARIANTS.map((v) => {
    try { return resourceMatches({ ...resources[v], id: v }, plan.param, q); } catch { return undefined; }
  });
  const queries = [...new Set([c.query, c.orQuery])];
  if (!queries.every((q) => judged(q).join() === 'true,true,false')) return;
  plan.generated = { seed, resources };
  queries.forEach((q, i) => plan.queries.push({ label: `generated${i ? ' OR' : ''} (values.ts seed ${seed})`, value: () => q, triple: 'generated' }));
}
