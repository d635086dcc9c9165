// Searchset shape checks (Bundle type and self link, _count, paging to the end, POST _search, unknown params strict and
// lenient, _sort, _total, _summary, _elements, _count=0) over a small set of Patients with their own tag, so the parallel parameter suites' fixtures
// never change what these searches see.
import type { FhirClient, FhirResponse } from '../client/http.ts';
import { tagQuery, withRunTag, type Coding } from '../fixtures/run-tag.ts';
import type { CreatedResources } from '../fixtures/teardown.ts';
import { parseLocation } from '../fhir/location.ts';
import { Blocked, CheckFailure } from '../verdicts.ts';
import { uzbekFamily } from './apostrophes.ts';
import { isSummaryElement } from './model.ts';
import { minimalResource } from './plant-required.ts';

export const SHAPE_SIZE = 7;
const MAX_PAGES = 20;
/** R5 search.html §3.2.1.5.7 (handling): "strict … the server SHALL return an error for any unknown or unsupported parameter". */
export const UNKNOWN_PARAM = 'dhp-conformance-unknown-param';

export interface ShapeFixture {
  tag: Coding;
  /** id → birthDate */
  planted: Map<string, string>;
  /** id → what the sort checks order by (the first Patient, with the Uzbek name, has no plain family). */
  people: Map<string, { birthDate: string; gender: string; family?: string }>;
  /** The Patient whose family name carries Uzbek apostrophe letters (apostrophes.ts). */
  apostrophe: { id: string; family: string };
}

/** Seven Patients, birth dates out of order, created in one transaction with a shape-only tag (and the run tag). */
export async function plantShape(client: FhirClient, runTag: Coding, created: Pick<CreatedResources, 'add'>): Promise<ShapeFixture> {
  // Its own system AND code: a server that ignores token systems must not mix these up with the run tag.
  const tag = { system: `${runTag.system}/search-shape`, code: `${runTag.code}-shape` };
  const births = ['1990-05-01', '1971-02-11', '2003-12-30', '1985-07-19', '1999-01-01', '1962-09-09', '2010-03-03'].slice(0, SHAPE_SIZE);
  // Family names in an order unrelated to the birth dates; genders alternate (multiple-key sorts).
  const families = [undefined, 'Ergashev', 'Azimov', 'Gafurov', 'Bakirov', 'Fayzullayev', 'Davletov'];
  const genders = ['female', 'male', 'female', 'male', 'male', 'female', 'female'];
  const family = uzbekFamily(runTag.code);
  const entry = births.map((birthDate, i) => ({
    fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resource: withRunTag(withRunTag<Record<string, any>>({
      ...minimalResource('Patient', { unique: `${runTag.code}shape${i}`, target: (t) => `${t[0]}/none` }), birthDate, gender: genders[i],
      name: [{ family: i === 0 ? family : `${families[i]}-${runTag.code}` }],
      // Not a summary element of Patient in R5 (_summary=true leaves it out).
      maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }] },
    }, runTag), tag),
    request: { method: 'POST', url: 'Patient' },
  }));
  const res = await client.transaction({ resourceType: 'Bundle', type: 'transaction', entry }, { accept: 'any' });
  if (res.status >= 300) throw new CheckFailure(`planting the searchset fixture failed (${res.status}): ${res.text.slice(0, 300)}`);
  const planted = new Map<string, string>();
  const people: ShapeFixture['people'] = new Map();
  (res.body?.entry ?? []).forEach((e: { response?: { location?: string } }, i: number) => {
    const loc = parseLocation(e.response?.location);
    if (loc?.type !== 'Patient') return;
    planted.set(loc.id, births[i]!);
    people.set(loc.id, { birthDate: births[i]!, gender: genders[i]!, family: families[i] });
    created.add('Patient', loc.id);
  });
  // Every check compares against these ids: with fewer, an empty or short searchset would pass.
  if (planted.size !== births.length) throw new CheckFailure(`planting the searchset fixture: the transaction-response names ${planted.size} of the ${births.length} Patients created (${res.status}): ${res.text.slice(0, 300)}`);
  return { tag, planted, people, apostrophe: { id: [...planted.keys()][0]!, family } };
}

const links = (b: any) => new Map<string, string>((b?.link ?? []).map((l: { relation: string; url: string }) => [l.relation, l.url]));
const ids = (b: any): string[] => (b?.entry ?? []).filter((e: any) => (e.search?.mode ?? 'match') === 'match').map((e: any) => e.resource?.id);

function expectSearchset(res: FhirResponse, what: string): void {
  if (res.status !== 200) throw new CheckFailure(`${what} answered ${res.status}, expected 200 with a searchset: ${res.text.slice(0, 200)}`, 'wrong');
  if (res.body?.resourceType !== 'Bundle' || res.body.type !== 'searchset') {
    throw new CheckFailure(`${what}: expected a Bundle of type searchset, received ${res.body?.resourceType} ${res.body?.type ?? ''}`, 'wrong');
  }
}

