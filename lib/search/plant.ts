// The planter: for one search parameter, three minimal valid resources — MATCH, a distinct SECOND match (for `a,b`)
// and a DECOY that must not match — with the values written where the parameter's FHIRPath expression looks, typed by
// the R5 model (StructureDefinitions of hl7.fhir.r5.core), plus the queries (with labels fixed at plan time) that tell
// them apart. Planning is pure and synchronous (the suite declares its tests from it); ids are resolved after the
// transaction.
import fc from 'fast-check';
import type { SearchParam, SearchParamType } from '../matrix/types.ts';
import { COMMON_EXPRESSIONS, resourceMatches } from './evaluate.ts';
import { child, codesOf, isKnownType, requiredChildren, type ElementInfo } from './model.ts';
import { branches, Unplantable, type Branch, type Step } from './plant-path.ts';
import { formatComposite } from './query.ts';
import * as generated from './values.ts';

export type Variant = 'match' | 'second' | 'decoy';
export const VARIANTS: readonly Variant[] = ['match', 'second', 'decoy'];

/** Turns a planted reference placeholder (urn:uuid or Type/id) into the `Type/id` the server stored; and gives server-assigned facts. */
export interface Resolved {
  ref(placeholder: string): string;
  /** The stored copy (id, meta.lastUpdated) of a planted variant of this param. */
  stored(v: Variant): Record<string, any>;
}

export interface SubQuery {
  /** Stable label (the test title says it): `S|c`, `:exact`, `gt`… */
  label: string;
  modifier?: string;
  value(r: Resolved): string;
  /** Which planted triple the query is about: the fixed one (default) or the generated one (values.ts). */
  triple?: 'generated';
}

export interface ParamPlan {
  param: SearchParam;
  type: string;
  /** planned: resources below; sequential: server-assigned values, created one by one (_lastUpdated, _id); not-run: reason. */
  status: 'planned' | 'sequential' | 'not-run';
  reason?: string;
  resources?: Record<Variant, Record<string, any>>;
  queries: SubQuery[];
  /** What was planted where (for the coverage file). */
  where?: string;
  /** The decoy differs from the match only by the token system (system|code checks tell them apart). */
  systemDiscriminated?: boolean;
  /** A second triple from the oracle's fast-check generators (values.ts), with the seed that reproduces it. */
  generated?: { seed: number; resources: Record<Variant, Record<string, any>> };
}

/** UZ Core mandatory elements beyond the R5 base minimums (IG facts §5), one data table; `{$ref:T}` = a reference to a T. */
export const UZ_MANDATORY: Readonly<Record<string, Record<string, unknown>>> = {
  Patient: { identifier: [{ system: 'https://dhp.uz/fhir/core/sid/pid/uz/ni', value: '$digits14' }] },
  Condition: {
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    subject: { $ref: 'Patient' },
  },
  Observation: { status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] } },
  Encounter: { status: 'completed' },
  EpisodeOfCare: { status: 'active', patient: { $ref: 'Patient' } },
  Procedure: { status: 'completed', subject: { $ref: 'Patient' } },
  Immunization: {
    status: 'completed', vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '19' }] },
    patient: { $ref: 'Patient' }, occurrenceDateTime: '2026-04-28T10:30:00+05:00',
  },
  Organization: { name: 'Conformance test organisation' },
  PlanDefinition: { url: 'https://dhp.uz/fhir/core/PlanDefinition/conformance-$u', name: 'ConformancePlan', description: 'planted by dhp-conformance' },
};

/** How a plan asks for other resources: a reference placeholder to a target of `type` in pool slot `slot`. */
export interface PlantContext {
  /** Unique text for this param (values never collide across params or runs). */
  unique: string;
  /** Placeholder reference to a target resource of one of `types` (slot 0..2 = match/second/decoy, 'anchor' = filler). */
  target(types: readonly string[], slot: number | 'anchor'): string;
}

// ─── default values for required elements ────────────────────────────────────────────────────────────────────────

