// Puts one resource type's planned search fixtures on the server (targets first, then the params' triples in
// transaction chunks of ≤ 200 entries, then the server-assigned triple one by one), resolves what the server
// assigned, and deletes it all again afterwards.
import type { FhirClient } from '../client/http.ts';
import { parseLocation } from '../fhir/location.ts';
import { postEntry, putEntry, transactionBundle } from '../fhir/bundle.ts';
import { isNotEnabled } from '../fhir/searchset.ts';
import { currentVersions, reusedAcrossRuns, stableFixtureId } from '../fixtures/reuse.ts';
import { fixtureTag, withRunTag, type Coding } from '../fixtures/run-tag.ts';
import { deleteRefs } from '../fixtures/teardown.ts';
import type { GapBook } from '../matrix/gaps.ts';
import type { Matrix, ResourceCapability, SearchParam } from '../matrix/types.ts';
import type { SeedSource } from '../run/seed.ts';
import { minimalResource } from './plant-required.ts';
import { VARIANTS, type Variant } from './plant-variants.ts';
import { planParam, type ParamPlan, type PlantContext, type Resolved, type SubQuery } from './plant.ts';
import { chainParamOf, hasSourceFor, pickTarget, writableOf } from './related.ts';

const CHUNK = 200;

interface Entry {
  placeholder: string;
  method: 'POST' | 'PUT';
  resource: Record<string, any>;
  /** Planted under a stable id to be reused across runs (lib/fixtures/reuse.ts). */
  reuse?: boolean;
  /** A reused fixture the target may also create with POST, should it refuse a PUT under a client id. */
  orPost?: boolean;
  /** The version a previous run left, for the update in place. */
  ifMatch?: string;
  /** Set once the server answered. */
  stored?: Record<string, any>;
}

/**
 * How fixtures of a type are written: POST (create); PUT under ids of this run (a type with update but no create);
 * 'reuse': PUT under stable ids, updated in place every run (a type the target cannot delete, lib/fixtures/reuse.ts);
 * 'reuse, else POST': the same, as creates if the target refuses a PUT that creates.
 */
export type WriteMethod = 'POST' | 'PUT' | 'reuse' | 'reuse, else POST';

export interface PlantProblem {
  kind: 'not-enabled' | 'rejected';
  message: string;
}

/**
 * Which types the harness can put on the server: enabled (per the gaps) and writable (create, or update-as-create).
 * PUT under stable ids for types the target cannot delete, so that runs reuse them (lib/fixtures/reuse.ts).
 */
export function writableTypes(matrix: Matrix, gaps: GapBook): Map<string, WriteMethod> {
  const out = new Map<string, WriteMethod>();
  for (const [type, method] of writableOf(matrix.resources, (t) => gaps.lookup(`endpoint:${t}`)?.kind === 'not-enabled')) {
    const reused = reusedAcrossRuns(matrix.resources.find((r) => r.type === type)!);
    out.set(type, reused ? (method === 'POST' ? 'reuse, else POST' : 'reuse') : method);
  }
  return out;
}

const deepReplace = (value: unknown, map: ReadonlyMap<string, string>): unknown => {
  if (typeof value === 'string') return map.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => deepReplace(v, map));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepReplace(v, map)]));
  return value;
};

export class TypeFixtures {
  readonly plans: ParamPlan[];
  /** placeholder → `Type/id` */
  private readonly refs = new Map<string, string>();
  private readonly targets: Entry[] = [];
  private readonly pools = new Map<string, string>();
  /** Pool targets by `Type#slot`: slots 0..2 carry the match, second and decoy values of their type's chain param. */
  private readonly poolEntries = new Map<string, Entry>();
  /** Per pool target type: the chain param and its plan (related.ts chainParamOf). */
  private readonly chainPlans = new Map<string, { param: SearchParam; plan: ParamPlan }>();
  /** Per param: the target type its reference placeholders point at. */
  private readonly pointsAt = new Map<string, string>();
  /** Per param (and `param#generated`): the planted entries by name — the three variants, then the plan's extras. */
  private readonly paramEntries = new Map<string, Record<string, Entry>>();
  private sequential?: Record<Variant, Entry>;
  /** Everything created, as `Type/id`, in creation order. */
  readonly created: string[] = [];
  problem?: PlantProblem;
  /** The tag this type's searches restrict to: only what these fixtures planted (lib/fixtures/run-tag.ts fixtureTag). */
  readonly queryTag: Coding;
  private readonly paramProblems = new Map<string, string>();
  private planted?: Promise<void>;

