// The write and read semantics (versions, If-Match, validation, write faults) shared by REST and Bundle processing.
import { randomUUID } from 'node:crypto';
import type { Resource } from 'fhir/r5.js';
import type { ServerContext } from './context.ts';
import type { StoredVersion } from './store.ts';
import { parseIfMatch, versionIdOf, versionOfId } from './etag.ts';
import { badRequest, gone, notFound, versionMismatch } from './outcomes.ts';
import { asResource, validateWrite } from './validation.ts';

export interface WriteResult {
  status: 200 | 201;
  version: StoredVersion;
}

export const newId = (): string => randomUUID();

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) throw badRequest('value', `"${id}" is not a valid resource id`);
}

/** must-support-dropped: the server silently loses one Must Support element (default Observation.performer). */
function dropMustSupport(ctx: ServerContext, resource: Resource): void {
  if (!ctx.faults.has('must-support-dropped')) return;
  const [type, element] = (ctx.faults.get('must-support-dropped') || 'Observation.performer').split('.');
  if (resource.resourceType !== type || !element) return;
  const record = resource as unknown as Record<string, unknown>;
  const prefix = element.endsWith('[x]') ? element.slice(0, -3) : null;
  for (const key of Object.keys(record)) {
    if (key === element || (prefix && key.startsWith(prefix) && /^[A-Z]/.test(key.slice(prefix.length)))) delete record[key];
  }
}

function stamp(ctx: ServerContext, resource: Resource, id: string, version: number, lastUpdated: string): Resource {
  return { ...resource, id, meta: { ...resource.meta, versionId: versionIdOf(version, ctx.faults), lastUpdated } } as Resource;
}

/** Validates a body for a write; the returned copy is what gets stored. */
export function prepare(ctx: ServerContext, type: string, body: unknown): Resource {
  const resource = structuredClone(asResource(body, type));
  validateWrite(resource, ctx.faults);
  dropMustSupport(ctx, resource);
  return resource;
}

export function create(ctx: ServerContext, type: string, body: unknown, id: string = newId()): WriteResult {
  const resource = prepare(ctx, type, body);
  const lastUpdated = new Date().toISOString();
  return ctx.store.transaction(() => {
    const version = ctx.store.lastVersion(type, id) + 1;
    const stored: StoredVersion = { type, id, version, lastUpdated, deleted: false, resource: stamp(ctx, resource, id, version, lastUpdated) };
    ctx.store.write(stored);
    return { status: 201, version: stored };
  });
}

/**
 * Update, or create under the client's id when none is live. An existing resource demands a matching If-Match;
 * the check and the write share one SQLite transaction, so concurrent writers cannot both pass it.
 */
export function update(ctx: ServerContext, type: string, id: string, body: unknown, ifMatch: string | undefined): WriteResult {
  checkId(id);
  const resource = prepare(ctx, type, body);
  if (resource.id === undefined) throw badRequest('required', `The ${type} body must carry id "${id}"`, [`${type}.id`]);
  if (resource.id !== id) throw badRequest('invalid', `Body id "${resource.id}" does not match the URL id "${id}"`, [`${type}.id`]);
  const lastUpdated = new Date().toISOString();
  return ctx.store.transaction(() => {
    const current = ctx.store.current(type, id);
    const live = current && !current.deleted ? current : undefined;
    let version = ctx.store.lastVersion(type, id) + 1;
    if (live) {
      checkIfMatch(ctx, live, ifMatch);
      if (ctx.faults.has('version-not-incremented')) version = live.version;
    } else if (current) {
      // A deleted resource has a version too (its deletion): "the platform requires If-Match on every update", so
      // bringing it back takes the deletion's version, and a client still holding an older ETag is told it is stale.
      checkIfMatch(ctx, current, ifMatch);
    }
    const stored: StoredVersion = { type, id, version, lastUpdated, deleted: false, resource: stamp(ctx, resource, id, version, lastUpdated) };
    ctx.store.write(stored);
    return { status: live ? 200 : 201, version: stored };
  });
}

function checkIfMatch(ctx: ServerContext, live: StoredVersion, header: string | undefined): void {
  const noBody = ctx.faults.has('precondition-no-outcome');
  const wanted = parseIfMatch(header);
  if (wanted === undefined) {
    if (!ctx.faults.has('if-match-optional')) throw versionMismatch(412, noBody);
    return;
  }
  if (wanted === versionIdOf(live.version, ctx.faults) || ctx.faults.has('if-match-ignored')) return;
  if (ctx.faults.has('conflict-409')) throw versionMismatch(409);
  throw versionMismatch(412, noBody, ctx.faults.has('version-mismatch-text') ? 'Precondition failed' : undefined);
}

/** Deleting what is absent or already deleted succeeds: delete is idempotent. */
export function remove(ctx: ServerContext, type: string, id: string): void {
  ctx.store.transaction(() => {
    const current = ctx.store.current(type, id);
    if (!current || current.deleted) return;
    ctx.store.write({ type, id, version: current.version + 1, lastUpdated: new Date().toISOString(), deleted: true, resource: null });
  });
}

export function read(ctx: ServerContext, type: string, id: string): StoredVersion {
  const current = ctx.store.current(type, id);
  if (!current) throw notFound(`${type}/${id}`);
  if (current.deleted) throw gone(`${type}/${id}`);
  return current;
}

export function vread(ctx: ServerContext, type: string, id: string, versionId: string): StoredVersion {
  const n = versionOfId(versionId, ctx.faults);
  const v = n === undefined ? undefined : ctx.store.version(type, id, n);
  if (!v) throw notFound(`${type}/${id}/_history/${versionId}`);
  if (v.deleted) throw gone(`${type}/${id}/_history/${versionId}`);
  return v;
}

export function history(ctx: ServerContext, type: string, id: string): StoredVersion[] {
  const versions = ctx.store.history(type, id);
  if (!versions.length) throw notFound(`${type}/${id}`);
  return versions;
}
