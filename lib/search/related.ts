// Searches across references — _include, _revinclude, chaining and _has — are judged on what the planter already puts
// on the server: a reference param's match, second match and decoy point at three targets of one type (slots 0, 1, 2),
// and those targets carry the values of one representative search param of their own type. These are the rules that
// say which type and which param that is; the matrix builder (capability ids) and the planter (resources) both read
// them here, so the ids and the planted data cannot drift apart.
import type { Matrix, ResourceCapability, SearchParam } from '../matrix/types.ts';
import { planParam, type PlantContext } from './plant.ts';

/** The params a chain onto a target type prefers (R5's examples chain on identifier and name), in order. */
const CHAIN_PREFERENCE = ['identifier', 'name', 'family', 'title', 'url', 'code', 'status'];
const CHAIN_TYPES = new Set(['token', 'string', 'uri']);

/** Types the harness can write on a target: create, or update as create (the method it uses for each). */
export function writableOf(resources: readonly ResourceCapability[], notEnabled: (type: string) => boolean = () => false): Map<string, 'POST' | 'PUT'> {
  const out = new Map<string, 'POST' | 'PUT'>();
  for (const r of resources) {
    if (notEnabled(r.type)) continue;
    if (r.interactions.includes('create')) out.set(r.type, 'POST');
    else if (r.interactions.includes('update')) out.set(r.type, 'PUT');
  }
  return out;
}

/**
 * The type a reference placeholder points at, among the element's target types: Patient where allowed, else the first
 * writable one. Reference(Any) (`Resource`) allows every type.
 */
export function pickTarget(types: readonly string[], writable: ReadonlyMap<string, unknown>): string | undefined {
  const candidates = types.includes('Resource') ? ['Patient', ...[...writable.keys()].sort()] : types;
  return candidates.includes('Patient') && writable.has('Patient') ? 'Patient' : candidates.find((t) => writable.has(t));
}

/** A context that plans without planting: references point nowhere, and the target types asked for are recorded. */
function recordingContext(asked: string[][]): PlantContext {
  return { unique: 'matrix', target: (types, slot) => { if (slot !== 'anchor') asked.push([...types]); return `${types[0] ?? 'Basic'}/matrix-${slot}`; } };
}

/** The plan the suite will make for a param (status and reason do not depend on the values it draws). */
export function plannedStatus(type: string, param: SearchParam): { status: 'planned' | 'sequential' | 'not-run'; reason?: string } {
  const plan = planParam(type, param, recordingContext([]));
  return { status: plan.status, reason: plan.reason };
}

/** The target types a reference param's planted values may point at (undefined: it plants no resolvable reference). */
export function referenceTargetTypes(type: string, param: SearchParam): string[] | undefined {
  if (param.type !== 'reference') return undefined;
  const asked: string[][] = [];
  const plan = planParam(type, param, recordingContext(asked));
  return plan.status === 'planned' && asked.length ? asked[0] : undefined;
}

/** The type the planted match, second match and decoy of a reference param point at, on a target where `writable` can be written. */
export function plantedTargetType(type: string, param: SearchParam, writable: ReadonlyMap<string, unknown>): string | undefined {
  const types = referenceTargetTypes(type, param);
  return types && pickTarget(types, writable);
}

/** The param of `target` that chains, reverse chains and pool targets are discriminated by: a preferred plantable one, else `_id`. */
export function chainParamOf(target: ResourceCapability): SearchParam {
  const usable = (p: SearchParam) => CHAIN_TYPES.has(p.type) && plannedStatus(target.type, p).status === 'planned';
  for (const name of CHAIN_PREFERENCE) {
    const p = target.searchParams.find((x) => x.name === name);
    if (p && usable(p)) return p;
  }
  return target.searchParams.find((p) => p.name === '_id')
    ?? { name: '_id', type: 'token', expression: 'Resource.id', expressionSource: 'r5', declaredByServer: false, declaredByIg: false, tier: 'SHALL', capability: `search:${target.type}:_id` };
}

/** One reference param with the type its planted values point at: what its include, revinclude, chain and _has checks are about. */
export interface ReferencePair {
  source: string;
  param: SearchParam;
  target: string;
  /** The target type's representative param (chainParamOf). */
  chain: SearchParam;
}

