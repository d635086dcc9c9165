// The RESTful interactions of one resource type (FHIR R5 http.html), judged along one resource's life: create → read →
// update → vread → history → search → delete, each step a check of its own on the same resource; then the refusal of
// the interactions the type does not declare. A step that needs the resource when it could not be made is `blocked` by
// the step that failed to make it, never failed a second time.
import type { FhirClient, FhirResponse } from '../client/http.ts';
import { parseETag, weakETag } from '../fhir/etag.ts';
import { describeExchange } from '../fhir/exchange.ts';
import { createdId, parseLocation } from '../fhir/location.ts';
import { isOperationOutcome } from '../fhir/operation-outcome.ts';
import { isNotEnabled, isSearchset, matchIds } from '../fhir/searchset.ts';
import type { Json } from '../fixtures/personas.ts';
import { tagQuery, withRunTag, type Coding } from '../fixtures/run-tag.ts';
import type { CreatedResources } from '../fixtures/teardown.ts';
import { CheckFailure } from '../verdicts.ts';
import { canonicalJson } from '../fhir/canonical-json.ts';

/** What a step may stop with instead of a verdict of its own (the capabilityTest's Check provides both). */
export interface Stops {
  notRun(reason: string): never;
  blocked(prerequisite: string, reason: string): never;
}

export interface LifeEnv {
  client: FhirClient;
  tag: Coding;
  created: Pick<CreatedResources, 'add'>;
  /** A fresh minimal valid resource of the type, run-tagged (lib/fixtures/minimal.ts). */
  make(type: string): Promise<Json>;
  /** An id no server has seen (drawn from the run seed). */
  freshId(label: string): string;
  /** True when the target's expected gaps say the capability's endpoint is not enabled. */
  notEnabledGap(capability: string): boolean;
}

/** The instance and type interactions judged, in the order one resource's life runs through them. */
export const INTERACTIONS = ['create', 'read', 'update', 'vread', 'history-instance', 'search-type', 'delete'] as const;
export type InteractionCode = (typeof INTERACTIONS)[number];

interface Version { versionId: string; body: Json }

/** The change an update makes and a vread of the first version must not show: Resource.language exists on every type. */
const CHANGED = { language: 'uz' } as const;

/** One resource of one type, followed through its life. */
export class ResourceLife {
  id?: string;
  /** Versions the harness saw, oldest first. */
  readonly versions: Version[] = [];
  deleted = false;
  /** Why there is no resource: the capability whose check failed to make it (kind not-enabled: the endpoint is not there). */
  missing?: { capability: string; reason: string; notEnabled?: boolean };
  private putCreate?: Promise<void>;

  constructor(readonly type: string, readonly declared: ReadonlySet<string>, private readonly env: LifeEnv) {}

  cap(code: string): string {
    return `interaction:${this.type}:${code}`;
  }

  /** The harness can make one: the type declares create, or update (update-as-create). */
  get makeable(): boolean {
    return this.declared.has('create') || this.declared.has('update');
  }

  get current(): Version | undefined {
    return this.versions.at(-1);
  }

  /** The resource, made if it can be: by create, or (a type that declares update only) by an update-as-create. */
  async ensure(stops: Stops, self: string): Promise<string> {
    if (!this.id && !this.missing && !this.declared.has('create') && this.declared.has('update')) {
      this.putCreate ??= this.createByPut();
      await this.putCreate;
    }
    if (this.id) return this.id;
    // Under an expected not-enabled gap every interaction of the type is that gap, not a consequence of create failing.
    if (this.missing?.notEnabled && this.env.notEnabledGap(self)) throw new CheckFailure(this.missing.reason, 'not-enabled');
    if (this.missing && this.missing.capability !== self) stops.blocked(this.missing.capability, this.missing.reason);
    if (this.missing) throw new CheckFailure(this.missing.reason, 'wrong');
    return stops.notRun(`${this.type} declares neither create nor update: the harness cannot make a ${this.type} to ${self.split(':').pop()}`);
  }

  private async createByPut(): Promise<void> {
    const id = this.env.freshId(`${this.type}:put-create`);
    const res = await this.env.client.update({ ...(await this.env.make(this.type)), id }, undefined, { accept: 'any' });
    if (res.status === 200 || res.status === 201) {
      this.adopt(id);
      this.versions.push({ versionId: versionOf(res) ?? '', body: res.body ?? {} });
    } else {
      this.missing = { capability: this.cap('update'), reason: `could not make a ${this.type} by update-as-create (${this.type} declares update but not create): ${describeExchange(res)}` };
    }
  }

