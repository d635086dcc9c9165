// The planter: for one search parameter, three minimal valid resources — MATCH, a distinct SECOND match (for `a,b`)
// and a DECOY that must not match — with the values written where the parameter's FHIRPath expression looks, typed by
// the R5 model (StructureDefinitions of hl7.fhir.r5.core), plus the queries (with labels fixed at plan time) that tell
// them apart. Planning is pure and synchronous (the suite declares its tests from it); ids are resolved after the
// transaction.
import type { SearchParam, SearchParamType } from '../matrix/types.ts';
import { COMMON_EXPRESSIONS } from './evaluate.ts';
import { compositePlan } from './plant-composite.ts';
import { addGenerated } from './plant-generated.ts';
import { addTerminology } from './plant-terminology.ts';
import { LEAF_TYPES, leafPlan, q } from './plant-leaf.ts';
import { branches, Unplantable, type Branch } from './plant-path.ts';
import { minimalResource } from './plant-required.ts';
import { VARIANTS, type Variant } from './plant-variants.ts';
import { branchText, locate, refTarget, write } from './plant-write.ts';

/** Turns a planted reference placeholder (urn:uuid or Type/id) into the `Type/id` the server stored; and gives server-assigned facts. */
export interface Resolved {
  ref(placeholder: string): string;
  /** The stored copy (id, meta.lastUpdated) of a planted variant of this param. */
  stored(v: Variant): Record<string, any>;
}

export interface SubQuery {
  /** Stable label (the test title says it): `S|c`, `:exact`, `gt`… */
  label: string;
  modifier?: string;
  value(r: Resolved): string;
  /** Which planted triple the query is about: the fixed one (default), the generated one (values.ts) or the terminology one (plant-terminology.ts). */
  triple?: 'generated' | 'terminology' | 'hierarchy';
}

export interface ParamPlan {
  param: SearchParam;
  type: string;
  /** planned: resources below; sequential: server-assigned values, created one by one (_lastUpdated, _id); not-run: reason. */
  status: 'planned' | 'sequential' | 'not-run';
  reason?: string;
  resources?: Record<Variant, Record<string, any>>;
  /** Further planted resources, each telling a correct implementation from one specific wrong one (plant-leaf.ts). */
  extras?: Record<string, { resource: Record<string, any>; catches: string }>;
  queries: SubQuery[];
  /** What was planted where (for the coverage file). */
  where?: string;
  /** The decoy differs from the match only by the token system (system|code checks tell them apart). */
  systemDiscriminated?: boolean;
  /**
   * `_has` (reverse chaining): the three resources above are of this type; these three of `source` point at one each
   * through `param` (placeholders `#has-<variant>`, replaced by the planter).
   */
  reverse?: { source: string; param: SearchParam; resources: Record<Variant, Record<string, any>>; placeholders: Record<Variant, string> };
  /** For a token bound to a UZ Core ValueSet: a triple of its own for `:in`/`:not-in`, and those queries (plant-terminology.ts). */
  terminology?: { valueSet: string; resources: Record<Variant, Record<string, any>>; queries: SubQuery[] };
  /** Where the bound codes' system has a hierarchy: a triple (child, parent, unrelated) for `:below`/`:above`. */
  hierarchy?: { system: string; resources: Record<Variant, Record<string, any>>; queries: SubQuery[] };
  /** A second triple from the oracle's fast-check generators (values.ts), with the seed that reproduces it. */
  generated?: { seed: number; resources: Record<Variant, Record<string, any>> };
}

/** How a plan asks for other resources: a reference placeholder to a target of `type` in pool slot `slot`. */
export interface PlantContext {
  /** Unique text for this param (values never collide across params or runs). */
  unique: string;
  /** Placeholder reference to a target resource of one of `types` (slot 0..2 = match/second/decoy, 'anchor' = filler). */
  target(types: readonly string[], slot: number | 'anchor'): string;
}

const SERVER_ASSIGNED: Record<string, string> = { 'Resource.id': 'id', 'Resource.meta.lastUpdated': 'lastUpdated' };

