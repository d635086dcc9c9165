// POST [base] with a transaction (all-or-nothing, urn:uuid resolution, FHIR processing order) or a batch.
import { STATUS_CODES } from 'node:http';
import type { Bundle, BundleEntry, BundleEntryResponse, Resource } from 'fhir/r5.js';
import type { ServerContext } from './context.ts';
import type { FhirRequest, FhirResponse } from './http.ts';
import type { StoredVersion } from './store.ts';
import { etagOf } from './etag.ts';
import * as interactions from './interactions.ts';
import { FhirError, asFhirError, badRequest, outcome } from './outcomes.ts';
import { locationOf } from './rest.ts';
import { searchBundle } from './search.ts';
import { asResource } from './validation.ts';

type Method = 'DELETE' | 'POST' | 'PUT' | 'GET';

/** FHIR's transaction processing order. */
const ORDER: readonly Method[] = ['DELETE', 'POST', 'PUT', 'GET'];

interface Entry {
  index: number;
  method: Method;
  type: string;
  id?: string;
  /** `_history/n` of a GET. */
  version?: string;
  query?: URLSearchParams;
  resource?: Resource;
  ifMatch?: string;
  fullUrl?: string;
}

function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? ''}`.trim();
}

function entryExpression(e: { index: number; resource?: Resource }): string {
  return e.resource ? `Bundle.entry[${e.index}].resource.ofType(${e.resource.resourceType})` : `Bundle.entry[${e.index}]`;
}

/** Re-points a failure at the entry that caused it, as the platform does (`Bundle.entry[2].resource.ofType(Observation)`). */
function atEntry(err: unknown, e: { index: number; resource?: Resource }): unknown {
  const known = asFhirError(err);
  if (!known) return err;
  const issues = known.outcome.issue.map((i) => ({ ...i, expression: [entryExpression(e)] }));
  return new FhirError(known.status, outcome(issues), known.emptyBody);
}

function parseEntry(ctx: ServerContext, raw: BundleEntry, index: number): Entry {
  const where = { index, resource: raw.resource };
  const method = raw.request?.method?.toUpperCase();
  if (!raw.request?.url || !ORDER.includes(method as Method)) {
    throw atEntry(badRequest('required', 'Each entry needs request.method (DELETE, POST, PUT or GET) and request.url'), where);
  }
  const url = raw.request.url.startsWith(`${ctx.baseUrl}/`) ? raw.request.url.slice(ctx.baseUrl.length + 1) : raw.request.url;
  const [path, search] = url.split('?', 2) as [string, string | undefined];
  const [type, id, history, version] = path.split('/').filter(Boolean).map(decodeURIComponent);
  const needsId = method === 'PUT' || method === 'DELETE';
  if (!type || (needsId && !id) || (method === 'POST' && id) || (history !== undefined && history !== '_history')) {
    throw atEntry(badRequest('invalid', `request.url "${raw.request.url}" does not fit ${method}`), where);
  }
  if ((method === 'POST' || method === 'PUT') && !raw.resource) {
    throw atEntry(badRequest('required', `A ${method} entry needs a resource`), where);
  }
  return {
    index,
    method: method as Method,
    type,
    id,
    version,
    query: search !== undefined ? new URLSearchParams(search) : undefined,
    resource: raw.resource,
    ifMatch: raw.request.ifMatch,
    fullUrl: raw.fullUrl,
  };
}

/** Rewrites every `reference` string anywhere in the value that names a bundle-local urn:uuid. */
function resolveReferences(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, ids));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === 'reference' && typeof v === 'string' && ids.has(v) ? ids.get(v) : resolveReferences(v, ids);
  }
  return out;
}

function execute(ctx: ServerContext, e: Entry): BundleEntry {
  switch (e.method) {
    case 'POST': {
      ctx.caps.require(e.type, 'create');
      return written(ctx, interactions.create(ctx, e.type, e.resource, e.id));
    }
    case 'PUT': {
      ctx.caps.require(e.type, 'update');
      return written(ctx, interactions.update(ctx, e.type, e.id!, e.resource, e.ifMatch));
    }
    case 'DELETE': {
      ctx.caps.require(e.type, 'delete');
      interactions.remove(ctx, e.type, e.id!);
      return { response: { status: statusLine(204) } };
    }
    case 'GET': {
      if (!e.id) {
        return { resource: searchBundle(ctx, e.type, [...(e.query?.entries() ?? [])], false), response: { status: statusLine(200) } };
      }
      ctx.caps.require(e.type, e.version ? 'vread' : 'read');
      const v = e.version ? interactions.vread(ctx, e.type, e.id, e.version) : interactions.read(ctx, e.type, e.id);
      return { resource: v.resource!, response: versionResponse(ctx, 200, v) };
    }
  }
}

function versionResponse(ctx: ServerContext, status: number, v: StoredVersion): BundleEntryResponse {
  return { status: statusLine(status), location: locationOf(v, ctx.faults), etag: etagOf(v.version, ctx.faults), lastModified: v.lastUpdated };
}

function written(ctx: ServerContext, r: interactions.WriteResult): BundleEntry {
  return { response: versionResponse(ctx, r.status, r.version) };
}

function transaction(ctx: ServerContext, bundle: Bundle): FhirResponse {
  const entries = (bundle.entry ?? []).map((raw, i) => parseEntry(ctx, raw, i));
  // Ids first, so that any entry may reference any other, whatever the processing order.
  const local = new Map<string, string>();
  for (const e of entries) {
    if (e.method === 'POST') e.id = interactions.newId();
    if (e.fullUrl?.startsWith('urn:uuid:') && e.id && (e.method === 'POST' || e.method === 'PUT')) local.set(e.fullUrl, `${e.type}/${e.id}`);
  }
  if (!ctx.faults.has('urn-uuid-unresolved')) {
    for (const e of entries) if (e.resource) e.resource = resolveReferences(e.resource, local) as Resource;
  }
  const ordered = [...entries].sort((a, b) => ORDER.indexOf(a.method) - ORDER.indexOf(b.method) || a.index - b.index);
  const results: BundleEntry[] = new Array(entries.length);
  const runAll = () => {
    for (const e of ordered) {
      try {
        results[e.index] = execute(ctx, e);
      } catch (err) {
        throw atEntry(err, e);
      }
    }
  };
  // transaction-partial: each entry commits on its own, so a failure leaves the earlier ones behind.
  if (ctx.faults.has('transaction-partial')) runAll();
  else ctx.store.transaction(runAll);
  const response: Bundle = { resourceType: 'Bundle', type: 'transaction-response', entry: results };
  return { status: 200, body: response };
}

function batch(ctx: ServerContext, bundle: Bundle): FhirResponse {
  const entry = (bundle.entry ?? []).map((raw, i): BundleEntry => {
    try {
      return execute(ctx, parseEntry(ctx, raw, i));
    } catch (err) {
      const known = asFhirError(err);
      if (!known) throw err;
      return { response: { status: statusLine(known.status), outcome: known.outcome } };
    }
  });
  const response: Bundle = { resourceType: 'Bundle', type: 'batch-response', entry };
  return { status: 200, body: response };
}

export function processBundle(ctx: ServerContext, req: FhirRequest): FhirResponse {
  const bundle = asResource(req.body, 'Bundle') as Bundle;
  if (bundle.type === 'transaction') return transaction(ctx, bundle);
  if (bundle.type === 'batch') return batch(ctx, bundle);
  throw badRequest('invalid', `POST [base] takes a Bundle of type transaction or batch, not ${bundle.type ?? 'none'}`);
}