  adopt(id: string): void {
    this.id = id;
    this.env.created.add(this.type, id);
  }
}

const versionOf = (res: FhirResponse): string | undefined => res.body?.meta?.versionId ?? parseETag(res.headers.etag)?.value;

function problems(list: string[], res: FhirResponse, what: string): void {
  if (list.length) throw new CheckFailure(`${what}: ${list.join('; ')} — ${describeExchange(res)}`, 'wrong');
}

/** "This endpoint is not here" (lib/fhir/searchset.ts), except a 404 that only says the instance asked for is unknown. */
function isEndpointMissing(res: FhirResponse): boolean {
  return isNotEnabled(res.status, res.body) && !(res.status === 404 && isOperationOutcome(res.body) && res.body.issue.every((i) => i.code === 'not-found'));
}

function notEnabled(type: string, res: FhirResponse): void {
  if (isEndpointMissing(res)) throw new CheckFailure(`the ${type} endpoint is not enabled: ${describeExchange(res)}`, 'not-enabled');
}

/** Content apart from what the server owns (meta, narrative): what a version must hold unchanged. */
export function content(r: Json | undefined): string {
  if (!r) return '';
  const { meta: _m, text: _t, ...rest } = r;
  return canonicalJson(rest);
}

function isInstant(s: unknown): boolean {
  return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s);
}

/** create: 201, Location `[base]/Type/id/_history/vid`, weak ETag naming vid, meta.versionId = vid, meta.lastUpdated. */
export async function checkCreate(life: ResourceLife, env: LifeEnv): Promise<void> {
  const body = await env.make(life.type);
  const res = await env.client.create(body, { accept: 'any' });
  if (isEndpointMissing(res)) life.missing = { capability: life.cap('create'), reason: `the ${life.type} endpoint is not enabled: ${describeExchange(res)}`, notEnabled: true };
  notEnabled(life.type, res);
  const loc = parseLocation(res.headers.location);
  const id: string | undefined = res.body?.id ?? loc?.id;
  if (res.status >= 300 || !id) {
    life.missing = { capability: life.cap('create'), reason: `the ${life.type} fixture could not be created: ${describeExchange(res)}` };
    throw new CheckFailure(`POST ${life.type} should answer 201 with the new resource's id: ${describeExchange(res)}`, 'wrong', 201, res.status);
  }
  life.adopt(id);
  const stored = res.body?.resourceType === life.type ? res.body : (await env.client.read(life.type, id, { accept: 'any' })).body;
  const tag = parseETag(res.headers.etag);
  const list: string[] = [];
  if (res.status !== 201) list.push(`status ${res.status}, expected 201 Created`);
  if (!res.headers.location) list.push('no Location header');
  else if (!loc || loc.type !== life.type || loc.id !== id || !loc.version) list.push(`Location "${res.headers.location}" is not [base]/${life.type}/${id}/_history/[vid]`);
  if (!tag) list.push('no ETag header');
  else if (!tag.weak) list.push(`ETag ${res.headers.etag} is not weak (W/"vid")`);
  const versionId = stored?.meta?.versionId;
  if (!versionId) list.push('the stored resource has no meta.versionId');
  else {
    if (tag && tag.value !== versionId) list.push(`ETag ${res.headers.etag} does not name meta.versionId "${versionId}"`);
    if (loc?.version && loc.version !== versionId) list.push(`Location names version ${loc.version}, meta.versionId is "${versionId}"`);
  }
  if (!isInstant(stored?.meta?.lastUpdated)) list.push(`meta.lastUpdated "${stored?.meta?.lastUpdated ?? ''}" is not an instant`);
  life.versions.push({ versionId: versionId ?? tag?.value ?? loc?.version ?? '', body: stored ?? body });
  problems(list, res, `POST ${life.type}`);
}