  constructor(
    readonly resource: ResourceCapability,
    private readonly writable: ReadonlyMap<string, WriteMethod>,
    private readonly tag: Coding,
    /** Planted values come from the run seed; ids the client chooses (PUT) also from the run id (lib/run/seed.ts). */
    private readonly seeds: SeedSource,
    /** Why the type cannot be written, when the target's gaps say its endpoint is not enabled. */
    notEnabled?: string,
    /** The matrix's types: what pool targets are discriminated by, and where `_has` finds a source (related.ts). */
    private readonly related?: Pick<Matrix, 'resources'>,
  ) {
    this.queryTag = fixtureTag(tag, resource.type);
    const salt = seeds.draw('planter:salt').hex(3);
    this.plans = resource.searchParams.map((p, i) => {
      const unique = `${salt}${resource.type.slice(0, 3).toLowerCase()}${i}`;
      return p.name === '_has' && related ? this.hasPlan(p, unique) ?? planParam(resource.type, p, this.context(unique)) : planParam(resource.type, p, this.context(unique, p.name));
    });
    if (!writable.has(resource.type)) {
      for (const p of this.plans) {
        if (p.status !== 'not-run') Object.assign(p, { status: 'not-run', reason: notEnabled ?? `the matrix gives ${resource.type} neither create nor update: nothing can be planted`, resources: undefined, queries: [], generated: undefined, terminology: undefined, hierarchy: undefined });
      }
    }
  }

  private context(unique: string, param?: string): PlantContext {
    return {
      unique,
      target: (types, slot) => {
        const wanted = pickTarget(types, this.writable);
        if (!wanted) return `${types[0] ?? 'Basic'}/dangling-${slot}-${unique}`;
        if (param !== undefined && slot !== 'anchor') this.pointsAt.set(param, wanted);
        return this.poolTarget(wanted, slot, unique);
      },
    };
  }

  /**
   * The pool target of `type` in `slot`, created on first use: slots 0..2 carry the match, second and decoy values of
   * the type's chain param (so chains, _has and includes tell them apart), 'anchor' is a minimal resource.
   */
  private poolTarget(type: string, slot: number | 'anchor', unique: string): string {
    const key = `${type}#${slot}`;
    const known = this.pools.get(key);
    if (known) return known;
    const how = this.writable.get(type)!;
    const method = how === 'POST' ? 'POST' : 'PUT';
    const id = this.newId(how, type, `target:${key}`);
    const ph = method === 'POST' ? `urn:uuid:${id}` : `${type}/${id}`;
    this.pools.set(key, ph);
    const entry: Entry = { placeholder: ph, method, resource: {}, reuse: how.startsWith('reuse'), orPost: how === 'reuse, else POST' };
    this.targets.push(entry);
    this.poolEntries.set(key, entry);
    const ctx = this.context(`${unique}t${slot}`);
    const chain = slot === 'anchor' ? undefined : this.chainPlanOf(type, unique);
    const base = chain?.plan.status === 'planned' ? structuredClone(chain.plan.resources![VARIANTS[slot as number]!]) : minimalResource(type, ctx);
    entry.resource = withRunTag(withRunTag<Record<string, any>>({ ...base, ...(method === 'PUT' ? { id } : {}) }, this.tag), this.queryTag);
    return ph;
  }

  private chainPlanOf(type: string, unique: string): { param: SearchParam; plan: ParamPlan } | undefined {
    const target = this.related?.resources.find((r) => r.type === type);
    if (!target) return undefined;
    let known = this.chainPlans.get(type);
    if (!known) {
      const param = chainParamOf(target);
      // Its own context: the chain plan's required references are anchors, never pool slots (no recursion).
      // A reference no writable type may fill dangles, as in context(): never a type the element does not allow.
      const anchor = (types: readonly string[]) => {
        const wanted = pickTarget(types, this.writable);
        return wanted ? this.poolTarget(wanted, 'anchor', unique) : `${types[0] ?? 'Basic'}/dangling-anchor-${unique}`;
      };
      known = { param, plan: planParam(type, param, { unique: `${unique}c`, target: anchor }) };
      this.chainPlans.set(type, known);
    }
    return known;
  }

