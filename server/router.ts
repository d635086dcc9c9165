// Maps a FHIR request (method + path below the base) to its handler; everything else is 404/405.
import type { ServerContext } from './context.ts';
import type { FhirRequest, FhirResponse } from './http.ts';
import { processBundle } from './bundle.ts';
import { capabilityStatement, metadataBundle } from './metadata.ts';
import { notAllowed, notFound } from './outcomes.ts';
import * as rest from './rest.ts';
import { searchType } from './search.ts';
import { terminologyOperation } from './terminology.ts';

const TYPE_PATTERN = /^[A-Z][A-Za-z]+$/;

export function route(ctx: ServerContext, req: FhirRequest): FhirResponse {
  const { method, segments } = req;
  const [type, second, third, fourth, ...extra] = segments;

  if (!type) {
    if (method === 'POST') return processBundle(ctx, req);
    throw notAllowed(`${method} on the base URL is not supported`);
  }
  if (type === 'metadata' && segments.length === 1) {
    if (method === 'GET') return { status: 200, body: ctx.faults.has('metadata-bundle') ? metadataBundle(ctx) : capabilityStatement(ctx) };
    throw notAllowed(`${method} /metadata is not supported`);
  }
  if (!TYPE_PATTERN.test(type) || extra.length) throw notFound(`/${segments.join('/')}`);

  if (second?.startsWith('$')) {
    if (third !== undefined || (method !== 'GET' && method !== 'POST')) throw notFound(`/${segments.join('/')}`);
    return terminologyOperation(ctx, type, second, req);
  }
  if (second === undefined) {
    if (method === 'GET') return searchType(ctx, type, req);
    if (method === 'POST') return rest.create(ctx, type, req);
    throw notAllowed(`${method} ${type} is not supported`);
  }
  if (second === '_search') {
    if (method === 'POST' && third === undefined) return searchType(ctx, type, req);
    throw notAllowed(`${method} ${type}/_search is not supported`);
  }
  const id = second;
  if (third === undefined) {
    if (method === 'GET') return rest.read(ctx, type, id);
    if (method === 'PUT') return rest.update(ctx, type, id, req);
    if (method === 'DELETE') return rest.remove(ctx, type, id);
    throw notAllowed(`${method} ${type}/${id} is not supported`);
  }
  if (third !== '_history') throw notFound(`/${segments.join('/')}`);
  if (method !== 'GET') throw notAllowed(`${method} on _history is not supported`);
  if (fourth === undefined) return rest.historyInstance(ctx, type, id);
  return rest.vread(ctx, type, id, fourth);
}
