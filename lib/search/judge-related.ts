// Judges the searches that cross references — _include, _revinclude, chaining, _has — and :missing, on the resources
// the planter already put on the server (related.ts): a reference param's match, second match and decoy point at the
// pool targets of one type in slots 0, 1 and 2, which carry the match, second and decoy values of that type's chain
// param. Every expectation is the oracle's (evaluate.ts), never the server's: recall and precision again.
//
// Deliberate duplication of server/search/ (never imported): two independent implementations check each other.
import type { Coding } from '../fixtures/run-tag.ts';
import { isNotEnabled } from '../fhir/searchset.ts';
import type { SearchParam } from '../matrix/types.ts';
import { Blocked, CheckFailure, HarnessError, NotRun } from '../verdicts.ts';
import { assertSearch, list, type SearchObservation } from './diagnose.ts';
import { evaluateParam, expressionOf, resourceMatches } from './evaluate.ts';
import { isRecord } from './json.ts';
import { observationOf, type SearchCheck } from './judge.ts';
import { parseLocation } from '../fhir/location.ts';
import { runQuery, type QueryRun } from './pages.ts';
import type { ParamPlan, Resolved } from './plant.ts';
import type { TypeFixtures } from './type-fixtures.ts';

/** `Type/id` of a reference string (relative, absolute or versioned), undefined for anything else. */
export function referenceKey(text: string): string | undefined {
  const l = parseLocation(text);
  return l && `${l.type}/${l.id}`;
}

// Each check reads every planted resource of its type: what a resource refers to through a param is worked out once.
const seen = new WeakMap<object, Map<string, string[]>>();

/** The `Type/id`s a resource points at through a reference param (Reference, CodeableReference, plain strings). */
export function referencesVia(resource: object, param: SearchParam): string[] {
  let byParam = seen.get(resource);
  if (!byParam) seen.set(resource, (byParam = new Map()));
  const key = `${param.name}\u0000${param.expression}`;
  let out = byParam.get(key);
  if (!out) byParam.set(key, (out = readReferences(resource, param)));
  return out;
}

function readReferences(resource: object, param: SearchParam): string[] {
  const out: string[] = [];
  for (const node of evaluateParam(resource, param)) {
    const text = typeof node === 'string' ? node
      : isRecord(node) && typeof node.reference === 'string' ? node.reference
        : isRecord(node) && isRecord(node.reference) && typeof node.reference.reference === 'string' ? node.reference.reference : undefined;
    const key = text && referenceKey(text);
    if (key) out.push(key);
  }
  return out;
}

const keyOf = (r: Record<string, any>) => `${r.resourceType}/${r.id}`;

async function run(c: SearchCheck, type: string, tag: Coding, key: string, value: string, extra: [string, string][] = []): Promise<QueryRun & { query: string }> {
  const r = await runQuery(c.client, type, tag, key, value, extra);
  const query = `${type}?${[[key, value], ...extra].map(([k, v]) => `${k}=${v}`).join('&')}`;
  if (isNotEnabled(r.status, r.body)) throw new CheckFailure(`${query} answered ${r.status}: the endpoint is not enabled: ${r.text.slice(0, 200)}`, 'not-enabled');
  if (r.status !== 200) throw new CheckFailure(`wrong: ${query} answered ${r.status} instead of a searchset: ${r.text.slice(0, 300)}`, 'wrong');
  return { ...r, query };
}

/** Recall needs every page: what the server did not link is paging's failure (or the harness's bound). */
function truncation(r: QueryRun & { query: string }): void {
  if (!r.truncated) return;
  const why = `${r.query} ${r.truncated.facts}: recall not judged`;
  if (r.truncated.byHarness) throw new NotRun(why);
  throw new Blocked('search:paging', why);
}

/**
 * Judges the matches of a query over the fixture's own planted resources (recall) and everything returned
 * (precision) with `matches` as the oracle; `undefined` from it means "no claim" (a target the harness did not plant).
 */