const PRIMITIVE_DEFAULTS: Record<string, unknown> = {
  string: 'x', markdown: 'x', uri: 'http://example.org/x', url: 'http://example.org/x', canonical: 'http://example.org/x',
  boolean: true, integer: 1, positiveInt: 1, unsignedInt: 0, integer64: '1', decimal: 1, date: '2020-01-01', dateTime: '2020-01-01',
  instant: '2020-01-01T00:00:00Z', time: '10:00:00', id: 'x', oid: 'urn:oid:1.2.3', uuid: 'urn:uuid:00000000-0000-4000-8000-000000000000',
  base64Binary: 'eA==', xhtml: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>',
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function defaultFor(el: ElementInfo, type: string, ctx: PlantContext, depth: number): unknown {
  const codes = codesOf(el.requiredValueSet);
  if (type === 'code') return codes[0]?.code ?? 'unknown';
  if (type in PRIMITIVE_DEFAULTS) return PRIMITIVE_DEFAULTS[type];
  if (type === 'CodeableConcept') return { coding: [codes[0] ? { system: codes[0].system, code: codes[0].code } : { system: 'http://example.org/default', code: 'default' }] };
  if (type === 'Coding') return codes[0] ? { system: codes[0].system, code: codes[0].code } : { system: 'http://example.org/default', code: 'default' };
  if (type === 'Reference') return { reference: ctx.target(el.targets, 'anchor') };
  if (type === 'CodeableReference') return { concept: { text: 'x' } };
  if (type === 'Identifier') return { system: 'http://example.org/default-id', value: 'x' };
  if (type === 'Quantity' || type === 'Duration' || type === 'Age') return { value: 1 };
  if (type === 'Period') return { start: '2020-01-01' };
  if (type === 'Attachment') return { contentType: 'text/plain', data: 'eA==' };
  if (type === 'HumanName') return { family: 'x' };
  if (type === 'Narrative') return { status: 'generated', div: PRIMITIVE_DEFAULTS.xhtml };
  const obj: Record<string, unknown> = {};
  if (depth < 4) fillRequired(obj, el.childBase === type ? type : el.childBase, el.childBase === type ? type : el.path, ctx, depth + 1);
  if (!Object.keys(obj).length) obj.extension = [{ url: 'http://example.org/placeholder', valueString: 'x' }];
  return obj;
}

function expandPlaceholders(value: unknown, ctx: PlantContext): unknown {
  if (typeof value === 'string') {
    return value.replace('$digits14', digits(ctx.unique, 14)).replace('$u', ctx.unique);
  }
  if (Array.isArray(value)) return value.map((v) => expandPlaceholders(v, ctx));
  if (value && typeof value === 'object') {
    const rec = value as Record<string, unknown>;
    if (typeof rec.$ref === 'string') return { reference: ctx.target([rec.$ref], 'anchor') };
    return Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, expandPlaceholders(v, ctx)]));
  }
  return value;
}

function digits(seed: string, n: number): string {
  let h = 7;
  let out = '';
  for (let i = 0; out.length < n; i++) {
    h = (h * 31 + seed.charCodeAt(i % Math.max(1, seed.length)) + i) % 1_000_000_007;
    out += String(h % 10);
  }
  return out;
}

/** Writes every min ≥ 1 child of the node (that is not already there) with a default value. */
export function fillRequired(node: Record<string, unknown>, base: string, path: string, ctx: PlantContext, depth = 0): void {
  for (const el of requiredChildren(base, path)) {
    if (el.choice ? Object.keys(node).some((k) => k.startsWith(el.name) && /^[A-Z]/.test(k.slice(el.name.length))) : el.name in node) continue;
    const type = el.types[0];
    if (!type) continue;
    const key = el.choice ? el.name + cap(type) : el.name;
    const v = defaultFor(el, type, ctx, depth);
    node[key] = el.repeats ? [v] : v;
  }
}

/** A minimal valid resource of `type`: R5 base minimums plus the UZ Core mandatory elements. */
export function minimalResource(type: string, ctx: PlantContext): Record<string, any> {
  const r: Record<string, any> = { resourceType: type };
  const extra = UZ_MANDATORY[type];
  if (extra) Object.assign(r, expandPlaceholders(extra, ctx));
  fillRequired(r, type, type, ctx);
  return r;
}

// ─── leaf values per search-parameter type ───────────────────────────────────────────────────────────────────────

const UCUM = 'http://unitsofmeasure.org';
const DATES: Record<Variant, string> = { decoy: '2001-02-03T04:05:06Z', match: '2011-05-06T07:08:09Z', second: '2016-07-08T09:10:11Z' };
const DAYS: Record<Variant, string> = { decoy: '2001-02-03', match: '2011-05-06', second: '2016-07-08' };
const QTY: Record<Variant, number> = { decoy: 2.1, match: 5.4, second: 7.5 };
const NUM: Record<Variant, number> = { decoy: 3, match: 11, second: 22 };

