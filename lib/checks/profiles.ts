// The UZ Core profile checks (IG facts §5, "Must Support"): the IG's examples are accepted and read back unchanged;
// a resource with every Must Support element populated keeps each one (a verdict per element, so a dropped element
// names itself); leaving out a required element is refused with an OperationOutcome naming it, data-absent-reason
// standing in where the profile allows it; and a resource claiming the profile that breaks it is refused.
import type { FhirClient, FhirResponse } from '../client/http.ts';
import { describeExchange } from '../fhir/exchange.ts';
import { createdId } from '../fhir/location.ts';
import { isOperationOutcome, type Issue } from '../fhir/operation-outcome.ts';
import { isNotEnabled } from '../fhir/searchset.ts';
import type { Json } from '../fixtures/personas.ts';
import { withRunTag, type Coding } from '../fixtures/run-tag.ts';
import type { CreatedResources } from '../fixtures/teardown.ts';
import { locate, parentId, unsliced } from '../profiles/elements.ts';
import { ExamplePlanter, PlantFailure, withoutIdAndMeta } from '../profiles/examples.ts';
import { differential, exampleKey, examplesOf, unplantable, type IgProfile } from '../profiles/ig.ts';
import { mustSupportResource } from '../profiles/must-support.ts';
import { requiredCases, violationOf, withDataAbsentReason, withoutElement } from '../profiles/violations.ts';
import { CheckFailure } from '../verdicts.ts';
import { canonicalJson } from '../fhir/canonical-json.ts';
import type { Stops } from './interactions.ts';

export interface ProfileEnv {
  client: FhirClient;
  tag: Coding;
  created: Pick<CreatedResources, 'add'>;
  planter: ExamplePlanter;
  /** The types the matrix declares create for (lib/profiles/ig.ts creatableTypes): which IG examples can be written. */
  creatable: ReadonlySet<string>;
  /** What the profile resources may reference (lib/profiles/ig.ts referenceableTypes). */
  referenceable: ReadonlySet<string>;
  /** True when the target's expected gaps say the capability's endpoint is not enabled. */
  notEnabledGap(capability: string): boolean;
}

interface RoundTrip { sent: Json; read: Json }

const capOf = (p: IgProfile, suffix: string) => `profile:${p.id}:${suffix}`;

/** A failure that says "the endpoint is not there" when the answer does. */
function failure(message: string, res?: FhirResponse): CheckFailure {
  return new CheckFailure(message, res && isNotEnabled(res.status, res.body) ? 'not-enabled' : 'wrong');
}

async function create(env: ProfileEnv, resource: Json): Promise<{ res: FhirResponse; id?: string }> {
  const res = await env.client.create(resource, { accept: 'any' });
  const id = createdId(res);
  if (id) env.created.add(resource.resourceType, id);
  return { res, id };
}

/** One profile's Must Support resource on the target, created once and read back; every check of the profile uses it. */
export class ProfileRun {
  private trip?: Promise<RoundTrip>;
  /** The capability whose check carries the failure to create the resource (the first Must Support element). */
  readonly owner: string;

  constructor(readonly profile: IgProfile, private readonly env: ProfileEnv, firstMustSupport: string) {
    this.owner = capOf(profile, `must-support:${firstMustSupport}`);
  }

  /** The conforming resource, accepted and read back; the other checks are blocked by the owner when it is not. */
  async roundTrip(stops: Stops, self: string): Promise<RoundTrip> {
    this.trip ??= this.make();
    try {
      return await this.trip;
    } catch (e) {
      if (!(e instanceof CheckFailure)) throw e;
      if (self === this.owner || (e.kind === 'not-enabled' && this.env.notEnabledGap(self))) throw e;
      return stops.blocked(this.owner, e.message);
    }
  }

  private async make(): Promise<RoundTrip> {
    const built = mustSupportResource(this.profile, this.env.referenceable).resource;
    let resolved: Json;
    try {
      resolved = (await this.env.planter.resolve(built)).resource;
    } catch (e) {
      if (e instanceof PlantFailure) throw failure(`an IG example the ${this.profile.title} resource references could not be put on the target: ${e.message}`, e.response);
      throw e;
    }
    const sent = withRunTag(resolved, this.env.tag);
    const { res, id } = await create(this.env, sent);
    if (!id) throw failure(`a ${this.profile.title} with every Must Support element populated was refused: ${describeExchange(res, 800)}`, res);
    const read = await this.env.client.read(this.profile.type, id, { accept: 'any' });
    if (read.status !== 200) throw new CheckFailure(`the ${this.profile.title} created as ${this.profile.type}/${id} cannot be read back: ${describeExchange(read)}`, 'wrong');
    return { sent, read: read.body };
  }
}

/** The IG examples of the profile that can be put on the target, and why the others cannot. */
export function examplesToCheck(profile: IgProfile, creatable: ReadonlySet<string>): { keys: string[]; skipped: string[] } {
  const all = examplesOf(profile).map(exampleKey);
  const skipped = all.map((k) => unplantable(k, creatable)).filter((why): why is string => !!why);
  return { keys: all.filter((k) => !unplantable(k, creatable)), skipped };
}