  /**
   * `_has` on this type: three resources of it (match, second, decoy), and three of a source type whose reference
   * param points at one each (related.ts hasSourceFor), so `_has:<Source>:<param>:_id=<source match>` tells them apart.
   */
  private hasPlan(param: SearchParam, unique: string): ParamPlan | undefined {
    if (!this.writable.has(this.resource.type)) return undefined;
    const src = hasSourceFor(this.related!, this.resource.type, this.writable);
    if (!src) return undefined;
    const own = {} as Record<Variant, Record<string, any>>;
    const phs = {} as Record<Variant, string>;
    for (const v of VARIANTS) {
      own[v] = minimalResource(this.resource.type, this.context(`${unique}h${v}`));
      phs[v] = `#has-${v}`;
    }
    const srcPlan = planParam(src.source, src.param, {
      unique: `${unique}s`,
      target: (types, slot) => (slot === 'anchor' ? this.context(unique).target(types, slot) : phs[VARIANTS[slot]!]),
    });
    if (srcPlan.status !== 'planned') return undefined;
    return {
      param, type: this.resource.type, status: 'planned', queries: [], resources: own,
      where: `${src.source}.${src.param.name} → ${this.resource.type} (reverse chaining)`,
      reverse: { source: src.source, param: src.param, resources: srcPlan.resources!, placeholders: phs },
    };
  }

  /** Plants once; later calls share the same promise. Never throws: problems are kept for the checks to report. */
  plant(client: FhirClient): Promise<void> {
    this.planted ??= this.doPlant(client).catch((e) => {
      this.problem ??= { kind: 'rejected', message: `planting failed: ${(e as Error).message}` };
    });
    return this.planted;
  }

  /**
   * A urn:uuid placeholder (POST) is local to one transaction: drawn from the run seed. An id the client chooses
   * (PUT) is the resource's id on a possibly shared server: the run id is mixed in, and no verdict depends on it —
   * except for a fixture reused across runs, whose id is the same every run (lib/fixtures/reuse.ts). `label` names
   * the entry within this type's fixtures.
   */
  private newId(how: WriteMethod, type: string, label: string): string {
    const stream = `planter:${this.resource.type}:${label}`;
    if (how === 'reuse' || how === 'reuse, else POST') return stableFixtureId(type, stream);
    return (how === 'PUT' ? this.seeds.perRun(stream) : this.seeds.draw(stream)).uuid();
  }

  private entryOf(resource: Record<string, any>, label: string, type = this.resource.type): Entry {
    const how = this.writable.get(type)!;
    const method = how === 'POST' ? 'POST' : 'PUT';
    const id = this.newId(how, type, label);
    const r = withRunTag(withRunTag(method === 'PUT' ? { ...resource, id } : resource, this.tag), this.queryTag);
    return { placeholder: method === 'POST' ? `urn:uuid:${id}` : `${type}/${id}`, method, resource: r, reuse: how.startsWith('reuse'), orPost: how === 'reuse, else POST' };
  }

  private async doPlant(client: FhirClient): Promise<void> {
    const planned = this.plans.filter((p) => p.status === 'planned');
    const needsSequential = this.plans.some((p) => p.status === 'sequential');
    if (!planned.length && !needsSequential) return;
    // Targets first (one transaction), so that later chunks can use real ids instead of urn:uuid.
    if (this.targets.length) {
      const fail = await this.send(client, this.targets);
      if (fail) { this.problem = fail; return; }
    }
    for (const p of planned) {
      const e: Record<string, Entry> = {};
      for (const v of VARIANTS) e[v] = this.entryOf(p.resources![v], `${p.param.name}:${v}`);
      for (const [name, x] of Object.entries(p.extras ?? {})) e[name] = this.entryOf(x.resource, `${p.param.name}:${name}`);
      if (p.reverse) {
        // The source resources point at this param's own three, in the same transaction.
        const map = new Map(VARIANTS.map((v) => [p.reverse!.placeholders[v], e[v]!.placeholder]));
        for (const v of VARIANTS) e[`source-${v}`] = this.entryOf(deepReplace(p.reverse.resources[v], map) as Record<string, any>, `${p.param.name}:source:${v}`, p.reverse.source);
      }
      this.paramEntries.set(p.param.name, e);
      for (const [triple, extra] of [['generated', p.generated], ['terminology', p.terminology], ['hierarchy', p.hierarchy]] as const) {
        if (!extra) continue;
        const g = {} as Record<Variant, Entry>;
        for (const v of VARIANTS) g[v] = this.entryOf(extra.resources[v], `${p.param.name}#${triple}:${v}`);
        this.paramEntries.set(`${p.param.name}#${triple}`, g);
      }
    }
    // Chunks of whole params, at most CHUNK entries each (one param's entries are never split).
    const chunks: [string, Record<string, Entry>][][] = [];
    let size = CHUNK;
    for (const group of this.paramEntries.entries()) {
      const n = Object.keys(group[1]).length;
      if (size + n > CHUNK) { chunks.push([]); size = 0; }
      chunks[chunks.length - 1]!.push(group);
      size += n;
    }
    for (const chunk of chunks) {
      const fail = await this.send(client, chunk.flatMap(([, e]) => Object.values(e)));
      if (!fail) continue;
      if (fail.kind === 'not-enabled') { this.problem = fail; return; }
      // Isolate: one transaction per param, so one rejected fixture does not hide the others.
      for (const [name, e] of chunk) {
        const one = await this.send(client, Object.values(e));
        if (one) this.paramProblems.set(name, one.message);
      }
    }
    if (needsSequential) await this.plantSequential(client);
  }