interface LeafPlan {
  values: Record<Variant, unknown>;
  /** Token leaf with a system: the decoy has the match's code under another system. */
  systemDecoy?: boolean;
  queries: SubQuery[];
  /** The value of one variant as a composite component (`S|c`, `5.4|ucum|mg`, `2011-05-06`…). */
  component(v: Variant, r: Resolved): string;
}

const LEAF_TYPES: Record<Exclude<SearchParamType, 'composite' | 'special'>, readonly string[]> = {
  token: ['CodeableConcept', 'Coding', 'Identifier', 'ContactPoint', 'code', 'string', 'id', 'uri', 'boolean', 'CodeableReference', 'canonical'],
  string: ['string', 'markdown', 'HumanName', 'Address'],
  date: ['dateTime', 'date', 'instant', 'Period', 'Timing'],
  reference: ['Reference', 'canonical', 'CodeableReference', 'uri', 'url', 'string'],
  uri: ['uri', 'url', 'canonical', 'oid', 'uuid'],
  quantity: ['Quantity', 'Age', 'Duration', 'Distance', 'Count', 'SimpleQuantity', 'Money', 'Range'],
  number: ['decimal', 'integer', 'positiveInt', 'unsignedInt', 'integer64'],
};

const q = (label: string, value: (r: Resolved) => string, modifier?: string): SubQuery => ({ label, value, modifier });
const esc = (s: string) => s.replace(/[\\,$|]/g, (c) => `\\${c}`);

