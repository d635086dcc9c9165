// The IG's examples put on the target as the run's own: each created with the run tag, its id left to the server,
// and every reference to another IG example rewritten to that example's copy (planted first). A reference cycle
// (Specimen ↔ ServiceRequest) is closed with one update once both exist.
import type { FhirClient, FhirResponse } from '../client/http.ts';
import { weakETag } from '../fhir/etag.ts';
import { describeExchange } from '../fhir/exchange.ts';
import { createdId } from '../fhir/location.ts';
import type { Json } from '../fixtures/personas.ts';
import { withRunTag, type Coding } from '../fixtures/run-tag.ts';
import type { CreatedResources } from '../fixtures/teardown.ts';
import { exampleKey, exampleReferences, exampleResource, igIndex, type IgExample } from './ig.ts';

export interface Planted {
  key: string;
  /** `Type/id` on the target. */
  ref: string;
  /** What the harness sent last (references rewritten, run tag added). */
  sent: Json;
  /** The create (and, for a cycle, the closing update) answer. */
  response: FhirResponse;
}

/** An example that could not be put on the target, and why. */
export class PlantFailure extends Error {
  constructor(readonly key: string, message: string, readonly response?: FhirResponse) {
    super(message);
    this.name = 'PlantFailure';
  }
}

const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A copy with references rewritten by `map`; a Reference whose target `drop` names is left out (a cycle, closed later). */
export function rewriteReferences(value: unknown, map: ReadonlyMap<string, string>, drop: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) {
    return value.filter((v) => !(isObject(v) && typeof v.reference === 'string' && drop.has(v.reference))).map((v) => rewriteReferences(v, map, drop));
  }
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (isObject(v) && typeof v.reference === 'string' && drop.has(v.reference)) continue;
    out[k] = k === 'reference' && typeof v === 'string' ? (map.get(v) ?? v) : rewriteReferences(v, map, drop);
  }
  return out;
}

/** The content that must survive a round trip: everything but id and meta (which the server owns). */
export function withoutIdAndMeta(r: Json | undefined): Record<string, unknown> {
  const { id: _id, meta: _meta, ...rest } = r ?? ({} as Json);
  return rest;
}

export class ExamplePlanter {
  private readonly byKey: Map<string, IgExample>;
  private readonly planted = new Map<string, Promise<Planted>>();
  private readonly refs = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: FhirClient,
    private readonly tag: Coding,
    private readonly created: Pick<CreatedResources, 'add'>,
    /** Types the target lets the harness create. */
    private readonly creatable: ReadonlySet<string>,
  ) {
    this.byKey = new Map(igIndex().examples.map((e) => [exampleKey(e), e]));
  }

  /** The example on the target (planted once per run). */
  plant(key: string): Promise<Planted> {
    return this.oneAtATime(() => this.plantFrom(key, []));
  }

  /** A resource with its references to IG examples pointing at the run's copies (planting them first). */
  resolve(resource: Json): Promise<{ resource: Json; dropped: Set<string> }> {
    return this.oneAtATime(() => this.resolveFrom(resource, []));
  }

  /**
   * Checks run concurrently, but plantings started from two of them side by side could each wait for an example the
   * other is planting (a reference cycle entered from both ends): one planting (with everything it plants first) at a time.
   */
  private oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
    const turn = this.queue.then(fn, fn);
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async resolveFrom(resource: Json, path: readonly string[]): Promise<{ resource: Json; dropped: Set<string> }> {
    const targets = [...exampleReferences(resource, this.byKey)];
    const dropped = new Set(targets.filter((t) => path.includes(t)));
    // One after the other: two cycle members planted side by side would each wait for the other.
    for (const t of targets.filter((x) => !dropped.has(x))) await this.plantFrom(t, path);
    return { resource: rewriteReferences(resource, this.refs, dropped) as Json, dropped };
  }

  private plantFrom(key: string, path: readonly string[]): Promise<Planted> {
    let p = this.planted.get(key);
    if (!p) {
      p = this.create(key, [...path, key]);
      this.planted.set(key, p);
    }
    return p;
  }

  private async create(key: string, path: readonly string[]): Promise<Planted> {
    const example = this.byKey.get(key);
    if (!example) throw new PlantFailure(key, `${key} is not an IG example`);
    if (!this.creatable.has(example.resourceType)) throw new PlantFailure(key, `${key} cannot be written: the target offers no create for ${example.resourceType}`);
    const source = exampleResource(example);
    delete source.id;
    let resolved: Awaited<ReturnType<ExamplePlanter['resolve']>>;
    try {
      resolved = await this.resolveFrom(source, path);
    } catch (e) {
      throw e instanceof PlantFailure ? new PlantFailure(key, `${key} references ${e.key}, which could not be planted: ${e.message}`, e.response) : e;
    }
    const sent = withRunTag(resolved.resource, this.tag);
    const res = await this.client.create(sent, { accept: 'any' });
    const id = createdId(res);
    if (!id) throw new PlantFailure(key, `the target refused ${key}: ${describeExchange(res, 600)}`, res);
    this.created.add(example.resourceType, id);
    const ref = `${example.resourceType}/${id}`;
    this.refs.set(key, ref);
    if (!resolved.dropped.size) return { key, ref, sent, response: res };
    // A cycle: the references left out are there now; put them back with one update.
    const full = { ...withRunTag(rewriteReferences(source, this.refs) as Json, this.tag), id };
    const version = res.body?.meta?.versionId ?? '1';
    const closed = await this.client.update(full, weakETag(version), { accept: 'any' });
    if (closed.status >= 300) throw new PlantFailure(key, `closing the reference cycle of ${key} failed: ${describeExchange(closed, 600)}`, closed);
    return { key, ref, sent: full, response: closed };
  }
}