  /** decoy, match, second — created one after another, each later than the previous (server-assigned lastUpdated). */
  private async plantSequential(client: FhirClient): Promise<void> {
    const seq = {} as Record<Variant, Entry>;
    let previous = '';
    for (const v of ['decoy', 'match', 'second'] as Variant[]) {
      for (let attempt = 0; ; attempt++) {
        await new Promise((r) => setTimeout(r, attempt ? 1100 : 15));
        const entry = this.entryOf(minimalResource(this.resource.type, this.context(`seq${v}${attempt}`)), `#sequential:${v}:${attempt}`);
        const fail = await this.send(client, [entry]);
        if (fail) { this.paramProblems.set('#sequential', fail.message); return; }
        const lu = entry.stored!.meta?.lastUpdated as string;
        if (!previous || Date.parse(lu) > Date.parse(previous) || attempt >= 2) { previous = lu; seq[v] = entry; break; }
      }
    }
    this.sequential = seq;
  }

  /** One transaction; fills `stored` of every entry; returns a problem instead of throwing. */
  private async send(client: FhirClient, entries: Entry[]): Promise<PlantProblem | undefined> {
    const reused = entries.filter((e) => e.reuse);
    for (const type of new Set(reused.map((e) => e.resource.resourceType as string))) {
      const versions = await currentVersions(client, type, reused.filter((e) => e.resource.resourceType === type).map((e) => e.resource.id));
      for (const e of reused) if (e.resource.resourceType === type && versions.has(e.resource.id)) e.ifMatch = `W/"${versions.get(e.resource.id)}"`;
    }
    const bundle = transactionBundle(entries.map((e) => {
      const resource = deepReplace(e.resource, this.refs) as Record<string, any> & { resourceType: string; id: string };
      if (e.method === 'PUT') return putEntry(resource, { ifMatch: e.ifMatch });
      // A reused fixture re-sent as a create keeps its `Type/id` placeholder; its entry needs a urn:uuid of its own.
      return postEntry(resource, e.placeholder.startsWith('urn:uuid:') ? e.placeholder : `urn:uuid:${this.seeds.draw(`planter:${e.placeholder}:as-create`).uuid()}`);
    }));
    const res = await client.transaction(bundle, { accept: 'any' });
    // A target that will not create under a client's id gets the reused fixtures as plain creates.
    if (res.status >= 400 && res.status !== 404 && reused.some((e) => !e.ifMatch && e.orPost)) {
      for (const e of reused) if (!e.ifMatch && e.orPost) Object.assign(e, { method: 'POST', reuse: false, orPost: false, resource: { ...e.resource, id: undefined } });
      return this.send(client, entries);
    }
    // A transaction of one type that the server refuses as not there says the type's endpoint is not enabled.
    const oneType = entries.every((e) => e.resource.resourceType === entries[0]!.resource.resourceType);
    if (oneType && (isNotEnabled(res.status, res.body) || (res.status >= 400 && /not.(enabled|supported)/i.test(res.text)))) {
      return { kind: 'not-enabled', message: `POST [base] transaction with ${entries[0]!.resource.resourceType} answered ${res.status}: ${res.text.slice(0, 300)}` };
    }
    if (res.status >= 300 || res.body?.resourceType !== 'Bundle') {
      return { kind: 'rejected', message: `the server rejected the planted resources (${res.status}): ${res.text.slice(0, 400)}` };
    }
    const out = (res.body.entry ?? []) as { response?: { location?: string; lastModified?: string; etag?: string } }[];
    entries.forEach((e, i) => {
      const loc = parseLocation(out[i]?.response?.location);
      if (!loc) return;
      const ref = `${loc.type}/${loc.id}`;
      this.refs.set(e.placeholder, ref);
      this.created.push(ref);
      const local = deepReplace(e.resource, this.refs) as Record<string, any>;
      e.stored = { ...local, id: loc.id, meta: { ...local.meta, versionId: loc.version ?? local.meta?.versionId, lastUpdated: out[i]?.response?.lastModified ?? local.meta?.lastUpdated } };
    });
    const missing = entries.filter((e) => !e.stored);
    if (missing.length) return { kind: 'rejected', message: `transaction-response lacks a usable location for ${missing.length} entries` };
    // Without lastModified, read back what _lastUpdated needs.
    for (const e of entries) {
      if (e.stored!.meta.lastUpdated) continue;
      const r = await client.read(e.stored!.resourceType, e.stored!.id, { accept: 'any' });
      if (r.status === 200) e.stored = r.body;
    }
    return undefined;
  }