function leafPlan(ptype: SearchParamType, leaf: string, el: ElementInfo, ctx: PlantContext, refType?: string, refContains?: string): LeafPlan {
  const u = ctx.unique;
  switch (ptype) {
    case 'token': {
      if (leaf === 'boolean') {
        const values = { match: true, second: true, decoy: false };
        return { values, queries: [q('true', () => 'true'), q(':not=true', () => 'true', 'not')], component: (v) => String(values[v]) };
      }
      const withSystem = ['CodeableConcept', 'Coding', 'Identifier', 'CodeableReference'].includes(leaf);
      if (withSystem) {
        const s1 = `https://dhp-conformance.test/cs/${u}`, s2 = `https://dhp-conformance.test/cs/${u}-other`;
        const c1 = `m${u}`, c2 = `s${u}`;
        const pairs: Record<Variant, { system?: string; code: string }> = { match: { system: s1, code: c1 }, second: { code: c2 }, decoy: { system: s2, code: c1 } };
        const make = (p: { system?: string; code: string }): unknown => {
          if (leaf === 'Identifier') return { ...(p.system ? { system: p.system } : {}), value: p.code };
          const coding = { ...(p.system ? { system: p.system } : {}), code: p.code };
          if (leaf === 'Coding') return coding;
          if (leaf === 'CodeableReference') return { concept: { coding: [coding] } };
          return { coding: [coding] };
        };
        return {
          systemDecoy: true,
          values: { match: make(pairs.match), second: make(pairs.second), decoy: make(pairs.decoy) },
          queries: [
            q('system|code', () => `${esc(s1)}|${esc(c1)}`),
            q('system|code,|code (OR)', () => `${esc(s1)}|${esc(c1)},|${esc(c2)}`),
            q('code without system', () => esc(c1)),
            q('|code (no system)', () => `|${esc(c2)}`),
            q('system|', () => `${esc(s1)}|`),
            q(':not=system|code', () => `${esc(s1)}|${esc(c1)}`, 'not'),
          ],
          component: (v) => (v === 'second' ? `|${esc(c2)}` : `${esc(s1)}|${esc(c1)}`),
        };
      }
      const bound = leaf === 'code' ? codesOf(el.requiredValueSet).map((c) => c.code) : [];
      // codes[0] is what required-element filling writes; the planted values avoid it.
      const codes: Record<Variant, string> = bound.length >= 4 && new Set(bound.slice(1, 4)).size === 3
        ? { match: bound[1]!, second: bound[2]!, decoy: bound[3]! }
        : { match: `m${u}`, second: `s${u}`, decoy: `d${u}` };
      const mk = (c: string): unknown => (leaf === 'ContactPoint' ? { system: 'other', value: c } : leaf === 'uri' || leaf === 'canonical' ? `http://example.org/${c}` : c);
      const vals = { match: mk(codes.match), second: mk(codes.second), decoy: mk(codes.decoy) };
      const text = (v: Variant) => esc(leaf === 'uri' || leaf === 'canonical' ? `http://example.org/${codes[v]}` : codes[v]);
      return {
        values: vals,
        queries: [q('code', () => text('match')), q('code,code (OR)', () => `${text('match')},${text('second')}`), q(':not=code', () => text('match'), 'not')],
        component: (v) => text(v),
      };
    }
    case 'string': {
      const vals: Record<Variant, string> = { match: `Zm${u}Alpha`, second: `Zs${u}Beta`, decoy: `Zd${u}Gamma` };
      const mk = (s: string): unknown => (leaf === 'HumanName' ? { family: s } : leaf === 'Address' ? { city: s } : s);
      return {
        values: { match: mk(vals.match), second: mk(vals.second), decoy: mk(vals.decoy) },
        queries: [
          q('prefix, any case', () => `zm${u}`),
          q('prefix,prefix (OR)', () => `zm${u},zs${u}`),
          q(':exact', () => vals.match, 'exact'),
          q(':contains', () => `${u}alph`.toLowerCase(), 'contains'),
        ],
        component: (v) => (v === 'match' ? `zm${u}` : v === 'second' ? `zs${u}` : `zd${u}`),
      };
    }
    case 'date': {
      const src = leaf === 'date' ? DAYS : DATES;
      const mk = (s: string): unknown => (leaf === 'Period' ? { start: s, end: s } : leaf === 'Timing' ? { event: [s] } : s);
      const exact = src.match;
      return {
        values: { match: mk(src.match), second: mk(src.second), decoy: mk(src.decoy) },
        queries: [
          q('eq day', () => DAYS.match),
          q('day,day (OR)', () => `${DAYS.match},${DAYS.second}`),
          ...(['gt', 'lt', 'ge', 'le', 'sa', 'eb'] as const).map((p) => q(p, () => `${p}${exact}`)),
        ],
        component: (v) => DAYS[v],
      };
    }
    case 'reference': {
      if (leaf === 'Reference' || leaf === 'CodeableReference' || leaf === 'string') {
        const targets = refType ? [refType] : el.targets.length ? el.targets : [];
        // `where(reference.contains('/Patient'))` cannot hold for a relative `Patient/id`: plant absolute (external) references.
        const external = refContains !== undefined && refType !== undefined && !`${refType}/x`.includes(refContains);
        const ph: Record<Variant, string> = external
          ? { match: `https://dhp-conformance.test/fhir/${refType}/m${u}`, second: `https://dhp-conformance.test/fhir/${refType}/s${u}`, decoy: `https://dhp-conformance.test/fhir/${refType}/d${u}` }
          : { match: ctx.target(targets, 0), second: ctx.target(targets, 1), decoy: ctx.target(targets, 2) };
        const mk = (p: string): unknown => (leaf === 'CodeableReference' ? { reference: { reference: p } } : leaf === 'string' ? p : { reference: p });
        return {
          values: { match: mk(ph.match), second: mk(ph.second), decoy: mk(ph.decoy) },
          queries: [
            q('Type/id', (r) => r.ref(ph.match)),
            q('Type/id,Type/id (OR)', (r) => `${r.ref(ph.match)},${r.ref(ph.second)}`),
            q('id', (r) => r.ref(ph.match).split('/').pop()!),
          ],
          component: (v, r) => r.ref(ph[v]),
        };
      }
      const urls: Record<Variant, string> = {
        match: `http://example.org/fhir/StructureDefinition/m${u}`, second: `http://example.org/fhir/StructureDefinition/s${u}`, decoy: `http://example.org/fhir/StructureDefinition/d${u}`,
      };
      return {
        values: urls,
        queries: [q('canonical url', () => urls.match), q('url,url (OR)', () => `${urls.match},${urls.second}`)],
        component: (v) => urls[v],
      };
    }
    case 'uri': {
      const hier = leaf === 'uri' || leaf === 'url' || leaf === 'canonical';
      const vals: Record<Variant, string> = hier
        ? { match: `http://example.org/fhir/${u}/m/x`, second: `http://example.org/fhir/${u}/s/x`, decoy: `http://example.org/fhir/${u}/d/x` }
        : leaf === 'oid' ? { match: `urn:oid:1.2.${digits(u, 6)}.1`, second: `urn:oid:1.2.${digits(u, 6)}.2`, decoy: `urn:oid:1.2.${digits(u, 6)}.3` }
          : { match: `urn:uuid:${uuidish(u, '1')}`, second: `urn:uuid:${uuidish(u, '2')}`, decoy: `urn:uuid:${uuidish(u, '3')}` };
      return {
        values: vals,
        queries: [
          q('exact', () => vals.match),
          q('uri,uri (OR)', () => `${vals.match},${vals.second}`),
          ...(hier ? [q(':below', () => `http://example.org/fhir/${u}/m`, 'below'), q(':above', () => `${vals.match}/y`, 'above')] : []),
        ],
        component: (v) => vals[v],
      };
    }
    case 'quantity': {
      if (leaf === 'Money') {
        const mk = (n: number) => ({ value: n, currency: 'UZS' });
        return {
          values: { match: mk(QTY.match), second: mk(QTY.second), decoy: mk(QTY.decoy) },
          queries: [q('number', () => `${QTY.match}`), q('number,number (OR)', () => `${QTY.match},${QTY.second}`), q('gt', () => `gt${QTY.match}`), q('lt', () => `lt${QTY.match}`)],
          component: (v) => `${QTY[v]}`,
        };
      }
      const q1 = (n: number) => ({ value: n, unit: 'mg', system: UCUM, code: 'mg' });
      // A Range planted as [n, n]: the quantity search's range semantics then reduce to the value's.
      const mk = (n: number) => (leaf === 'Range' ? { low: q1(n), high: q1(n) } : q1(n));
      const full = (v: Variant, p = '') => `${p}${QTY[v]}|${UCUM}|mg`;
      return {
        values: { match: mk(QTY.match), second: mk(QTY.second), decoy: mk(QTY.decoy) },
        queries: [
          q('number|system|code', () => full('match')),
          q('number only', () => `${QTY.match}`),
          q('number||code', () => `${QTY.match}||mg`),
          q('OR', () => `${full('match')},${full('second')}`),
          ...(['gt', 'lt', 'ge', 'le'] as const).map((p) => q(p, () => full('match', p))),
        ],
        component: (v) => full(v),
      };
    }
    case 'number': {
      const values = { match: NUM.match, second: NUM.second, decoy: NUM.decoy };
      return {
        values,
        queries: [q('number', () => `${NUM.match}`), q('OR', () => `${NUM.match},${NUM.second}`), q('gt', () => `gt${NUM.match}`), q('lt', () => `lt${NUM.match}`)],
        component: (v) => `${NUM[v]}`,
      };
    }
  }
  throw new Unplantable(`no values for ${ptype}`);
}