/** Every reference param of a writable type whose planted values point at a real target type, in matrix order. */
export function referencePairs(matrix: Pick<Matrix, 'resources'>, writable: ReadonlyMap<string, unknown>, types?: readonly string[]): ReferencePair[] {
  const byType = new Map(matrix.resources.map((r) => [r.type, r]));
  const out: ReferencePair[] = [];
  for (const r of matrix.resources) {
    if (types && !types.includes(r.type)) continue;
    if (!writable.has(r.type)) continue;
    for (const p of r.searchParams) {
      const target = plantedTargetType(r.type, p, writable);
      const t = target && byType.get(target);
      if (t) out.push({ source: r.type, param: p, target: t.type, chain: chainParamOf(t) });
    }
  }
  return out;
}

/**
 * The reference param `_has` on `target` is judged through: the first writable source type (another type first) with a
 * reference param whose planted values may point at `target`.
 */
export function hasSourceFor(matrix: Pick<Matrix, 'resources'>, target: string, writable: ReadonlyMap<string, unknown>): { source: string; param: SearchParam } | undefined {
  if (!matrix.resources.some((r) => r.type === target)) return undefined;
  const ordered = [...matrix.resources].sort((a, b) => Number(a.type === target) - Number(b.type === target));
  for (const r of ordered) {
    if (!writable.has(r.type)) continue;
    for (const p of r.searchParams) {
      const types = referenceTargetTypes(r.type, p);
      if (types && (types.includes(target) || types.includes('Resource'))) return { source: r.type, param: p };
    }
  }
  return undefined;
}

/** Capability ids of the searches across one reference param (ReferencePair). */
export const relatedIds = {
  include: (pair: Pick<ReferencePair, 'source' | 'param'>) => `search:${pair.source}:_include:${pair.source}:${pair.param.name}`,
  revinclude: (pair: Pick<ReferencePair, 'source' | 'param' | 'target'>) => `search:${pair.target}:_revinclude:${pair.source}:${pair.param.name}`,
  chain: (pair: ReferencePair) => `search:${pair.source}:${pair.param.name}:chain:${pair.target}.${pair.chain.name}`,
  has: (pair: Pick<ReferencePair, 'source' | 'param' | 'target'>) => `search:${pair.target}:_has:${pair.source}:${pair.param.name}`,
  missing: (type: string, param: Pick<SearchParam, 'name'>) => `search:${type}:${param.name}:missing`,
  terminology: (type: string, param: Pick<SearchParam, 'name'>, modifier: TerminologyModifier) => `search:${type}:${param.name}:${modifier}`,
};

export type TerminologyModifier = 'in' | 'not-in' | 'below' | 'above';

/**
 * The terminology modifiers judged on a param (plant-terminology.ts): `:in`/`:not-in` where its planted element is
 * bound to a UZ Core ValueSet, `:below`/`:above` too where the bound codes' system has a hierarchy; with the ValueSet.
 */
export function terminologyModifiers(type: string, param: SearchParam): { valueSet?: string; modifiers: TerminologyModifier[] } {
  const plan = planParam(type, param, recordingContext([]));
  return {
    valueSet: plan.terminology?.valueSet,
    modifiers: [...(plan.terminology ? ['in', 'not-in'] as const : []), ...(plan.hierarchy ? ['below', 'above'] as const : [])],
  };
}

export type RelatedKind = 'include' | 'revinclude' | 'chain' | '_has' | 'missing' | 'terminology';

/** Which kind of search across references (or `:missing`) a capability id is, from its shape; undefined for others. */
export function relatedKindOf(id: string): RelatedKind | undefined {
  if (!/^search:[A-Z]/.test(id)) return undefined;
  if (id.includes(':_include:')) return 'include';
  if (id.includes(':_revinclude:')) return 'revinclude';
  if (id.includes(':chain:')) return 'chain';
  if (/^search:[A-Za-z]+:_has:/.test(id)) return '_has';
  if (id.endsWith(':missing')) return 'missing';
  if (/^search:[A-Za-z]+:[^:]+:(in|not-in|below|above)$/.test(id)) return 'terminology';
  return undefined;
}

/** Params that `:missing` is judged on: every planted param except composites (R5: "Modifiers are not used on composite parameters"). */
export function missingApplies(param: SearchParam, status: string): boolean {
  return status === 'planned' && param.type !== 'composite' && param.type !== 'special';
}