function judgeMatches(
  c: SearchCheck, fx: TypeFixtures, type: string, param: string, r: QueryRun & { query: string },
  matches: (res: Record<string, any>) => boolean | undefined, planted: Record<string, any>[],
): void {
  const expected = planted.map((p) => [p, matches(p)] as const);
  if (!expected.some(([, m]) => m) || !expected.some(([, m]) => m === false)) {
    throw new HarnessError(`${r.query} does not tell the planted resources apart by the oracle; fix the planter`);
  }
  truncation(r);
  const plantedIds = new Set(planted.map((p) => p.id as string));
  const missing = expected.filter(([p, m]) => m && !r.returned.has(p.id)).map(([p]) => keyOf(p));
  const unexpected = expected.filter(([p, m]) => m === false && r.returned.has(p.id)).map(([p]) => keyOf(p));
  const imprecise = [...r.returned].filter(([id, res]) => !plantedIds.has(id) && matches(res) === false).map(([id]) => `${type}/${id}`);
  const own = fx.ownIds();
  const o: SearchObservation = {
    query: r.query.slice(type.length + 1), param, resourceType: type, returned: [...r.returned.keys()], unexpected, missing, imprecise,
    selfLink: r.selfLink, total: r.total, planted: { total: own.size, returned: [...r.returned.keys()].filter((id) => own.has(id)).length },
  };
  if (missing.length || unexpected.length || imprecise.length) c.attach('search', { query: r.query, url: r.url, expected: Object.fromEntries(expected.map(([p, m]) => [keyOf(p), m ?? 'no claim'])) });
  assertSearch(o);
}

/**
 * The base param's own first query, re-run when a check that builds on it failed: if the param itself does not filter,
 * that is the root cause (`search:<Type>:<param>`), and this check is blocked by it rather than a second failure.
 */
async function blockIfParamFails(c: SearchCheck, fx: TypeFixtures, plan: ParamPlan, tag: Coding, failure: unknown): Promise<never> {
  const sub = plan.queries.find((q) => !q.modifier && !q.triple);
  if (sub && failure instanceof CheckFailure) {
    const r = fx.resolvedFor(plan);
    const value = sub.value(r);
    // Narrowed to the param's planted resources by _id: one small page, whatever else the type holds.
    const ids = Object.values(r.planted).map((p) => p.id as string);
    const probe = await runQuery(c.client, plan.type, tag, plan.param.name, value, [['_id', ids.join(',')]]).catch(() => undefined);
    if (probe?.status === 200) {
      // What must not match but came back is wrong on any page; what is missing only counts when every page was read.
      const wrong = Object.values(r.planted).some((p) => {
        const must = resourceMatches(p, plan.param, value), got = probe.returned.has(p.id);
        return must ? !got && !probe.truncated : got;
      });
      if (wrong) throw new Blocked(plan.param.capability, `${plan.type}?${plan.param.name}=${value} itself does not return exactly the planted matches, so this search across it cannot be judged (${(failure as Error).message.slice(0, 300)})`);
    }
  }
  throw failure;
}

/** The type the param's planted values point at on this target: the capability's, or the target cannot judge it here. */
function targetOf(fx: TypeFixtures, plan: ParamPlan, wanted: string): string {
  const actual = fx.targetTypeOf(plan.param.name);
  if (actual !== wanted) {
    throw new CheckFailure(`the harness cannot write ${wanted} on this target (the ${wanted} endpoint is not enabled), so ${plan.type}.${plan.param.name} was planted pointing at ${actual ?? 'nothing'} instead`, 'not-enabled');
  }
  return actual;
}

function slotTarget(fx: TypeFixtures, type: string, slot: number): Record<string, any> {
  const t = fx.poolTargetOf(type, slot);
  if (!t) throw new HarnessError(`pool target ${type}#${slot} was not planted`);
  return t;
}