function uuidish(seed: string, last: string): string {
  const d = digits(seed, 12);
  return `00000000-0000-4000-8000-${d.slice(0, 11)}${last}`;
}

// ─── walking an expression and writing ───────────────────────────────────────────────────────────────────────────

/** Accept any type at the leaf (a composite's base node). */
const ANY: readonly string[] = [];

/** Finds where the branch's last step goes, choosing types the param type can hold at the leaf. No writing. */
function locate(base: string, path: string, steps: Step[], accept: readonly string[]): { chain: { el: ElementInfo; type: string; step: Step }[] } {
  const chain: { el: ElementInfo; type: string; step: Step }[] = [];
  let b = base, p = path;
  steps.forEach((step, i) => {
    const el = child(b, p, step.name);
    if (!el) throw new Unplantable(`${p}.${step.name} is not an R5 element`);
    const leaf = i === steps.length - 1;
    let type: string | undefined;
    if (step.ofType) {
      type = el.types.find((t) => t.toLowerCase() === step.ofType!.toLowerCase());
      // `entry.resource.ofType(Composition)`: a contained/embedded resource of that type.
      if (!type && el.types.includes('Resource') && isKnownType(step.ofType) && /^[A-Z]/.test(step.ofType)) type = step.ofType;
      if (!type) throw new Unplantable(`${el.path} cannot be ${step.ofType}`);
    } else if (leaf && accept !== ANY) {
      type = accept.find((t) => el.types.includes(t));
    } else {
      type = el.types[0];
    }
    if (!type) throw new Unplantable(`${el.path} (${el.types.join('|')}) holds no ${leaf ? accept.join('/') : 'value'}`);
    if (leaf && accept !== ANY && !accept.includes(type)) throw new Unplantable(`${el.path} is ${type}, not one of ${accept.join('/')}`);
    chain.push({ el, type, step });
    const backbone = type === 'BackboneElement' || type === 'Element';
    b = backbone ? el.childBase : type;
    p = backbone ? el.path : type;
  });
  return { chain };
}

