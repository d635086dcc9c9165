// Instance-level REST interactions: maps interaction results onto status codes and the ETag/Location headers.
import type { Bundle } from 'fhir/r5.js';
import type { ServerContext } from './context.ts';
import type { StoredVersion } from './store.ts';
import { etagOf, versionIdOf } from './etag.ts';
import type { FaultSet } from './faults.ts';
import { type FhirRequest, type FhirResponse, header } from './http.ts';
import * as interactions from './interactions.ts';

export function locationOf(v: StoredVersion, faults: FaultSet): string {
  return `${v.type}/${v.id}/_history/${versionIdOf(v.version, faults)}`;
}

function versionResponse(ctx: ServerContext, status: number, v: StoredVersion): FhirResponse {
  const headers: Record<string, string> = {
    ETag: etagOf(v.version, ctx.faults),
    'Last-Modified': new Date(v.lastUpdated).toUTCString(),
  };
  if (status === 201) headers.Location = `${ctx.baseUrl}/${locationOf(v, ctx.faults)}`;
  return { status, headers, body: v.resource ?? undefined };
}

export function read(ctx: ServerContext, type: string, id: string): FhirResponse {
  ctx.caps.require(type, 'read');
  return versionResponse(ctx, 200, interactions.read(ctx, type, id));
}

export function vread(ctx: ServerContext, type: string, id: string, version: string): FhirResponse {
  ctx.caps.require(type, 'vread');
  return versionResponse(ctx, 200, interactions.vread(ctx, type, id, version));
}

export function create(ctx: ServerContext, type: string, req: FhirRequest): FhirResponse {
  ctx.caps.require(type, 'create');
  const r = interactions.create(ctx, type, req.body);
  const res = versionResponse(ctx, r.status, r.version);
  // create-200 keeps the Location (only the status is wrong); create-no-location keeps the 201.
  if (ctx.faults.has('create-200')) res.status = 200;
  if (ctx.faults.has('create-no-location')) delete res.headers!.Location;
  return res;
}

export function update(ctx: ServerContext, type: string, id: string, req: FhirRequest): FhirResponse {
  ctx.caps.require(type, 'update');
  const r = interactions.update(ctx, type, id, req.body, header(req, 'if-match'));
  return versionResponse(ctx, r.status, r.version);
}

export function remove(ctx: ServerContext, type: string, id: string): FhirResponse {
  ctx.caps.require(type, ctx.faults.has('undeclared-delete-accepted') ? undefined : 'delete');
  interactions.remove(ctx, type, id);
  return { status: 204 };
}

export function historyInstance(ctx: ServerContext, type: string, id: string): FhirResponse {
  ctx.caps.require(type, 'history-instance');
  const versions = interactions.history(ctx, type, id);
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'history',
    total: versions.length,
    link: [{ relation: 'self', url: `${ctx.baseUrl}/${type}/${id}/_history` }],
    entry: versions.map((v, i) => {
      const first = i === versions.length - 1;
      return {
        fullUrl: `${ctx.baseUrl}/${type}/${id}`,
        ...(v.resource ? { resource: v.resource } : {}),
        request: { method: v.deleted ? 'DELETE' : first ? 'POST' : 'PUT', url: v.deleted || !first ? `${type}/${id}` : type },
        response: {
          status: v.deleted ? '204 No Content' : first ? '201 Created' : '200 OK',
          etag: etagOf(v.version, ctx.faults),
          lastModified: v.lastUpdated,
        },
      } as const;
    }),
  };
  return { status: 200, body: bundle };
}
