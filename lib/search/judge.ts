// Judges one labelled query of one param: runs it and compares what came back with the oracle's verdict on every
// planted resource of the param (recall and precision on the match, second match, decoy and the extras) and on
// everything else returned (precision). What cannot be judged because paging failed is `blocked` by search:paging;
// a failure carries the planted resources (as sent and as read back) and the FHIRPath, so it can be replayed.
import type { FhirClient, FhirResponse } from '../client/http.ts';
import { unknownContent } from '../checks/terminology.ts';
import { declaresSearchParam, isR5 } from '../fhir/server-facts.ts';
import type { Coding } from '../fixtures/run-tag.ts';
import type { SearchParam } from '../matrix/types.ts';
import { Blocked, CheckFailure, HarnessError, NotRun } from '../verdicts.ts';
import { isNotEnabled } from '../fhir/searchset.ts';
import { session } from '../run/session.ts';
import { assertSearch, diagnose, type SearchObservation } from './diagnose.ts';
import { expressionOf, resourceMatches } from './evaluate.ts';
import { runQuery, type QueryRun } from './pages.ts';
import { VARIANTS } from './plant-variants.ts';
import { r5OnlyElements } from './r4-elements.ts';
import type { ParamPlan, SubQuery } from './plant.ts';
import { formatParamName, UnsupportedSearchError } from './query.ts';
import type { TypeFixtures } from './type-fixtures.ts';

/** What a search check needs from the check around it: the client, and a place for evidence. */
export interface SearchCheck {
  client: FhirClient;
  /** Adds a named JSON document to the check's evidence. */
  attach(name: string, content: unknown): void;
}

const ROLE: Record<string, string> = { match: 'match', second: 'second match', decoy: 'decoy' };

/** A planted resource as the reasons name it: `decoy 123`, `case-only 456 (catches: …)`. */
function named(plan: ParamPlan, name: string, id: string): string {
  const catches = plan.extras?.[name]?.catches;
  return `${ROLE[name] ?? name} ${id}${catches ? ` (catches: ${catches})` : ''}`;
}

/** One labelled check of one param: the query, the oracle's expectations on everything planted, precision on the rest. */
export async function checkQuery(c: SearchCheck, fx: TypeFixtures, plan: ParamPlan, sub: SubQuery, tag: Coding): Promise<void> {
  const r = fx.resolvedFor(plan, sub.triple);
  const value = sub.value(r);
  const key = formatParamName(plan.param.name, sub.modifier);
  const names = Object.keys(r.planted);
  const expected = Object.fromEntries(names.map((n) => [n, resourceMatches(r.planted[n]!, plan.param, value, sub.modifier)]));
  if (!names.some((n) => expected[n]) || names.every((n) => expected[n])) {
    throw new HarnessError(`${key}=${value} does not tell the planted resources apart by the oracle (${JSON.stringify(expected)}); fix the planter`);
  }
  const run = await runQuery(c.client, plan.type, tag, key, value);
  if (isNotEnabled(run.status, run.body)) throw new CheckFailure(`${plan.type}?${key}=… answered ${run.status}: the endpoint is not enabled: ${run.text.slice(0, 200)}`, 'not-enabled');
  // A ValueSet (:in, :not-in) or code system the server says it does not know: not loaded, not a wrong search.
  const unknown = run.status !== 200 ? unknownContent({ status: run.status, body: run.body } as FhirResponse) : undefined;
  if (unknown) throw new CheckFailure(`${plan.type}?${key}=${value}: the server does not know the terminology the search names: ${unknown}`, 'not-loaded');
  if (run.status !== 200) {
    throw new CheckFailure(`wrong: ${plan.type}?${key}=${value} answered ${run.status} instead of a searchset: ${run.text.slice(0, 300)}`, 'wrong');
  }
  const ids = Object.fromEntries(names.map((n) => [n, r.planted[n]!.id as string]));
  const plantedIds = new Set(Object.values(ids));
  const unexpected = names.filter((n) => !expected[n] && run.returned.has(ids[n]!)).map((n) => named(plan, n, ids[n]!));
  const missing = names.filter((n) => expected[n] && !run.returned.has(ids[n]!)).map((n) => named(plan, n, ids[n]!));
  const imprecise = notMatching(run.returned, (id) => plantedIds.has(id), (res) => resourceMatches(res, plan.param, value, sub.modifier));
  if (!unexpected.length && !missing.length && !imprecise.length) return;

  const query = `${plan.type}?${key}=${value}`;
  // Recall needs every page; what the server does not link cannot be read, so missing matches are not this param's.
  if (run.truncated && !unexpected.length && !imprecise.length) {
    await attachEvidence(c, plan, r, expected, run, query);
    const why = `${query} ${run.truncated.facts}: ${missing.length} planted that must match (${missing.slice(0, 3).join(', ')}) may be on pages it does not link; recall not judged`;
    if (run.truncated.byHarness) throw new NotRun(why);
    throw new Blocked('search:paging', why);
  }
  const own = fx.ownIds();
  const observation = observationOf(run, plan.type, plan.param, `${key}=${value}`, {
    unexpected, missing, imprecise, planted: { total: own.size, returned: [...run.returned.keys()].filter((id) => own.has(id)).length },
  });
  if (diagnose(observation)) await attachEvidence(c, plan, r, expected, run, query);
  assertSearch(observation);
}