// R5 search.html (_include): "_include=[source type]:[search parameter]:[target type]" returns, besides the matches, "the
// resources that the matches refer to"; Bundle.entry.search.mode: "include: This resource is returned because it is
// referred to from another resource in the search set"; Bundle.total: "It does not include search.mode = 'include' …
// entries"; Bundle.entry.search.mode: "a resource may be included because it is both a match and an include. In these
// circumstances, 'match' takes precedence" — so a resource is in the searchset once.
export async function checkInclude(c: SearchCheck, fx: TypeFixtures, plan: ParamPlan, tag: Coding, how: { typed?: boolean; pageSize?: number }): Promise<void> {
  // The capability does not name the target type: whatever this target let the planter point at will do.
  const t = fx.targetTypeOf(plan.param.name);
  // Every type it may refer to is one the harness cannot write here (e.g. an endpoint the target's gaps say is not
  // enabled): its planted values point nowhere, and there is nothing to include.
  if (!t) throw new NotRun(`${plan.type}.${plan.param.name} refers only to types the harness cannot write on this target, so nothing it points at can be included`);
  const [t0, t1] = [slotTarget(fx, t, 0), slotTarget(fx, t, 1)];
  const value = `${keyOf(t0)},${keyOf(t1)}`;
  const include = `${plan.type}:${plan.param.name}${how.typed ? `:${t}` : ''}`;
  // Paged: narrowed by _id to the param's own match and second match, one page each.
  const own = fx.resolvedFor(plan).planted;
  const paged: [string, string][] = how.pageSize ? [['_count', String(how.pageSize)], ['_id', `${own.match!.id},${own.second!.id}`]] : [];
  const r = await run(c, plan.type, tag, plan.param.name, value, [['_include', include], ...paged]);
  const wanted = new Set([keyOf(t0), keyOf(t1)]);
  const candidates = how.pageSize ? [own.match!, own.second!, own.decoy!] : fx.plantedOwn();
  try {
    judgeMatches(c, fx, plan.type, plan.param.name, r, (x) => x.resourceType === plan.type && referencesVia(x, plan.param).some((k) => wanted.has(k)), candidates);
  } catch (e) {
    await blockIfParamFails(c, fx, plan, tag, e);
  }
  const isMatch = (e: QueryRun['entries'][number]) => e.key.startsWith(`${plan.type}/`) && (e.mode ?? 'match') === 'match';
  const matchKeys = new Set(r.entries.filter(isMatch).map((e) => e.key));
  const referenced = new Set(r.entries.filter(isMatch).flatMap((e) => referencesVia(e.resource, plan.param)).filter((k) => !how.typed || k.startsWith(`${t}/`)));
  const known = fx.poolTargets();
  const mustInclude = [...referenced].filter((k) => known.has(k) && !matchKeys.has(k));
  const included = r.entries.filter((e) => e.mode === 'include');
  const includedKeys = new Set(included.map((e) => e.key));
  const problems: string[] = [];
  const missing = mustInclude.filter((k) => !includedKeys.has(k));
  if (missing.length) {
    const asMatch = missing.filter((k) => r.entries.some((e) => e.key === k));
    if (asMatch.length) problems.push(`${asMatch.length} referenced resources came back without search.mode=include (${list(asMatch)})`);
    const absent = missing.filter((k) => !asMatch.includes(k));
    if (absent.length) problems.push(`${absent.length} resources the matches refer to through ${plan.param.name} were not included (${list(absent)})`);
  }
  const stray = [...includedKeys].filter((k) => !referenced.has(k));
  if (stray.length) problems.push(`${stray.length} included resources no match refers to through ${plan.param.name}${how.typed ? ` as a ${t}` : ''} (${list(stray)})`);
  const perPage = new Map<string, number>();
  for (const e of r.entries) perPage.set(`${e.page}|${e.key}`, (perPage.get(`${e.page}|${e.key}`) ?? 0) + 1);
  const dups = [...perPage].filter(([, n]) => n > 1).map(([k]) => k.split('|')[1]!);
  if (dups.length) problems.push(`${dups.length} resources appear more than once on one page (${list(dups)})`);
  if (r.total !== undefined && r.total !== matchKeys.size) problems.push(`Bundle.total is ${r.total}, but the search has ${matchKeys.size} matches (included resources are not counted)`);
  if (!problems.length) return;
  c.attach('search', { query: r.query, url: r.url, matches: [...matchKeys], mustInclude, included: included.map((e) => `${e.key} (page ${e.page})`) });
  throw new CheckFailure(`wrong: ${r.query}${how.pageSize ? ` (all pages)` : ''}: ${problems.join('; ')}`, 'wrong');
}