/** Each IG example of the profile: accepted, and read back equal to what was sent apart from id and meta. */
export async function checkExamplesAccepted(profile: IgProfile, env: ProfileEnv, note: (text: string) => void): Promise<void> {
  const problems: string[] = [];
  let kind: CheckFailure['kind'] = 'wrong';
  const { keys, skipped } = examplesToCheck(profile, env.creatable);
  for (const why of skipped) note(`not checked: ${why}`);
  for (const key of keys) {
    try {
      const planted = await env.planter.plant(key);
      const [type, id] = planted.ref.split('/') as [string, string];
      const read = await env.client.read(type, id, { accept: 'any' });
      if (read.status !== 200) problems.push(`${key} was accepted as ${planted.ref} but cannot be read back: ${describeExchange(read)}`);
      else if (canonicalJson(withoutIdAndMeta(read.body)) !== canonicalJson(withoutIdAndMeta(planted.sent))) {
        problems.push(`${key} reads back changed: ${firstDifference(withoutIdAndMeta(planted.sent), withoutIdAndMeta(read.body))}`);
      }
    } catch (err) {
      if (!(err instanceof PlantFailure)) throw err;
      if (err.response && isNotEnabled(err.response.status, err.response.body)) kind = 'not-enabled';
      problems.push(err.message);
    }
  }
  if (problems.length) throw new CheckFailure(problems.join('\n'), kind);
}

/** Where two JSON values first differ, as `path: sent … / read …`. */
export function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (canonicalJson(a) === canonicalJson(b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}${Array.isArray(a) ? `[${k}]` : `.${k}`}` : k);
      if (d) return d;
    }
  }
  const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v).slice(0, 160));
  return `${path || '(root)'}: sent ${show(a)}, read back ${show(b)}`;
}

/** The element's values (with a primitive's extensions) in the Must Support resource sent and read back are the same. */
export async function checkMustSupport(run: ProfileRun, element: string, stops: Stops): Promise<void> {
  const { sent, read } = await run.roundTrip(stops, capOf(run.profile, `must-support:${element}`));
  const diff = differential(run.profile.file);
  const values = (r: Json) => locate(diff, r, element).map((n) => canonicalJson({ value: n.value, extension: n.ext })).sort();
  const want = values(sent);
  if (!want.length) throw new Error(`harness: ${element} is not in the resource it sent (the matrix says the harness populates it)`);
  const got = values(read);
  if (!got.length) throw new CheckFailure(`${element} was sent (${want.length} value${want.length > 1 ? 's' : ''}: ${want[0]!.slice(0, 200)}) and is gone from the ${run.profile.type} read back`, 'wrong');
  if (want.join('\n') !== got.join('\n')) throw new CheckFailure(`${element} changed on the round trip: sent ${want.join(' ').slice(0, 300)}, read back ${got.join(' ').slice(0, 300)}`, 'wrong');
}

/** A path of element names as a pattern over FHIRPath: `value[x]` stands for `value` or any `valueQuantity`-like name. */
function pathPattern(path: string): string {
  return path.split('.').map((p) => (p.endsWith('[x]') ? `${p.slice(0, -3)}(?:[A-Z][A-Za-z]*)?` : p.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&'))).join('\\.');
}

/** An issue names the element: its expression is the element's path (indices and filters aside), or its parent's with the name in the text. */
export function namesElement(issue: Issue, element: string): boolean {
  const self = new RegExp(`^${pathPattern(unsliced(element))}(?:\\..*)?$`);
  const parent = new RegExp(`^${pathPattern(unsliced(parentId(element)))}$`);
  const name = unsliced(element).split('.').pop()!.replace('[x]', '');
  return (issue.expression ?? []).some((raw) => {
    const e = raw.replace(/\[(\d+|x)\]/g, '').replace(/\.(where|ofType|extension)\([^)]*\)/g, '');
    return self.test(e) || (parent.test(e) && `${issue.diagnostics ?? ''} ${issue.details?.text ?? ''}`.includes(name));
  });
}

/** Each required element left out is refused, naming it; data-absent-reason in its place is accepted where allowed. */
export async function checkRequired(run: ProfileRun, env: ProfileEnv, stops: Stops): Promise<void> {
  const { sent } = await run.roundTrip(stops, capOf(run.profile, 'required'));
  const problems: string[] = [];
  for (const c of requiredCases(run.profile, sent)) {
    if (c.untestable) continue;
    const { res, id } = await create(env, withoutElement(run.profile, sent, c.element));
    if (id) problems.push(`without ${c.element} it was accepted (${res.status}, ${run.profile.type}/${id})`);
    else if (res.status < 400 || res.status >= 500 || !isOperationOutcome(res.body)) problems.push(`without ${c.element}: expected a 4xx OperationOutcome, ${describeExchange(res)}`);
    else if (!res.body.issue.some((i) => namesElement(i, c.element))) problems.push(`without ${c.element}: refused, but no issue's expression names it (${res.body.issue.map((i) => (i.expression ?? []).join('|')).join('; ')})`);
    if (!c.dataAbsentReason) continue;
    const dar = await create(env, withDataAbsentReason(run.profile, sent, c.element));
    if (!dar.id) problems.push(`with data-absent-reason in place of ${c.element} (which the profile allows) it was refused: ${describeExchange(dar.res)}`);
  }
  if (problems.length) throw new CheckFailure(problems.join('\n'), 'wrong');
}

/** The conforming resource claiming the profile was accepted (the round trip); a violating one is refused. */
export async function checkMetaProfile(run: ProfileRun, env: ProfileEnv, stops: Stops): Promise<void> {
  const { sent } = await run.roundTrip(stops, capOf(run.profile, 'meta-profile'));
  const v = violationOf(run.profile, sent);
  if (!v) throw new Error(`harness: no violation of ${run.profile.id} found (the matrix says there is one)`);
  const { res, id } = await create(env, v.apply(sent));
  if (id) throw new CheckFailure(`a ${run.profile.type} claiming ${run.profile.url} was accepted although ${v.description} (${res.status}, ${run.profile.type}/${id})`, 'wrong');
  if (res.status < 400 || res.status >= 500 || !isOperationOutcome(res.body)) {
    throw new CheckFailure(`a ${run.profile.type} claiming ${run.profile.url} where ${v.description}: expected a 4xx OperationOutcome, ${describeExchange(res)}`, 'wrong');
  }
}