/** Writes `value` at the end of the chain inside `root` (new repeated elements each time, so where-filters hold). */
function write(root: Record<string, unknown>, chain: { el: ElementInfo; type: string; step: Step }[], value: unknown, ctx: PlantContext): Record<string, unknown> {
  let node = root;
  chain.forEach(({ el, type, step }, i) => {
    const key = el.choice ? el.name + cap(type) : el.name;
    if (el.choice) for (const k of Object.keys(node)) if (k !== key && k.startsWith(el.name) && /^[A-Z]/.test(k.slice(el.name.length))) delete node[k];
    const leaf = i === chain.length - 1;
    if (leaf) {
      let v = value;
      if (step.equals && v && typeof v === 'object') v = { ...(v as object), ...Object.fromEntries(step.equals.map((e) => [e.field, e.value])) };
      if (el.repeats) node[key] = [...((node[key] as unknown[]) ?? []), v];
      else node[key] = v;
      return;
    }
    const backbone = type === 'BackboneElement' || type === 'Element';
    const nb = backbone ? el.childBase : type, np = backbone ? el.path : type;
    let next: Record<string, unknown>;
    if (el.repeats) {
      next = {};
      node[key] = [...((node[key] as unknown[]) ?? []), next];
    } else {
      next = (node[key] as Record<string, unknown>) ?? {};
      node[key] = next;
    }
    if (el.types.includes('Resource') && /^[A-Z]/.test(type) && !el.types.includes(type)) next.resourceType = type;
    for (const e of step.equals ?? []) next[e.field] = e.value;
    // Fill the new node's required children, except the one the path continues into.
    const skip = chain[i + 1]!.el.name;
    const placeholder = skip in next ? undefined : '__skip__';
    if (placeholder) next[skip] = placeholder;
    fillRequired(next, nb, np, ctx);
    if (next[skip] === placeholder) delete next[skip];
    node = next;
  });
  return root;
}

function refTarget(step: Step): string | undefined {
  if (step.refType) return step.refType;
  const m = step.refContains && /([A-Z][A-Za-z]+)/.exec(step.refContains);
  return m ? m[1] : undefined;
}

const SERVER_ASSIGNED: Record<string, string> = { 'Resource.id': 'id', 'Resource.meta.lastUpdated': 'lastUpdated' };

/** The plan for one search parameter of `type`: resources and labelled queries, or not-run with the reason. */
export function planParam(type: string, param: SearchParam, ctx: PlantContext): ParamPlan {
  const base: ParamPlan = { param, type, status: 'not-run', queries: [] };
  if (param.type === 'special') return { ...base, reason: `${param.name} is a special parameter (${param.name === '_has' ? 'reverse chaining' : 'no FHIRPath'}): the harness has no oracle for it` };
  const expression = param.expression ?? COMMON_EXPRESSIONS[param.name];
  if (!expression) return { ...base, reason: `no FHIRPath expression in the matrix for ${param.name} (source: ${param.expressionSource})` };
  const assigned = SERVER_ASSIGNED[expression.replace(new RegExp(`^(${type}\\.|(?=[a-z]))`), 'Resource.')];
  if (assigned) return sequentialPlan(base, assigned);
  try {
    if (param.type === 'composite') return compositePlan(base, type, param, expression, ctx);
    const accept = LEAF_TYPES[param.type as keyof typeof LEAF_TYPES];
    const errors: string[] = [];
    for (const br of branches(expression)) {
      try {
        return { ...planBranch(base, type, param.type, br, accept, ctx), where: branchText(br) };
      } catch (e) {
        if (!(e instanceof Unplantable)) throw e;
        errors.push(e.message);
      }
    }
    return { ...base, reason: `no branch of "${expression}" can be planted: ${errors.join('; ')}` };
  } catch (e) {
    if (e instanceof Unplantable) return { ...base, reason: `cannot plant "${expression}": ${e.message}` };
    throw e;
  }
}

function branchText(br: Branch): string {
  return [br.root ?? '', ...br.steps.map((s) => s.name + (s.ofType ? `(${s.ofType})` : ''))].filter(Boolean).join('.');
}

