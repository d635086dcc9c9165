// The search checks across references and on presence for one resource type's fixtures: `:missing` on each planted
// param, `_has` on the type itself, and for each of its reference params (related.ts referencePairs) the `_include`,
// `_revinclude`, chain and `_has` capabilities — all on the resources the param checks already planted.
import type { Session } from '../run/session.ts';
import type { FhirResponse } from '../client/http.ts';
import * as judge from '../search/judge-related.ts';
import type { ParamPlan, SubQuery } from '../search/plant.ts';
import { relatedIds, relatedKindOf, type ReferencePair, type RelatedKind } from '../search/related.ts';
import type { TypeFixtures } from '../search/type-fixtures.ts';
import { describeExchange } from '../fhir/exchange.ts';
import { isNotEnabled } from '../fhir/searchset.ts';
import { checkQuery } from '../search/judge.ts';
import { CheckFailure, HarnessError } from '../verdicts.ts';
import { capabilityTest, checkedCapability, type Check } from './capability.ts';

// One probe of a type's endpoint per type (not one per check) where nothing of it could be planted.
const probes = new WeakMap<TypeFixtures, Promise<FhirResponse>>();

/**
 * A search check on what `fx` planted for `plan`: where nothing could be planted, an endpoint that is not there is a
 * failure of its own kind (an expected gap where the target says so), anything else not-run with the planter's
 * reason; where a triple of the plan was refused, the same.
 */
export function searchTest(fx: TypeFixtures, id: string, plan: ParamPlan, title: string, fn: (c: Check) => Promise<void>, triple?: SubQuery['triple']): void {
  const type = fx.resource.type;
  capabilityTest(id, title, async (c) => {
    if (plan.status === 'not-run') {
      if (!probes.has(fx)) probes.set(fx, c.client.search(type, [['_count', '1']], { accept: 'any' }));
      const probe = await probes.get(fx)!;
      if (isNotEnabled(probe.status, probe.body)) throw new CheckFailure(`the ${type} endpoint is not enabled: ${describeExchange(probe)}`, 'not-enabled');
      c.notRun(plan.reason ?? 'not plantable');
    }
    const problem = fx.problemFor(plan, triple);
    if (problem?.kind === 'not-enabled') throw new CheckFailure(problem.message, 'not-enabled');
    if (problem) c.notRun(problem.message);
    await fn(c);
  }, { writes: true });
}

/**
 * Tests of the searches across references and `:missing` for the type of `fx` (`pairs`: the matrix's, with this type
 * as source); returns the capability ids it declared, with their kind and the plan they stand on (for the coverage).
 */
export function relatedSearchTests(s: Session, fx: TypeFixtures, pairs: readonly ReferencePair[]): Map<string, { kind: RelatedKind; plan: ParamPlan }> {
  const type = fx.resource.type;
  // The type's own fixture tag: other types plant and delete resources of the same types concurrently.
  const tag = fx.queryTag;
  const declared = new Map<string, { kind: RelatedKind; plan: ParamPlan }>();
  const test = (id: string, plan: ParamPlan, title: string, fn: (c: Check) => Promise<void>) => {
    if (!checkedCapability(s, id)) return;
    const kind = relatedKindOf(id);
    if (kind) declared.set(id, { kind, plan });
    searchTest(fx, id, plan, title, fn);
  };

  for (const plan of fx.plans) {
    // Declared as the matrix says (missingApplies there), also where this target lets nothing be planted.
    test(relatedIds.missing(type, plan.param), plan, `${type}?${plan.param.name}:missing=true returns exactly the planted resources without a value, :missing=false those with one`, async (c) => {
      await judge.checkMissing(c, fx, plan, tag, 'true');
      await judge.checkMissing(c, fx, plan, tag, 'false');
    });
    for (const m of ['in', 'not-in', 'below', 'above'] as const) {
      const triple = m === 'in' || m === 'not-in' ? 'terminology' : 'hierarchy';
      const what = triple === 'terminology' ? `=<the UZ Core ValueSet it is bound to> returns exactly the planted resources whose code is ${m === 'in' ? '' : 'not '}in it (the harness's own expansion)`
        : `=system|code returns exactly the planted resources whose code ${m === 'below' ? 'it subsumes' : 'subsumes it'} (the harness's own reading of the hierarchy)`;
      test(relatedIds.terminology(type, plan.param, m), plan, `${type}?${plan.param.name}:${m}${what}`, async (c) => {
        const sub = plan[triple]?.queries.find((q) => q.modifier === m);
        if (!sub) throw new HarnessError(`${type}.${plan.param.name} was planned without a ${triple} triple`);
        const problem = fx.problemFor(plan, triple);
        if (problem) c.notRun(problem.message);
        await checkQuery(c, fx, plan, sub, tag);
      });
    }
    if (plan.reverse) {
      const src = `${plan.reverse.source}:${plan.reverse.param.name}`;
      test(plan.param.capability, plan, `${type}?_has:${src}:_id=a,b returns exactly the ${type} either refers to`, (c) => judge.checkHasParam(c, fx, plan, tag));
    }
  }

  for (const pair of pairs.filter((p) => p.source === type)) {
    const plan = fx.plans.find((p) => p.param.name === pair.param.name);
    if (!plan) continue;
    const p = pair.param.name, t = pair.target;
    const inc = relatedIds.include(pair);
    test(inc, plan, `${type}?${p}=…&_include=${type}:${p} returns the referenced resources with search.mode include, once, not in total`, (c) => judge.checkInclude(c, fx, plan, tag, {}));
    test(inc, plan, `${type}?${p}=…&_include=${type}:${p}:<target type>&_count=1 includes, on every page, the resources of that type the page's matches refer to`, (c) => judge.checkInclude(c, fx, plan, tag, { typed: true, pageSize: 1 }));
    test(relatedIds.revinclude(pair), plan, `${t}?_id=…&_revinclude=${type}:${p} returns every planted ${type} that refers to it, with search.mode include`, (c) => judge.checkRevinclude(c, fx, plan, t, tag));
    const chain = relatedIds.chain(pair);
    test(chain, plan, `${type}?${p}:${t}.${pair.chain.name}=… returns exactly the planted ${type} whose ${p} refers to a matching ${t}`, (c) => judge.checkChain(c, fx, plan, t, tag, true));
    // "where unambiguous": a param whose one declared target type is the planted one can chain without naming it.
    if (pair.param.targets?.length === 1 && pair.param.targets[0] === t) {
      test(chain, plan, `${type}?${p}.${pair.chain.name}=… (no type modifier: ${p} has one target type) returns the same`, (c) => judge.checkChain(c, fx, plan, t, tag, false));
    }
    const has = relatedIds.has(pair);
    test(has, plan, `${t}?_has:${type}:${p}:_id=a,b returns exactly the ${t} either refers to`, (c) => judge.checkHasPair(c, fx, plan, t, tag));
  }
  return declared;
}
