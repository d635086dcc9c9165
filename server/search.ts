// search-type over GET and POST _search: separates paging and result controls from filters, asks the engine, pages
// the ids, adds what _include/_revinclude ask for and shapes the entries (_summary, _elements, _total).
import type { Bundle, BundleEntry, Resource } from 'fhir/r5.js';
import type { ServerContext } from './context.ts';
import { type FhirRequest, type FhirResponse, header } from './http.ts';
import { badRequest } from './outcomes.ts';
import { paginate } from './paging.ts';
import { isSummaryElement } from './summary.ts';

/** Result-shaping params the engine never sees. */
const CONTROL_PARAMS = new Set(['_count', '_offset', '_total', '_format', '_summary', '_elements']);
const INCLUDES = new Set(['_include', '_include:iterate', '_revinclude', '_revinclude:iterate']);
/** How many rounds of :iterate are followed (bounded: a cycle of references must end). */
const MAX_ITERATIONS = 4;
/** R5 search.html (_summary/_elements): "the server SHOULD mark the resources with the tag SUBSETTED". */
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };
/** Elements every resource keeps under _elements: "Servers SHOULD always return mandatory elements whether they are requested or not". */
const ALWAYS = new Set(['resourceType', 'id', 'meta']);

export function searchParamsOf(req: FhirRequest): [string, string][] {
  return [...req.query.entries(), ...(req.form?.entries() ?? [])];
}

export function isStrict(req: FhirRequest): boolean {
  return /handling\s*=\s*strict/i.test(header(req, 'prefer') ?? '');
}

interface Inclusion { rev: boolean; iterate: boolean; source: string; param: string; target?: string; raw: [string, string] }

function parseInclusions(ctx: ServerContext, type: string, pairs: [string, string][], strict: boolean): Inclusion[] {
  const out: Inclusion[] = [];
  for (const [k, v] of pairs) {
    if (!INCLUDES.has(k)) continue;
    const [source, param, target] = v.split(':');
    const rev = k.startsWith('_revinclude');
    const iterate = k.endsWith(':iterate');
    // _include names the searched type as its source unless it iterates over included resources.
    const ok = !!source && !!param && ctx.engine.isReferenceParam(source, param) && (rev || iterate || source === type);
    if (!ok) {
      if (strict) throw badRequest('not-supported', `${k}=${v}: not a reference search parameter of ${source ?? '?'} this search can follow`);
      continue;
    }
    out.push({ rev, iterate, source: source!, param: param!, target, raw: [k, v] });
  }
  return out;
}

/**
 * R5 search.html (_include/_revinclude): the resources the matches refer to (`_include=[source]:[param][:target]`), or
 * that refer to the matches (`_revinclude=[source]:[param]`), returned with search.mode = include; `:iterate` applies
 * the directive to the included resources as well. A resource already in the page (a match, or included before) is
 * not repeated: "a resource may be included because it is both a match and an include. In these circumstances,
 * 'match' takes precedence" (Bundle.entry.search.mode).
 */
function included(ctx: ServerContext, page: { type: string; id: string }[], inclusions: Inclusion[]): { type: string; id: string }[] {
  const seen = new Set(page.map((r) => `${r.type}/${r.id}`));
  const out: { type: string; id: string }[] = [];
  let frontier = page;
  for (let round = 0; round <= MAX_ITERATIONS && frontier.length; round++) {
    const found: { type: string; id: string }[] = [];
    for (const inc of inclusions.filter((i) => round === 0 || i.iterate)) {
      if (inc.rev) {
        for (const target of new Set(frontier.map((r) => r.type))) {
          const ids = frontier.filter((r) => r.type === target).map((r) => r.id);
          found.push(...ctx.engine.referrersOf(inc.source, inc.param, target, ids).map((id) => ({ type: inc.source, id })));
        }
      } else {
        const ids = frontier.filter((r) => r.type === inc.source).map((r) => r.id);
        if (ids.length) found.push(...ctx.engine.referencesOf(inc.source, inc.param, ids, inc.target));
      }
    }
    frontier = found.filter((r) => { const k = `${r.type}/${r.id}`; if (seen.has(k)) return false; seen.add(k); return true; });
    out.push(...frontier);
  }
  return out;
}