// R5 search.html (_revinclude): "_revinclude=[source type]:[search parameter]" returns, besides the matches, the
// resources of the source type that refer to them through that parameter ("reverse include").
export async function checkRevinclude(c: SearchCheck, fx: TypeFixtures, plan: ParamPlan, target: string, tag: Coding): Promise<void> {
  const t = targetOf(fx, plan, target);
  const t0 = slotTarget(fx, t, 0);
  const r = await run(c, t, tag, '_id', t0.id, [['_revinclude', `${plan.type}:${plan.param.name}`]]);
  truncation(r);
  const problems: string[] = [];
  const matches = r.entries.filter((e) => (e.mode ?? 'match') === 'match' && e.key.startsWith(`${t}/`)).map((e) => e.key);
  if (matches.join() !== keyOf(t0)) problems.push(`the matches are ${matches.length ? list(matches) : 'none'}, expected ${keyOf(t0)} alone (_id)`);
  const refersToT0 = (x: Record<string, any>) => referencesVia(x, plan.param).includes(keyOf(t0));
  const mustInclude = fx.plantedOwn().filter(refersToT0).map(keyOf);
  const included = r.entries.filter((e) => e.mode === 'include');
  const missing = mustInclude.filter((k) => !included.some((e) => e.key === k));
  if (missing.length) {
    const asMatch = missing.filter((k) => r.entries.some((e) => e.key === k));
    problems.push(`${missing.length} planted ${plan.type} that refer to ${keyOf(t0)} through ${plan.param.name} ${asMatch.length === missing.length ? 'came back without search.mode=include' : 'were not included'} (${list(missing)})`);
  }
  const stray = included.filter((e) => !e.key.startsWith(`${plan.type}/`) || !refersToT0(e.resource)).map((e) => e.key);
  if (stray.length) problems.push(`${stray.length} included resources do not refer to ${keyOf(t0)} through ${plan.type}.${plan.param.name} (${list(stray)})`);
  const seen = new Set<string>();
  const dups = r.entries.filter((e) => { const k = `${e.page}|${e.key}`; const d = seen.has(k); seen.add(k); return d; }).map((e) => e.key);
  if (dups.length) problems.push(`${dups.length} resources appear more than once on one page (${list(dups)})`);
  if (r.total !== undefined && r.total !== matches.length) problems.push(`Bundle.total is ${r.total}, but the search has ${matches.length} matches (included resources are not counted)`);
  if (!problems.length) return;
  c.attach('search', { query: r.query, url: r.url, mustInclude, included: included.map((e) => e.key) });
  throw new CheckFailure(`wrong: ${r.query}: ${problems.join('; ')}`, 'wrong');
}

/** The value that selects the slot-0 pool target by its type's chain param. */
function chainValue(fx: TypeFixtures, t: string): { param: SearchParam; value: string } {
  const chain = fx.chainOf(t);
  if (!chain) throw new HarnessError(`no chain param was planned for ${t}`);
  if (chain.plan.status !== 'planned') return { param: chain.param, value: slotTarget(fx, t, 0).id };
  const stub: Resolved = { ref: (p) => p, stored: () => { throw new HarnessError('a chain param value depends on stored facts'); } };
  return { param: chain.param, value: chain.plan.queries[0]!.value(stub) };
}

// R5 search.html (chaining): "reference parameters may be 'chained' by appending them with a period (.) followed by the
// name of a search parameter defined for the target resource"; where the reference may point at several types, "the
// type of resource can be specified with a modifier": `subject:Patient.name=peter`.
export async function checkChain(c: SearchCheck, fx: TypeFixtures, plan: ParamPlan, target: string, tag: Coding, typed: boolean): Promise<void> {
  const t = targetOf(fx, plan, target);
  const { param: tp, value } = chainValue(fx, t);
  const key = `${plan.param.name}${typed ? `:${t}` : ''}.${tp.name}`;
  const targets = fx.poolTargets();
  const matches = (x: Record<string, any>): boolean | undefined => {
    if (x.resourceType !== plan.type) return false;
    const refs = referencesVia(x, plan.param).filter((k) => k.startsWith(`${t}/`));
    if (refs.some((k) => targets.has(k) && resourceMatches(targets.get(k)!, tp, value))) return true;
    return refs.some((k) => !targets.has(k)) ? undefined : false;
  };
  const r = await run(c, plan.type, tag, key, value);
  try {
    judgeMatches(c, fx, plan.type, key, r, matches, fx.plantedOwn());
  } catch (e) {
    await blockIfTargetParamFails(c, t, tp, value, [0, 1, 2].map((slot) => slotTarget(fx, t, slot)), tag, e);
    await blockIfParamFails(c, fx, plan, tag, e);
  }
}

/**
 * A chain stands on the target type's own param as much as on the reference: when the chain failed and the target param
 * does not select exactly the right pool targets by itself, that is the root cause (`search:<Target>:<param>`).
 */
async function blockIfTargetParamFails(c: SearchCheck, t: string, tp: SearchParam, value: string, targets: Record<string, any>[], tag: Coding, failure: unknown): Promise<void> {
  if (!(failure instanceof CheckFailure)) return;
  const probe = await runQuery(c.client, t, tag, tp.name, value, [['_id', targets.map((x) => x.id).join(',')]]).catch(() => undefined);
  if (probe?.status !== 200 || probe.truncated) return;
  const wrong = targets.filter((x) => resourceMatches(x, tp, value) !== probe.returned.has(x.id)).map(keyOf);
  if (wrong.length) throw new Blocked(tp.capability, `${t}?${tp.name}=${value} itself gets ${list(wrong)} wrong among the chain's targets, so the chain through it cannot be judged (${(failure as Error).message.slice(0, 300)})`);
}

