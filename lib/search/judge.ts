// Judges one labelled query of one param: runs it and compares what came back with the oracle's verdict on the
// planted triple (recall) and on everything else returned (precision).
import type { FhirClient } from '../client/http.ts';
import type { Coding } from '../fixtures/run-tag.ts';
import { CheckFailure } from '../verdicts.ts';
import { capabilityStatement, declares } from './capability-statement.ts';
import { assertSearch } from './diagnose.ts';
import { resourceMatches } from './evaluate.ts';
import { runQuery } from './pages.ts';
import { VARIANTS, type Variant } from './plant-variants.ts';
import type { ParamPlan, SubQuery } from './plant.ts';
import { formatParamName } from './query.ts';
import type { TypeFixtures } from './type-fixtures.ts';

/** One labelled check of one param: the query, the oracle's expectations on the planted triple, precision on the rest. */
export async function checkQuery(client: FhirClient, fx: TypeFixtures, plan: ParamPlan, sub: SubQuery, tag: Coding): Promise<void> {
  const r = fx.resolvedFor(plan, sub.triple);
  const value = sub.value(r);
  const key = formatParamName(plan.param.name, sub.modifier);
  const expected = Object.fromEntries(VARIANTS.map((v) => [v, resourceMatches(r.planted[v], plan.param, value, sub.modifier)])) as Record<Variant, boolean>;
  if (!VARIANTS.some((v) => expected[v]) || VARIANTS.every((v) => expected[v])) {
    throw new Error(`harness: ${key}=${value} does not tell the planted resources apart by the oracle (${JSON.stringify(expected)}); fix the planter`);
  }
  const run = await runQuery(client, plan.type, tag, key, value);
  if (run.status === 404) throw new CheckFailure(`${plan.type}?${key}=… answered 404: ${run.text.slice(0, 200)}`, 'not-enabled');
  if (run.status !== 200) {
    throw new CheckFailure(`wrong: ${plan.type}?${key}=${value} answered ${run.status} instead of a searchset: ${run.text.slice(0, 300)}`, 'wrong');
  }
  const ids = Object.fromEntries(VARIANTS.map((v) => [v, r.planted[v].id as string])) as Record<Variant, string>;
  const plantedIds = new Set(Object.values(ids));
  const unexpected = VARIANTS.filter((v) => !expected[v] && run.returned.has(ids[v])).map((v) => `${v} ${ids[v]}`);
  const missing = VARIANTS.filter((v) => expected[v] && !run.returned.has(ids[v])).map((v) => `${v} ${ids[v]}`);
  const imprecise: string[] = [];
  let judged = 0;
  for (const [id, res] of run.returned) {
    if (plantedIds.has(id) || judged++ > 400) continue;
    let ok: boolean;
    try {
      ok = resourceMatches(res, plan.param, value, sub.modifier);
    } catch {
      ok = true; // the oracle cannot judge this one (e.g. a shape it does not know): no claim either way
    }
    if (!ok) imprecise.push(id);
  }
  const failed = unexpected.length || missing.length || imprecise.length;
  const own = failed ? fx.ownIds() : undefined;
  assertSearch({
    query: `${key}=${value}`, param: plan.param.name, resourceType: plan.type, returned: [...run.returned.keys()],
    unexpected, missing, imprecise, selfLink: run.selfLink,
    planted: own ? { total: own.size, returned: [...run.returned.keys()].filter((id) => own.has(id)).length } : undefined,
    declared: failed ? declares(await capabilityStatement(client), plan.type, plan.param.name) : undefined,
  });
}