/** The plan for one search parameter of `type`: resources and labelled queries, or not-run with the reason. */
export function planParam(type: string, param: SearchParam, context: PlantContext): ParamPlan {
  // An element that allows any target (Reference(Any), CodeableReference.reference) points where the parameter says.
  const ctx: PlantContext = param.type === 'reference' && param.targets?.length
    ? { ...context, target: (types, slot) => context.target(slot !== 'anchor' && (!types.length || types.includes('Resource')) ? param.targets! : types, slot) }
    : context;
  const base: ParamPlan = { param, type, status: 'not-run', queries: [] };
  if (param.type === 'special') return { ...base, reason: `${param.name} is a special parameter (${param.name === '_has' ? 'reverse chaining' : 'no FHIRPath'}): the harness has no oracle for it` };
  const expression = param.expression ?? COMMON_EXPRESSIONS[param.name];
  if (!expression) return { ...base, reason: `no FHIRPath expression in the matrix for ${param.name} (source: ${param.expressionSource})` };
  const assigned = SERVER_ASSIGNED[expression.replace(new RegExp(`^(${type}\\.|(?=[a-z]))`), 'Resource.')];
  if (assigned) return sequentialPlan(base, assigned);
  try {
    if (param.type === 'composite') return compositePlan(base, type, param, expression, ctx);
    const accept = LEAF_TYPES[param.type as keyof typeof LEAF_TYPES];
    const errors: string[] = [];
    for (const br of branches(expression)) {
      try {
        const plan: ParamPlan = { ...planBranch(base, type, param.type, br, accept, ctx), where: branchText(br) };
        addTerminology(plan, type, br, ctx);
        return plan;
      } catch (e) {
        if (!(e instanceof Unplantable)) throw e;
        errors.push(e.message);
      }
    }
    return { ...base, reason: `no branch of "${expression}" can be planted: ${errors.join('; ')}` };
  } catch (e) {
    if (e instanceof Unplantable) return { ...base, reason: `cannot plant "${expression}": ${e.message}` };
    throw e;
  }
}

function checkRoot(type: string, br: Branch): void {
  if (br.root !== type && br.root !== '' && br.root !== 'Resource' && br.root !== 'DomainResource') throw new Unplantable(`branch starts at ${br.root}, not ${type}`);
  if (!br.steps.length) throw new Unplantable('branch selects the resource itself');
}

function planBranch(base: ParamPlan, type: string, ptype: SearchParamType, br: Branch, accept: readonly string[], ctx: PlantContext): ParamPlan {
  checkRoot(type, br);
  const { chain } = locate(type, type, br.steps, accept);
  const last = chain[chain.length - 1]!;
  const leaf = leafPlan(ptype, last.type, last.el, ctx, refTarget(last.step), last.step.refContains);
  const resources = {} as Record<Variant, Record<string, any>>;
  for (const v of VARIANTS) resources[v] = write(minimalResource(type, ctx), chain, leaf.values[v], ctx);
  const extras = Object.fromEntries(Object.entries(leaf.extras ?? {}).map(([name, x]) => [name, { resource: write(minimalResource(type, ctx), chain, x.value, ctx), catches: x.catches }]));
  const plan: ParamPlan = { ...base, status: 'planned', resources, extras, queries: leaf.queries, systemDiscriminated: !!leaf.systemDecoy };
  addGenerated(plan, type, chain, last.type, ctx);
  return plan;
}

/** _id / _lastUpdated: nothing to plant; three resources created one after another, queried by what the server assigned. */
function sequentialPlan(base: ParamPlan, what: string): ParamPlan {
  if (what === 'id') {
    return {
      ...base, status: 'sequential', where: 'Resource.id (server-assigned)',
      queries: [q('id', (r) => r.stored('match').id), q('id,id (OR)', (r) => `${r.stored('match').id},${r.stored('second').id}`)],
    };
  }
  const lu = (r: Resolved, v: Variant) => r.stored(v).meta.lastUpdated as string;
  return {
    ...base, status: 'sequential', where: 'Resource.meta.lastUpdated (server-assigned)',
    queries: [
      q('eq instant', (r) => lu(r, 'match')),
      q('instant,instant (OR)', (r) => `${lu(r, 'match')},${lu(r, 'second')}`),
      ...(['gt', 'lt', 'ge', 'le', 'sa', 'eb'] as const).map((p) => q(p, (r) => `${p}${lu(r, 'match')}`)),
    ],
  };
}