/** read: 200 with the resource and an ETag naming its version; an unknown id: 404 with an OperationOutcome. */
export async function checkRead(life: ResourceLife, env: LifeEnv, stops: Stops): Promise<void> {
  const unknownId = env.freshId(`${life.type}:unknown`);
  const unknown = await env.client.read(life.type, unknownId, { accept: 'any' });
  notEnabled(life.type, unknown);
  const list: string[] = [];
  if (unknown.status !== 404) list.push(`an unknown id answered ${unknown.status}, expected 404`);
  if (!isOperationOutcome(unknown.body)) list.push('the 404 for an unknown id carries no OperationOutcome');
  problems(list, unknown, `GET ${life.type}/${unknownId}`);
  const id = await life.ensure(stops, life.cap('read'));
  const res = await env.client.read(life.type, id, { accept: 'any' });
  if (res.status !== 200) throw new CheckFailure(`GET ${life.type}/${id} should answer 200: ${describeExchange(res)}`, 'wrong', 200, res.status);
  if (res.body?.resourceType !== life.type || res.body.id !== id) list.push(`the body is ${res.body?.resourceType}/${res.body?.id}, expected ${life.type}/${id}`);
  const tag = parseETag(res.headers.etag);
  if (!tag) list.push('no ETag header');
  else if (tag.value !== res.body?.meta?.versionId) list.push(`ETag ${res.headers.etag} does not name meta.versionId "${res.body?.meta?.versionId}"`);
  if (life.current && content(res.body) !== content(life.current.body)) list.push('the resource read back differs from the one created');
  problems(list, res, `GET ${life.type}/${id}`);
}

/** update: PUT with If-Match of the current version applies the change, answers 200 and a new version in ETag and meta. */
export async function checkUpdate(life: ResourceLife, env: LifeEnv, stops: Stops): Promise<void> {
  const id = await life.ensure(stops, life.cap('update'));
  const before = life.current!;
  const body = { ...before.body, ...CHANGED, id };
  const res = await env.client.update(body, weakETag(before.versionId), { accept: 'any' });
  if (res.status !== 200) throw new CheckFailure(`PUT ${life.type}/${id} with If-Match ${weakETag(before.versionId)} should answer 200: ${describeExchange(res)}`, 'wrong', 200, res.status);
  const read = await env.client.read(life.type, id, { accept: 'any' });
  const list: string[] = [];
  const tag = parseETag(res.headers.etag);
  const versionId = read.body?.meta?.versionId;
  if (!tag) list.push('no ETag header');
  else if (tag.value !== versionId) list.push(`ETag ${res.headers.etag} does not name the new meta.versionId "${versionId}"`);
  if (!versionId || versionId === before.versionId) list.push(`meta.versionId is still "${before.versionId}"`);
  if (read.body?.language !== CHANGED.language) list.push(`the change (language "${CHANGED.language}") is not in the resource read back`);
  if (versionId) life.versions.push({ versionId, body: read.body });
  problems(list, res, `PUT ${life.type}/${id}`);
}

/** vread: the first version, as it was (without the update's change). */
export async function checkVread(life: ResourceLife, env: LifeEnv, stops: Stops): Promise<void> {
  const id = await life.ensure(stops, life.cap('vread'));
  const first = life.versions[0]!;
  const res = await env.client.request('GET', `${life.type}/${id}/_history/${encodeURIComponent(first.versionId)}`, { accept: 'any' });
  if (res.status !== 200) throw new CheckFailure(`vread of version ${first.versionId} should answer 200: ${describeExchange(res)}`, 'wrong', 200, res.status);
  const list: string[] = [];
  if (res.body?.meta?.versionId !== first.versionId) list.push(`meta.versionId is "${res.body?.meta?.versionId}", expected "${first.versionId}"`);
  if (content(res.body) !== content(first.body)) {
    list.push(life.versions.length > 1 && content(res.body) === content(life.current!.body) ? 'it returns the current version instead of the one asked for' : 'its content differs from the version created');
  }
  problems(list, res, `GET ${life.type}/${id}/_history/${first.versionId}`);
}

