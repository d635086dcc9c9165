// A minimal valid resource: every required element (R5 base minimums, UZ Core mandatory elements) filled with a default,
// so that a planted value is the only thing that decides whether a search matches.
import { codesOf, requiredChildren, type ElementInfo } from './model.ts';
import type { PlantContext } from './plant.ts';

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

const PRIMITIVE_DEFAULTS: Record<string, unknown> = {
  string: 'x', markdown: 'x', uri: 'http://example.org/x', url: 'http://example.org/x', canonical: 'http://example.org/x',
  boolean: true, integer: 1, positiveInt: 1, unsignedInt: 0, integer64: '1', decimal: 1, date: '2020-01-01', dateTime: '2020-01-01',
  instant: '2020-01-01T00:00:00Z', time: '10:00:00', id: 'x', oid: 'urn:oid:1.2.3', uuid: 'urn:uuid:00000000-0000-4000-8000-000000000000',
  base64Binary: 'eA==', xhtml: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>',
};

export const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

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

export function digits(seed: string, n: number): string {
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