/** Only the elements `keep` accepts (plus the mandatory ones), marked SUBSETTED. */
function subsetted(resource: Resource, keep: (key: string) => boolean): Resource {
  const out = Object.fromEntries(Object.entries(resource).filter(([k]) => ALWAYS.has(k) || keep(k))) as Resource;
  out.meta = { ...(resource.meta ?? {}), tag: [...(resource.meta?.tag ?? []), SUBSETTED] };
  return out;
}

/** `_elements=a,b` names top-level elements; a choice is named without its type (`value` keeps `valueQuantity`). */
const named = (elements: string[]) => (key: string) => elements.some((e) => key === e || (key.startsWith(e) && /^[A-Z]/.test(key.slice(e.length))));

/** Always reports `total` unless `_total=none`: the engine has the full id list anyway, so the count costs nothing. */
export function searchBundle(ctx: ServerContext, type: string, pairs: [string, string][], strict: boolean): Bundle {
  ctx.caps.require(type, 'search-type');
  // Fault shaping-ignored: _summary, _elements and _sort are dropped, and _count=0 is read as no _count at all.
  const ignoreShaping = ctx.faults.has('shaping-ignored');
  const given = ignoreShaping ? pairs.filter(([k, v]) => k !== '_summary' && k !== '_elements' && k !== '_sort' && !(k === '_count' && v === '0')) : pairs;
  const control = new Map(given.filter(([k]) => CONTROL_PARAMS.has(k)));
  const filters = given.filter(([k]) => !CONTROL_PARAMS.has(k));
  const { ids, applied } = ctx.engine.search(type, filters, { strict });
  // Fault include-ignored: _include and _revinclude are dropped (not applied, not in the self link).
  const inclusions = ctx.faults.has('include-ignored') ? [] : parseInclusions(ctx, type, filters, strict);
  const summary = control.get('_summary');
  const elements = control.get('_elements')?.split(',').map((e) => e.trim()).filter(Boolean);
  const shaping = [...control].filter(([k]) => k === '_summary' || k === '_elements' || k === '_total') as [string, string][];
  const page = paginate(
    ids,
    { count: control.get('_count') ?? null, offset: control.get('_offset') ?? null },
    `${ctx.baseUrl}/${type}`,
    [...applied, ...inclusions.map((i) => i.raw), ...shaping],
    ctx.faults,
  );
  // R5 search.html (_summary): "count: Return only the count, not the actual search results".
  const pageIds = summary === 'count' ? [] : page.ids;
  // R5 search.html (_summary): "true: Return a limited subset of elements from the resource" — the elements the base
  // definition marks as summary; (_elements) "only those elements", plus the mandatory ones.
  const shape = (r: Resource): Resource => summary === 'true' ? subsetted(r, (k) => isSummaryElement(r.resourceType, k))
    : elements?.length ? subsetted(r, named(elements)) : r;
  const entry = (resource: Resource, mode: 'match' | 'include'): BundleEntry => ({
    fullUrl: `${ctx.baseUrl}/${resource.resourceType}/${resource.id}`,
    resource: shape(resource),
    search: { mode },
  });
  const extra = inclusions.length ? included(ctx, pageIds.map((id) => ({ type, id })), inclusions) : [];
  const byType = new Map<string, string[]>();
  for (const r of extra) byType.set(r.type, [...(byType.get(r.type) ?? []), r.id]);
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    // R5 search.html (_total): "none: There is no need to populate the total count".
    ...(control.get('_total') === 'none' ? {} : { total: ids.length }),
    link: page.links,
    entry: [
      ...ctx.store.load(type, pageIds).map((r) => entry(r, 'match')),
      ...[...byType].flatMap(([t, list]) => ctx.store.load(t, list).map((r) => entry(r, 'include'))),
    ],
  };
}

export function searchType(ctx: ServerContext, type: string, req: FhirRequest): FhirResponse {
  return { status: 200, body: searchBundle(ctx, type, searchParamsOf(req), isStrict(req)) };
}