/** history-instance: a history Bundle, one entry per version, newest first, total = the number of versions. */
export async function checkHistory(life: ResourceLife, env: LifeEnv, stops: Stops): Promise<void> {
  const id = await life.ensure(stops, life.cap('history-instance'));
  const res = await env.client.request('GET', `${life.type}/${id}/_history`, { accept: 'any' });
  if (res.status !== 200 || res.body?.resourceType !== 'Bundle' || res.body.type !== 'history') {
    throw new CheckFailure(`GET ${life.type}/${id}/_history should answer 200 with a Bundle of type history: ${describeExchange(res)}`, 'wrong');
  }
  const entries: { resource?: Json; response?: { etag?: string } }[] = res.body.entry ?? [];
  const got = entries.map((e) => e.resource?.meta?.versionId ?? parseETag(e.response?.etag)?.value ?? '?');
  const want = life.versions.map((v) => v.versionId).reverse();
  const list: string[] = [];
  if (got.join(' ') !== want.join(' ')) list.push(`entries name versions [${got.join(', ')}], expected [${want.join(', ')}] (newest first)`);
  if (res.body.total === undefined) list.push('Bundle.total is missing');
  else if (res.body.total !== want.length) list.push(`Bundle.total is ${res.body.total}, expected ${want.length}`);
  problems(list, res, `GET ${life.type}/${id}/_history`);
}

/** search-type: `_id` finds exactly the resource. */
export async function checkSearchType(life: ResourceLife, env: LifeEnv, stops: Stops): Promise<void> {
  if (!life.makeable) notEnabled(life.type, await env.client.search(life.type, [['_count', '1'], ['_tag', tagQuery(env.tag)]], { accept: 'any' }));
  const id = await life.ensure(stops, life.cap('search-type'));
  const res = await env.client.search(life.type, [['_id', id]], { accept: 'any' });
  notEnabled(life.type, res);
  if (res.status !== 200 || !isSearchset(res.body)) throw new CheckFailure(`GET ${life.type}?_id=${id} should answer a searchset Bundle: ${describeExchange(res)}`, 'wrong');
  const ids = matchIds(res.body, life.type);
  if (ids.length !== 1 || ids[0] !== id) throw new CheckFailure(`GET ${life.type}?_id=${id} found [${ids.join(', ')}], expected exactly ${id}`, 'wrong');
}

const DELETED = [404, 410];

/** delete: 200/202/204; then read → 410 (or 404); earlier versions kept; a PUT without If-Match refused with 412. */
export async function checkDelete(life: ResourceLife, env: LifeEnv, stops: Stops): Promise<void> {
  const id = await life.ensure(stops, life.cap('delete'));
  const res = await env.client.delete(life.type, id, { accept: 'any' });
  if (![200, 202, 204].includes(res.status)) throw new CheckFailure(`DELETE ${life.type}/${id} should answer 200 or 204: ${describeExchange(res)}`, 'wrong', 204, res.status);
  life.deleted = true;
  const read = await env.client.read(life.type, id, { accept: 'any' });
  if (!DELETED.includes(read.status)) throw new CheckFailure(`after DELETE, GET ${life.type}/${id} should answer 410 Gone (or 404): ${describeExchange(read)}`, 'wrong', 410, read.status);
  const first = life.versions[0]!;
  if (life.declared.has('vread')) {
    const old = await env.client.request('GET', `${life.type}/${id}/_history/${encodeURIComponent(first.versionId)}`, { accept: 'any' });
    if (old.status !== 200) throw new CheckFailure(`after DELETE the history is lost: vread of version ${first.versionId} ${describeExchange(old)}`, 'wrong', 200, old.status);
  } else if (life.declared.has('history-instance')) {
    const hist = await env.client.request('GET', `${life.type}/${id}/_history`, { accept: 'any' });
    const kept = new Set((hist.body?.entry ?? []).map((e: { resource?: Json }) => e.resource?.meta?.versionId));
    if (!life.versions.every((v) => kept.has(v.versionId))) throw new CheckFailure(`after DELETE the history no longer lists versions ${life.versions.map((v) => v.versionId).join(', ')}: ${describeExchange(hist)}`, 'wrong');
  }
  if (!life.declared.has('update')) return;
  // API access page: "The platform requires If-Match on every update: a PUT without it is rejected with 412".
  const put = await env.client.update({ ...life.current!.body, id }, undefined, { accept: 'any' });
  if (put.status !== 412) throw new CheckFailure(`a PUT without If-Match on the deleted ${life.type}/${id} should be refused with 412: ${describeExchange(put)}`, 'wrong', 412, put.status);
  const after = await env.client.read(life.type, id, { accept: 'any' });
  if (!DELETED.includes(after.status)) throw new CheckFailure(`the refused PUT brought the deleted ${life.type}/${id} back: ${describeExchange(after)}`, 'wrong', 410, after.status);
}