  /** Why a planned param cannot be judged after planting (undefined: it can). */
  problemFor(plan: ParamPlan, triple?: SubQuery['triple']): PlantProblem | undefined {
    if (this.problem) return this.problem;
    const own = this.paramProblems.get(plan.status === 'sequential' ? '#sequential' : `${plan.param.name}${triple ? `#${triple}` : ''}`);
    return own ? { kind: 'rejected', message: own } : undefined;
  }

  /**
   * What was planted for a param: by name (the three variants, then the extras), the stored copy (`planted`, with the
   * server's id) and the resource as sent (references resolved).
   */
  resolvedFor(plan: ParamPlan, triple?: SubQuery['triple']): Resolved & { planted: Record<string, Record<string, any>>; sent: Record<string, Record<string, any>> } {
    const entries: Record<string, Entry> | undefined = plan.status === 'sequential' ? this.sequential : this.paramEntries.get(`${plan.param.name}${triple ? `#${triple}` : ''}`);
    if (!entries) throw new Error(`${plan.type}:${plan.param.name} was not planted`);
    const planted = Object.fromEntries(Object.entries(entries).map(([name, e]) => [name, e.stored!]));
    const refs = this.refs;
    return {
      planted,
      // Only a failure's evidence reads it: resolved on demand, not for every check.
      get sent() { return Object.fromEntries(Object.entries(entries).map(([name, e]) => [name, deepReplace(e.resource, refs) as Record<string, any>])); },
      ref: (ph) => this.refs.get(ph) ?? ph,
      stored: (v) => planted[v]!,
    };
  }

  /** The type a param's reference placeholders point at on this target (pickTarget), when it planted any. */
  targetTypeOf(param: string): string | undefined {
    return this.pointsAt.get(param);
  }

  /** The stored pool target of `type` in slot 0..2 (its chain param's match, second, decoy). */
  poolTargetOf(type: string, slot: number): Record<string, any> | undefined {
    return this.poolEntries.get(`${type}#${slot}`)?.stored;
  }

  /** Every stored pool target by `Type/id`. */
  poolTargets(): Map<string, Record<string, any>> {
    const out = new Map<string, Record<string, any>>();
    for (const e of this.poolEntries.values()) if (e.stored) out.set(`${e.stored.resourceType}/${e.stored.id}`, e.stored);
    return out;
  }

  /** The chain param of a pool target type and the plan its slot values come from. */
  chainOf(type: string): { param: SearchParam; plan: ParamPlan } | undefined {
    return this.chainPlans.get(type);
  }

  /** Every stored resource of this type the params' triples and extras planted (what :missing and revinclude are judged over). */
  plantedOwn(): Record<string, any>[] {
    const out: Record<string, any>[] = [];
    for (const group of [...this.paramEntries.values(), ...(this.sequential ? [this.sequential] : [])]) {
      for (const e of Object.values(group)) if (e.stored?.resourceType === this.resource.type) out.push(e.stored);
    }
    return out;
  }

  /** Ids of the resources of this type this fixture created (params' triples, the sequential triple, same-type targets). */
  ownIds(): Set<string> {
    const prefix = `${this.resource.type}/`;
    return new Set(this.created.filter((r) => r.startsWith(prefix)).map((r) => r.slice(prefix.length)));
  }

  /**
   * Deletes what was created (lib/fixtures/teardown.ts); returns what the target refused. Types the target cannot
   * delete are not attempted: their fixtures are reused by the next run.
   */
  async teardown(client: FhirClient, matrix: Matrix): Promise<string[]> {
    const refused = await deleteRefs(client, matrix, [...this.created].reverse());
    this.created.length = 0;
    return refused.map((r) => `${r.ref} (${r.reason})`);
  }
}