/**
 * What diagnose() needs to know of one search run: what it judged (`missing` is dropped when not every page could be
 * read), the truncation, and the server's facts (read once by the CLI before any suite ran, lib/fhir/server-facts.ts).
 */
export function observationOf(
  run: QueryRun, type: string, param: SearchParam, query: string,
  judged: Pick<SearchObservation, 'unexpected' | 'missing' | 'imprecise' | 'planted'>,
): SearchObservation {
  const facts = session().serverFacts;
  return {
    ...judged, query, param: param.name, resourceType: type, returned: [...run.returned.keys()],
    missing: run.truncated ? [] : judged.missing, selfLink: run.selfLink, total: run.total,
    truncated: run.truncated && `${run.truncated.facts} (search:paging); ${judged.missing.length} missing not judged`,
    declared: declaresSearchParam(facts, type, param.name),
    fhirVersion: isR5(facts) === false ? facts.fhirVersion : undefined,
    expression: expressionOf(param),
    r5Only: isR5(facts) === false ? r5OnlyElements(expressionOf(param), type) : undefined,
  };
}

/** The query exchange is already evidence; this adds the planted resources, as sent and as read back now, and where the value sits. */
async function attachEvidence(
  c: SearchCheck, plan: ParamPlan, r: ReturnType<TypeFixtures['resolvedFor']>, expected: Record<string, boolean>, run: QueryRun, query: string,
): Promise<void> {
  const planted: Record<string, unknown> = {};
  const sent = r.sent;
  for (const [name, stored] of Object.entries(r.planted)) {
    const read = await c.client.read(plan.type, stored.id as string, { accept: 'any' }).catch((e: Error) => ({ status: 0, body: e.message }));
    planted[name] = {
      id: stored.id, role: ROLE[name] ?? `extra: ${plan.extras?.[name]?.catches ?? name}`,
      mustMatch: expected[name], returned: run.returned.has(stored.id as string),
      sent: sent[name], readBack: read.status === 200 ? read.body : { status: read.status, body: read.body },
    };
  }
  c.attach('search', {
    query, url: run.url, reproduce: `curl -H "Authorization: Bearer $TOKEN" '${run.url.replace(/'/g, "'\\''")}'`,
    total: run.total, truncated: run.truncated?.facts,
    param: { name: plan.param.name, type: plan.param.type, expression: plan.param.expression, plantedAt: plan.where },
    order: [...VARIANTS, ...Object.keys(plan.extras ?? {})], planted,
  });
}

/** Most returned resources the oracle judges for precision (a server that ignores a param may return thousands). */
const PRECISION_MAX = 400;

/**
 * Ids of the returned resources the oracle says do not match (`skip`ped ones aside, at most PRECISION_MAX judged). A
 * value the oracle does not handle makes no claim either way; any other error is the harness's and is thrown.
 */
export function notMatching(returned: ReadonlyMap<string, Record<string, any>>, skip: (id: string, res: Record<string, any>) => boolean, matches: (res: Record<string, any>) => boolean): string[] {
  const out: string[] = [];
  let judged = 0;
  for (const [id, res] of returned) {
    if (skip(id, res) || judged++ >= PRECISION_MAX) continue;
    try {
      if (!matches(res)) out.push(id);
    } catch (e) {
      if (!(e instanceof UnsupportedSearchError)) throw e;
    }
  }
  return out;
}