// R5 search.html (_has): "The _has parameter provides limited support for reverse chaining - that is, selecting
// resources based on the properties of resources that refer to them": `Patient?_has:Observation:patient:code=1234-5`
// returns the Patients an Observation with that code refers to through its patient parameter.
async function checkHasQuery(c: SearchCheck, fx: TypeFixtures, t: string, source: string, via: SearchParam, sources: Record<string, any>[], candidates: Record<string, any>[], tag: Coding): Promise<void> {
  const ids = sources.map((x) => x.id as string);
  const pointed = new Set(sources.flatMap((x) => referencesVia(x, via)));
  const r = await run(c, t, tag, `_has:${source}:${via.name}:_id`, ids.join(','));
  judgeMatches(c, fx, t, '_has', r, (x) => pointed.has(keyOf(x)), candidates);
}

/** `_has:<Source>:<param>:_id=<match>,<second>` on the pool targets of the type the param points at (`search:<Target>:_has:<Source>:<param>`). */
export async function checkHasPair(c: SearchCheck, fx: TypeFixtures, plan: ParamPlan, target: string, tag: Coding): Promise<void> {
  const t = targetOf(fx, plan, target);
  const r = fx.resolvedFor(plan);
  const sources = [r.planted.match!, r.planted.second!];
  await checkHasQuery(c, fx, t, plan.type, plan.param, sources, [0, 1, 2].map((s) => slotTarget(fx, t, s)), tag);
}

/** `_has` on this type itself (`search:<Type>:_has`): the fixture's own three, pointed at by three resources of a source type. */
export async function checkHasParam(c: SearchCheck, fx: TypeFixtures, plan: ParamPlan, tag: Coding): Promise<void> {
  const rev = plan.reverse;
  if (!rev) throw new HarnessError(`${plan.type}:_has was not planned with a source`);
  const r = fx.resolvedFor(plan);
  const sources = [r.planted['source-match']!, r.planted['source-second']!];
  await checkHasQuery(c, fx, plan.type, rev.source, rev.param, sources, [r.planted.match!, r.planted.second!, r.planted.decoy!], tag);
}

// R5 search.html (:missing): "[parameter]:missing=true … returns all resources that do not have a value for the
// element; :missing=false returns all resources that have a value"; CodeSystem search-modifier-code: "missing: The
// search parameter returns resources that have a value or not." Judged on two planted resources picked by _id: the
// param's match (it has a value) and a planted resource without one, where the type allows one.
export async function checkMissing(c: SearchCheck, fx: TypeFixtures, plan: ParamPlan, tag: Coding, value: 'true' | 'false'): Promise<void> {
  const r = fx.resolvedFor(plan);
  const withValue = r.planted.match!;
  const without = fx.plantedOwn().find((x) => evaluateParam(x, plan.param).length === 0);
  const candidates = without ? [withValue, without] : [withValue];
  const key = `${plan.param.name}:missing`;
  const res = await run(c, plan.type, tag, key, value, [['_id', candidates.map((x) => x.id).join(',')]]);
  truncation(res);
  const expected = candidates.map((x) => [x, resourceMatches(x, plan.param, value, 'missing')] as const);
  const missing = expected.filter(([x, m]) => m && !res.returned.has(x.id)).map(([x]) => keyOf(x));
  const unexpected = expected.filter(([x, m]) => !m && res.returned.has(x.id)).map(([x]) => keyOf(x));
  const imprecise = [...res.returned.keys()].filter((id) => !candidates.some((x) => x.id === id)).map((id) => `${plan.type}/${id}`);
  if (!missing.length && !unexpected.length && !imprecise.length) return;
  c.attach('search', { query: res.query, url: res.url, expression: expressionOf(plan.param), candidates: Object.fromEntries(expected.map(([x, m]) => [keyOf(x), { mustMatch: m, returned: res.returned.has(x.id), resource: x }])) });
  try {
    assertSearch(observationOf(res, plan.type, plan.param, `${key}=${value}&_id=…`, {
      unexpected, missing, imprecise, planted: { total: candidates.length, returned: candidates.filter((x) => res.returned.has(x.id)).length },
    }));
  } catch (e) {
    await blockIfParamFails(c, fx, plan, tag, e);
  }
}
