// search-type over GET and POST _search: separates paging controls from filters, asks the engine, pages the ids.
import type { Bundle } from 'fhir/r5.js';
import type { ServerContext } from './context.ts';
import { type FhirRequest, type FhirResponse, header } from './http.ts';
import { paginate } from './paging.ts';

/** Result-shaping params the engine never sees. */
const CONTROL_PARAMS = new Set(['_count', '_offset', '_total', '_format', '_summary', '_elements']);

export function searchParamsOf(req: FhirRequest): [string, string][] {
  return [...req.query.entries(), ...(req.form?.entries() ?? [])];
}

export function isStrict(req: FhirRequest): boolean {
  return /handling\s*=\s*strict/i.test(header(req, 'prefer') ?? '');
}

/** Always reports `total`: the engine has the full id list anyway, so the count costs nothing. */
export function searchBundle(ctx: ServerContext, type: string, pairs: [string, string][], strict: boolean): Bundle {
  ctx.caps.require(type, 'search-type');
  const control = new Map(pairs.filter(([k]) => CONTROL_PARAMS.has(k)));
  const filters = pairs.filter(([k]) => !CONTROL_PARAMS.has(k));
  const { ids, applied } = ctx.engine.search(type, filters, { strict });
  const page = paginate(
    ids,
    { count: control.get('_count') ?? null, offset: control.get('_offset') ?? null },
    `${ctx.baseUrl}/${type}`,
    applied,
    ctx.faults,
  );
  const summaryCount = control.get('_summary') === 'count';
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: ids.length,
    link: page.links,
    entry: summaryCount
      ? []
      : ctx.store.load(type, page.ids).map((resource) => ({
          fullUrl: `${ctx.baseUrl}/${type}/${resource.id}`,
          resource,
          search: { mode: 'match' as const },
        })),
  };
}

export function searchType(ctx: ServerContext, type: string, req: FhirRequest): FhirResponse {
  return { status: 200, body: searchBundle(ctx, type, searchParamsOf(req), isStrict(req)) };
}