const search = (c: FhirClient, f: ShapeFixture, extra: [string, string][] = [], headers?: Record<string, string>) =>
  c.search('Patient', [['_tag', tagQuery(f.tag)], ...extra], { accept: 'any', headers });

function sameSet(a: Iterable<string>, b: Iterable<string>): boolean {
  const x = new Set(a), y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

export async function checkSearchsetBundle(c: FhirClient, f: ShapeFixture): Promise<void> {
  const res = await search(c, f);
  expectSearchset(res, 'Patient?_tag=…');
  const self = links(res.body).get('self');
  if (!self) throw new CheckFailure('the searchset has no self link (R5: "the server SHALL return a self link")', 'wrong');
  if (!sameSet(ids(res.body), f.planted.keys())) throw new CheckFailure(`expected the ${f.planted.size} tagged Patients, received ${ids(res.body).length}`, 'wrong');
}

export async function checkCount(c: FhirClient, f: ShapeFixture): Promise<void> {
  const res = await search(c, f, [['_count', '2']]);
  expectSearchset(res, 'Patient?_count=2');
  const n = ids(res.body).length;
  if (n > 2) throw new CheckFailure(`_count=2 returned ${n} entries on one page`, 'wrong', 2, n);
  if (n === 0) throw new CheckFailure(`_count=2 returned no entries although ${f.planted.size} match`, 'wrong', 2, n);
  // The page's size is this check's; the link to the rest is paging's (one root cause, one failure).
  if (!links(res.body).get('next')) throw new Blocked('search:paging', `_count=2 returned ${n} of total ${res.body.total ?? '(not given)'} with no next link to the other ${f.planted.size - n} matches`);
}

/** Follows next links from a first page; returns the ids in page order (duplicates kept, so they can be reported). */
async function collectPages(c: FhirClient, first: FhirResponse): Promise<{ ids: string[]; pages: number }> {
  let res = first;
  const all: string[] = [];
  const seen = new Set<string>();
  for (let pages = 1; ; pages++) {
    expectSearchset(res, `page ${pages}`);
    all.push(...ids(res.body));
    const next = links(res.body).get('next');
    if (!next) return { ids: all, pages };
    if (pages >= MAX_PAGES) throw new CheckFailure(`paging did not end within ${MAX_PAGES} pages`, 'wrong');
    if (seen.has(next)) throw new CheckFailure(`next link repeats (${next}): paging never ends`, 'wrong');
    seen.add(next);
    res = await c.request('GET', next, { accept: 'any' });
  }
}

export async function checkPaging(c: FhirClient, f: ShapeFixture): Promise<void> {
  const { ids: got, pages } = await collectPages(c, await search(c, f, [['_count', '2']]));
  const dups = got.filter((id, i) => got.indexOf(id) !== i);
  const missing = [...f.planted.keys()].filter((id) => !got.includes(id));
  if (dups.length || missing.length || got.length !== f.planted.size) {
    throw new CheckFailure(`paging with _count=2 over ${f.planted.size} matches (${pages} pages): ${dups.length} duplicates (${dups.join(', ')}), ${missing.length} missing`, 'wrong');
  }
}

export async function checkPostSearch(c: FhirClient, f: ShapeFixture): Promise<void> {
  const params: [string, string][] = [['_tag', tagQuery(f.tag)], ['birthdate', 'ge1980-01-01']];
  const get = await c.search('Patient', params, { accept: 'any' });
  const post = await c.request('POST', 'Patient/_search', { form: new URLSearchParams(params), accept: 'any' });
  expectSearchset(get, 'GET Patient?birthdate=ge1980-01-01');
  expectSearchset(post, 'POST Patient/_search');
  const want = [...f.planted].filter(([, b]) => b >= '1980-01-01').map(([id]) => id);
  if (!sameSet(ids(post.body), ids(get.body))) throw new CheckFailure(`POST _search returned ${ids(post.body).length} ids, GET ${ids(get.body).length}: they differ`, 'wrong');
  if (!sameSet(ids(get.body), want)) throw new CheckFailure(`birthdate=ge1980-01-01 returned ${ids(get.body).length}, expected ${want.length}`, 'wrong');
}

export async function checkUnknownStrict(c: FhirClient, f: ShapeFixture): Promise<void> {
  const res = await search(c, f, [[UNKNOWN_PARAM, 'x']], { prefer: 'handling=strict' });
  if (res.status !== 400) throw new CheckFailure(`an unknown parameter under Prefer: handling=strict answered ${res.status}, expected 400`, 'wrong', 400, res.status);
  if (res.body?.resourceType !== 'OperationOutcome') throw new CheckFailure('the 400 carries no OperationOutcome', 'wrong');
}

export async function checkUnknownLenient(c: FhirClient, f: ShapeFixture): Promise<void> {
  for (const headers of [undefined, { prefer: 'handling=lenient' }]) {
    const res = await search(c, f, [[UNKNOWN_PARAM, 'x']], headers);
    expectSearchset(res, `unknown parameter${headers ? ' (handling=lenient)' : ''}`);
    if (!sameSet(ids(res.body), f.planted.keys())) throw new CheckFailure('an unknown parameter was not ignored: the result differs from the search without it', 'wrong');
    const self = links(res.body).get('self');
    if (self && new URL(self).searchParams.has(UNKNOWN_PARAM)) throw new CheckFailure('the self link keeps the ignored unknown parameter (R5: it SHALL reflect only the parameters used)', 'wrong');
  }
}

export async function checkSort(c: FhirClient, f: ShapeFixture): Promise<void> {
  for (const [key, desc] of [['birthdate', false], ['-birthdate', true]] as const) {
    const res = await search(c, f, [['_sort', key]]);
    expectSearchset(res, `_sort=${key}`);
    const got = ids(res.body).map((id) => f.planted.get(id) ?? '?');
    const want = [...f.planted.values()].sort();
    if (desc) want.reverse();
    if (got.join() !== want.join()) throw new CheckFailure(`_sort=${key}: birth dates came back as ${got.join(' ')}, expected ${want.join(' ')}`, 'wrong');
  }
  const res = await search(c, f, [['_sort', '_lastUpdated']]);
  expectSearchset(res, '_sort=_lastUpdated');
  // An empty page, or entries without meta.lastUpdated, would be "ascending" by default.
  if (!sameSet(ids(res.body), f.planted.keys())) throw new CheckFailure(`_sort=_lastUpdated: expected the ${f.planted.size} tagged Patients, received ${ids(res.body).length}`, 'wrong');
  const lu = (res.body.entry ?? []).map((e: any) => Date.parse(e.resource?.meta?.lastUpdated ?? ''));
  if (lu.some(Number.isNaN)) throw new CheckFailure('_sort=_lastUpdated: an entry has no valid meta.lastUpdated', 'wrong');
  if (lu.some((t: number, i: number) => i > 0 && t < lu[i - 1])) throw new CheckFailure('_sort=_lastUpdated: meta.lastUpdated is not ascending', 'wrong');
}

export async function checkTotal(c: FhirClient, f: ShapeFixture): Promise<void> {
  const res = await search(c, f, [['_total', 'accurate'], ['_count', '2']]);
  expectSearchset(res, '_total=accurate');
  if (res.body.total !== f.planted.size) throw new CheckFailure(`_total=accurate: Bundle.total is ${res.body.total}, expected ${f.planted.size}`, 'wrong', f.planted.size, res.body.total);
  // R5 search.html (_total): "none: There is no need to populate the total count" — a hint, never a different result.
  const none = await search(c, f, [['_total', 'none']]);
  expectSearchset(none, '_total=none');
  if (!sameSet(ids(none.body), f.planted.keys())) throw new CheckFailure(`_total=none returned ${ids(none.body).length} of the ${f.planted.size} tagged Patients: the hint changed the result`, 'wrong');
}

const SUBSETTED = 'SUBSETTED';
const subsettedTag = (r: any) => (r?.meta?.tag ?? []).some((t: { code?: string }) => t.code === SUBSETTED);

// R5 search.html (_summary): "count: Return only the count, not the actual search results" (CodeSystem summary).
export async function checkSummaryCount(c: FhirClient, f: ShapeFixture): Promise<void> {
  const res = await search(c, f, [['_summary', 'count']]);
  expectSearchset(res, '_summary=count');
  const n = ids(res.body).length;
  if (n) throw new CheckFailure(`_summary=count returned ${n} resources; only the count was asked for`, 'wrong', 0, n);
  if (res.body.total !== f.planted.size) throw new CheckFailure(`_summary=count: Bundle.total is ${res.body.total}, expected ${f.planted.size}`, 'wrong', f.planted.size, res.body.total);
}

// R5 search.html (_count): "if _count has the value 0, this shall be treated the same as _summary=count: the server
// returns a bundle that reports the total number of resources that match in Bundle.total, but with no entries, and no
// prev/next/last links".
export async function checkCountZero(c: FhirClient, f: ShapeFixture): Promise<void> {
  const res = await search(c, f, [['_count', '0']]);
  expectSearchset(res, '_count=0');
  const n = ids(res.body).length;
  if (n) throw new CheckFailure(`_count=0 returned ${n} resources; it is _summary=count (the total, no entries)`, 'wrong', 0, n);
  if (res.body.total !== f.planted.size) throw new CheckFailure(`_count=0: Bundle.total is ${res.body.total}, expected ${f.planted.size}`, 'wrong', f.planted.size, res.body.total);
  const paging = ['next', 'prev', 'previous', 'last'].filter((r) => links(res.body).get(r));
  if (paging.length) throw new CheckFailure(`_count=0 carries ${paging.join(', ')} links; R5: "no prev/next/last links"`, 'wrong');
}

/** Every returned Patient: only the elements `allowed` accepts, and marked SUBSETTED. */
async function checkSubset(c: FhirClient, f: ShapeFixture, param: [string, string], allowed: (key: string) => boolean, wanted: string): Promise<void> {
  const res = await search(c, f, [param]);
  expectSearchset(res, `${param[0]}=${param[1]}`);
  const got = (res.body.entry ?? []).filter((e: any) => (e.search?.mode ?? 'match') === 'match').map((e: any) => e.resource);
  if (!sameSet(got.map((r: any) => r.id), f.planted.keys())) throw new CheckFailure(`${param[0]}=${param[1]} returned ${got.length} of the ${f.planted.size} tagged Patients`, 'wrong');
  const extra = [...new Set(got.flatMap((r: any) => Object.keys(r).filter((k) => !allowed(k))))];
  if (extra.length) throw new CheckFailure(`${param[0]}=${param[1]}: the Patients still carry ${extra.join(', ')} (${wanted})`, 'wrong');
  // "Servers SHOULD mark the resources with the tag SUBSETTED to ensure that the incomplete resource is not actually
  // used to overwrite a complete resource."
  const unmarked = got.filter((r: any) => !subsettedTag(r)).length;
  if (unmarked) throw new CheckFailure(`${param[0]}=${param[1]}: ${unmarked} of the ${got.length} subsetted Patients are not marked with the tag ${SUBSETTED}`, 'wrong');
}

// R5 search.html (_summary): "true: Return a limited subset of elements from the resource. This subset SHOULD consist
// solely of all supported elements that are marked as 'summary' in the base definition of the resource(s)".
export async function checkSummaryTrue(c: FhirClient, f: ShapeFixture): Promise<void> {
  await checkSubset(c, f, ['_summary', 'true'], (k) => isSummaryElement('Patient', k), 'maritalStatus and every other element that is not a summary element of Patient in R5 must go');
}

// R5 search.html (_elements): "only those elements (plus mandatory ones)" — Patient has no element with min ≥ 1, so
// resourceType, id and meta.
export async function checkElements(c: FhirClient, f: ShapeFixture): Promise<void> {
  await checkSubset(c, f, ['_elements', 'birthDate,gender'], (k) => ['resourceType', 'id', 'meta', 'birthDate', 'gender'].includes(k), 'only birthDate and gender were asked for');
}

async function sorted(c: FhirClient, f: ShapeFixture, sort: string, only?: string[]): Promise<string[]> {
  const res = await search(c, f, [['_sort', sort], ...(only ? [['_id', only.join(',')] as [string, string]] : [])]);
  expectSearchset(res, `_sort=${sort}`);
  return ids(res.body);
}

// R5 search.html (_sort): "_sort=status,-date" — by each key in turn, "-" descending. A string param (family).
export async function checkSortString(c: FhirClient, f: ShapeFixture): Promise<void> {
  const named = [...f.people].filter(([, p]) => p.family).map(([id]) => id);
  for (const desc of [false, true]) {
    const want = [...named].sort((a, b) => f.people.get(a)!.family!.localeCompare(f.people.get(b)!.family!) * (desc ? -1 : 1));
    const got = await sorted(c, f, desc ? '-family' : 'family', named);
    if (got.join() !== want.join()) throw new CheckFailure(`_sort=${desc ? '-' : ''}family: family names came back as ${got.map((id) => f.people.get(id)?.family ?? '?').join(' ')}, expected ${want.map((id) => f.people.get(id)!.family).join(' ')}`, 'wrong');
  }
}

// A token param (gender, a code) then a date param descending: two keys.
export async function checkSortMultiple(c: FhirClient, f: ShapeFixture): Promise<void> {
  const key = (id: string) => f.people.get(id)!;
  const want = [...f.people.keys()].sort((a, b) => key(a).gender.localeCompare(key(b).gender) || key(b).birthDate.localeCompare(key(a).birthDate));
  const got = await sorted(c, f, 'gender,-birthdate');
  const show = (xs: string[]) => xs.map((id) => (key(id) ? `${key(id).gender}/${key(id).birthDate}` : '?')).join(' ');
  if (got.join() !== want.join()) throw new CheckFailure(`_sort=gender,-birthdate came back as ${show(got)}, expected ${show(want)}`, 'wrong');
}