function checkRoot(type: string, br: Branch): void {
  if (br.root !== type && br.root !== '' && br.root !== 'Resource' && br.root !== 'DomainResource') throw new Unplantable(`branch starts at ${br.root}, not ${type}`);
  if (!br.steps.length) throw new Unplantable('branch selects the resource itself');
}

function planBranch(base: ParamPlan, type: string, ptype: SearchParamType, br: Branch, accept: readonly string[], ctx: PlantContext): ParamPlan {
  checkRoot(type, br);
  const { chain } = locate(type, type, br.steps, accept);
  const last = chain[chain.length - 1]!;
  const leaf = leafPlan(ptype, last.type, last.el, ctx, refTarget(last.step), last.step.refContains);
  const resources = {} as Record<Variant, Record<string, any>>;
  for (const v of VARIANTS) resources[v] = write(minimalResource(type, ctx), chain, leaf.values[v], ctx);
  const plan: ParamPlan = { ...base, status: 'planned', resources, queries: leaf.queries, systemDiscriminated: !!leaf.systemDecoy };
  addGenerated(plan, type, chain, last.type, ctx);
  return plan;
}

/** The values.ts arbitrary for a parameter type and leaf element, when it has one. */
function arbitraryFor(ptype: SearchParamType, leaf: string): fc.Arbitrary<generated.SearchCase> | undefined {
  const has = (xs: string[]) => xs.includes(leaf);
  switch (ptype) {
    case 'date': return has(['date', 'dateTime', 'instant', 'Period', 'Timing']) ? generated.arbitraryDateCase(leaf as generated.DateElement) : undefined;
    case 'number': return has(['decimal', 'integer']) ? generated.arbitraryNumberCase() : undefined;
    case 'quantity': return has(['Quantity', 'Age', 'Duration', 'Distance', 'Count', 'SimpleQuantity']) ? generated.arbitraryQuantityCase() : undefined;
    case 'string': return has(['string', 'markdown', 'HumanName', 'Address']) ? generated.arbitraryStringCase(leaf === 'markdown' ? 'string' : leaf as generated.StringElement) : undefined;
    case 'token': return has(['Coding', 'CodeableConcept', 'Identifier', 'code']) ? generated.arbitraryTokenCase(leaf as generated.TokenElement) : undefined;
    case 'reference': return leaf === 'Reference' ? generated.arbitraryReferenceCase() : undefined;
    case 'uri': return has(['uri', 'url', 'canonical']) ? generated.arbitraryUriCase() : undefined;
    default: return undefined;
  }
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Adds the generated triple and its two queries when values.ts has a generator for the leaf and the case, planted
 * in whole resources, still tells the three apart by the oracle (required elements can add values of their own).
 */
function addGenerated(plan: ParamPlan, type: string, chain: Parameters<typeof write>[1], leaf: string, ctx: PlantContext): void {
  const arb = arbitraryFor(plan.param.type, leaf);
  if (!arb) return;
  const seed = seedOf(`${ctx.unique}:${plan.param.capability}`);
  const c = fc.sample(arb, { seed, numRuns: 1 })[0];
  if (!c) return;
  const resources = {} as Record<Variant, Record<string, any>>;
  const pick: Record<Variant, unknown> = { match: c.match, second: c.secondMatch, decoy: c.decoy };
  for (const v of VARIANTS) resources[v] = write(minimalResource(type, ctx), chain, structuredClone(pick[v]), ctx);
  const judged = (q: string) => VARIANTS.map((v) => {
    try { return resourceMatches({ ...resources[v], id: v }, plan.param, q); } catch { return undefined; }
  });
  const queries = [...new Set([c.query, c.orQuery])];
  if (!queries.every((q) => judged(q).join() === 'true,true,false')) return;
  plan.generated = { seed, resources };
  queries.forEach((q, i) => plan.queries.push({ label: `generated${i ? ' OR' : ''} (values.ts seed ${seed})`, value: () => q, triple: 'generated' }));
}

function compositePlan(base: ParamPlan, type: string, param: SearchParam, expression: string, ctx: PlantContext): ParamPlan {
  const comps = param.components ?? [];
  if (comps.length < 2) throw new Unplantable('composite without components');
  const errors: string[] = [];
  for (const br of branches(expression)) {
    try {
      if (br.root !== type && br.root !== '') throw new Unplantable(`branch starts at ${br.root}`);
      const { chain } = br.steps.length ? locate(type, type, br.steps, ANY) : { chain: [] };
      const last = chain[chain.length - 1];
      const nodeBase = last ? (last.type === 'BackboneElement' || last.type === 'Element' ? last.el.childBase : last.type) : type;
      const nodePath = last ? (last.type === 'BackboneElement' || last.type === 'Element' ? last.el.path : last.type) : type;
      const parts = comps.map((c, i) => {
        if (c.type === ('special' as string)) throw new Unplantable(`component ${c.param} is a special parameter`);
        const cbr = branches(c.expression, true);
        const errs: string[] = [];
        for (const b of cbr) {
          try {
            const loc = locate(nodeBase, nodePath, b.steps, LEAF_TYPES[c.type]);
            const l = loc.chain[loc.chain.length - 1]!;
            return { chain: loc.chain, leaf: leafPlan(c.type, l.type, l.el, { ...ctx, unique: `${ctx.unique}c${i}` }, refTarget(l.step), l.step.refContains) };
          } catch (e) {
            if (!(e instanceof Unplantable)) throw e;
            errs.push(e.message);
          }
        }
        throw new Unplantable(`component ${c.param}: ${errs.join('; ')}`);
      });
      // The decoy shares the first component with the match and differs in the second: only "same node" search tells.
      const pick: Record<Variant, Variant[]> = { match: ['match', 'match'], second: ['second', 'second'], decoy: ['match', 'decoy'] };
      const resources = {} as Record<Variant, Record<string, any>>;
      for (const v of VARIANTS) {
        const r = minimalResource(type, ctx);
        const node: Record<string, unknown> = {};
        parts.forEach((part, i) => write(node, part.chain, part.leaf.values[pick[v][i] ?? 'match'], ctx));
        if (last) write(r, chain, node, ctx);
        else parts.forEach((part, i) => write(r, part.chain, part.leaf.values[pick[v][i] ?? 'match'], ctx));
        if (last) fillCompositeNode(r, chain, ctx);
        resources[v] = r;
      }
      const value = (v: Variant, r: Resolved) => formatComposite(parts.map((p, i) => p.leaf.component(pick[v][i] ?? 'match', r)));
      return {
        ...base, status: 'planned', resources, where: branchText(br), systemDiscriminated: !!parts[parts.length - 1]!.leaf.systemDecoy,
        queries: [q('a$b', (r) => value('match', r)), q('a$b,a$b (OR)', (r) => `${value('match', r)},${value('second', r)}`)],
      };
    } catch (e) {
      if (!(e instanceof Unplantable)) throw e;
      errors.push(e.message);
    }
  }
  throw new Unplantable(errors.join('; '));
}

/** The composite's node was written whole; give it its required children now. */
function fillCompositeNode(r: Record<string, any>, chain: { el: ElementInfo; type: string }[], ctx: PlantContext): void {
  let node: any = r;
  for (const { el, type } of chain) {
    const key = el.choice ? el.name + cap(type) : el.name;
    node = node[key];
    if (Array.isArray(node)) node = node[node.length - 1];
  }
  const last = chain[chain.length - 1]!;
  const backbone = last.type === 'BackboneElement' || last.type === 'Element';
  if (node && typeof node === 'object') fillRequired(node, backbone ? last.el.childBase : last.type, backbone ? last.el.path : last.type, ctx);
}

/** _id / _lastUpdated: nothing to plant; three resources created one after another, queried by what the server assigned. */
function sequentialPlan(base: ParamPlan, what: string): ParamPlan {
  if (what === 'id') {
    return {
      ...base, status: 'sequential', where: 'Resource.id (server-assigned)',
      queries: [q('id', (r) => r.stored('match').id), q('id,id (OR)', (r) => `${r.stored('match').id},${r.stored('second').id}`)],
    };
  }
  const lu = (r: Resolved, v: Variant) => r.stored(v).meta.lastUpdated as string;
  return {
    ...base, status: 'sequential', where: 'Resource.meta.lastUpdated (server-assigned)',
    queries: [
      q('eq instant', (r) => lu(r, 'match')),
      q('instant,instant (OR)', (r) => `${lu(r, 'match')},${lu(r, 'second')}`),
      ...(['gt', 'lt', 'ge', 'le', 'sa', 'eb'] as const).map((p) => q(p, (r) => `${p}${lu(r, 'match')}`)),
    ],
  };
}