/** A refusal: a 4xx status (`preferred` names the most fitting one) and an OperationOutcome saying why. */
export function expectRefused(res: FhirResponse, what: string, preferred?: number): void {
  const list: string[] = [];
  if (res.status < 400 || res.status >= 500) list.push(`answered ${res.status}, expected a 4xx${preferred ? ` (${preferred})` : ''} refusal`);
  if (!isOperationOutcome(res.body)) list.push('no OperationOutcome says why');
  problems(list, res, what);
}

/** An interaction the type does not declare: refused with a 4xx OperationOutcome, and nothing changed. */
export async function checkRefused(life: ResourceLife, env: LifeEnv, stops: Stops, code: InteractionCode): Promise<void> {
  // Refusing what a missing endpoint cannot do proves nothing: first make sure the type is there at all.
  const probe = code === 'search-type'
    ? await env.client.read(life.type, env.freshId(`${life.type}:probe`), { accept: 'any' })
    : await env.client.search(life.type, [['_count', '1'], ['_tag', tagQuery(env.tag)]], { accept: 'any' });
  notEnabled(life.type, probe);
  const t = life.type;
  const target = life.id ?? env.freshId(`${t}:refused`);
  switch (code) {
    case 'create': {
      const marker = { system: `${env.tag.system}/refused`, code: env.freshId(`${t}:marker`) };
      const res = await env.client.create(withRunTag(await env.make(t), marker), { accept: 'any' });
      const id = createdId(res);
      if (id) env.created.add(t, id);
      expectRefused(res, `POST ${t}`);
      const found = await env.client.search(t, [['_tag', tagQuery(marker)]], { accept: 'any' });
      if (matchIds(found.body, t).length) throw new CheckFailure(`POST ${t} was answered ${res.status} but created ${matchIds(found.body, t).join(', ')}`, 'wrong');
      return;
    }
    case 'update': {
      const res = await env.client.update({ ...(life.current?.body ?? (await env.make(t))), id: target }, weakETag(life.current?.versionId ?? '1'), { accept: 'any' });
      if (res.status < 300) env.created.add(t, target);
      expectRefused(res, `PUT ${t}/${target}`);
      const read = await env.client.read(t, target, { accept: 'any' });
      if (read.body?.meta?.versionId !== life.current?.versionId && read.status < 300) throw new CheckFailure(`the refused PUT changed ${t}/${target}: ${describeExchange(read)}`, 'wrong');
      return;
    }
    case 'delete': {
      // With nothing to delete (a type the harness cannot write), an id nobody has: a 200/204 still gives it away.
      const id = life.id ?? (life.makeable ? await life.ensure(stops, life.cap('delete:refused')) : target);
      const res = await env.client.delete(t, id, { accept: 'any' });
      expectRefused(res, `DELETE ${t}/${id}`);
      if (!life.id) return;
      const read = await env.client.read(t, id, { accept: 'any' });
      if (read.status !== 200) throw new CheckFailure(`DELETE ${t}/${id} was answered ${res.status}, yet ${t}/${id} is gone: ${describeExchange(read)}`, 'wrong', 200, read.status);
      return;
    }
    case 'vread':
      return expectRefused(await env.client.request('GET', `${t}/${target}/_history/${encodeURIComponent(life.current?.versionId ?? '1')}`, { accept: 'any' }), `vread of ${t}/${target}`);
    case 'history-instance':
      return expectRefused(await env.client.request('GET', `${t}/${target}/_history`, { accept: 'any' }), `GET ${t}/${target}/_history`);
    case 'read':
      return expectRefused(await env.client.read(t, target, { accept: 'any' }), `GET ${t}/${target}`);
    case 'search-type':
      return expectRefused(await env.client.search(t, [['_id', target]], { accept: 'any' }), `GET ${t}?_id=${target}`);
  }
}

/** The check of each declared interaction. */
export const STEPS: Record<InteractionCode, (life: ResourceLife, env: LifeEnv, stops: Stops) => Promise<void>> = {
  create: (life, env) => checkCreate(life, env),
  read: checkRead,
  update: checkUpdate,
  vread: checkVread,
  'history-instance': checkHistory,
  'search-type': checkSearchType,
  delete: checkDelete,
};
