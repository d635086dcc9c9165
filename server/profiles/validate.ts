// Write-time validation against the UZ Core profiles a resource claims in meta.profile: cardinality (min and max of
// every element and slice the differential constrains, and the base resource's own minimums), pattern/fixed values,
// and required bindings to ValueSets the IG's own CodeSystems define in full. The server's own reading of slicing,
// independent of the harness's (which it exists to check).
import type { OperationOutcomeIssue, Resource } from 'fhir/r5.js';
import { type ElementDefinition, type ProfileSummary, differentialOf, profileFor, valueSetCodes } from './ig.ts';

export interface ValidationOptions {
  /** required-not-enforced: minimum cardinalities are not checked. */
  skipMinimums?: boolean;
}

interface Instance { value: unknown; ext?: Record<string, unknown>; key: string; at: string }

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function constraintValue(el: ElementDefinition | undefined): unknown {
  if (!el) return undefined;
  for (const [k, v] of Object.entries(el)) if (k.startsWith('pattern') || k.startsWith('fixed')) return v;
  return undefined;
}

/** FHIR pattern semantics: every property of the pattern is present with the same value (array items matched by some item). */
function contains(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.every((p) => (Array.isArray(value) ? value : [value]).some((v) => contains(v, p)));
  if (isObj(pattern)) return Array.isArray(value) ? value.some((v) => contains(v, pattern)) : isObj(value) && Object.keys(pattern).every((k) => contains(value[k], pattern[k]));
  return value === pattern;
}

function pick(value: unknown, path: string): unknown[] {
  return path.split('.').filter((s) => s !== '$this').reduce<unknown[]>((acc, name) => acc.flatMap((v) => (isObj(v) && v[name] !== undefined ? [v[name]].flat() : [])), [value]);
}

const bare = new Map<Set<string>, Set<string>>();
/** The codes without their systems (a `code` or a bound string carries no system). */
function bareCodes(codes: Set<string>): Set<string> {
  let b = bare.get(codes);
  if (!b) bare.set(codes, (b = new Set([...codes].map((c) => c.slice(c.lastIndexOf('|') + 1)))));
  return b;
}

/** Is the coded value a member of the ValueSet? undefined when the IG cannot list the ValueSet's codes. */
function member(value: unknown, valueSet: string): boolean | undefined {
  const codes = valueSetCodes(valueSet);
  if (!codes) return undefined;
  if (typeof value === 'string') return bareCodes(codes).has(value);
  if (!isObj(value)) return undefined;
  const codings = Array.isArray(value.coding) ? value.coding : 'code' in value ? [value] : [];
  if (!codings.length) return undefined;
  return codings.some((c) => isObj(c) && codes.has(`${c.system}|${c.code}`));
}

class Walker {
  private readonly defs: Map<string, ElementDefinition>;
  private readonly memo = new Map<string, Instance[]>();

  constructor(profile: ProfileSummary, private readonly resource: Resource) {
    this.defs = new Map(differentialOf(profile).map((e) => [e.id, e]));
  }

  def(id: string): ElementDefinition | undefined {
    return this.defs.get(id);
  }

  /** The children named by one element-id segment (`identifier`, `value[x]`, `extension`) of one instance. */
  children(of: Instance, segment: string): Instance[] {
    const name = segment.split(':')[0]!;
    const holder = name === 'extension' && !isObj(of.value) ? of.ext : of.value;
    if (!isObj(holder)) return [];
    const keys = name.endsWith('[x]') ? Object.keys(holder).filter((k) => k.startsWith(name.slice(0, -3)) && /^[A-Z]/.test(k.charAt(name.length - 3))) : [name];
    const out: Instance[] = [];
    for (const key of keys) {
      const v = holder[key], x = holder[`_${key}`];
      const list = Array.isArray(v) || Array.isArray(x);
      const n = list ? Math.max((v as unknown[] | undefined)?.length ?? 0, (x as unknown[] | undefined)?.length ?? 0) : v !== undefined || x !== undefined ? 1 : 0;
      for (let i = 0; i < n; i++) {
        const value = list ? (v as unknown[] | undefined)?.[i] : v;
        const ext = list ? (x as unknown[] | undefined)?.[i] : x;
        if ((value === undefined || value === null) && !isObj(ext)) continue;
        out.push({ value: value ?? undefined, ext: isObj(ext) ? ext : undefined, key, at: `${of.at}.${key}${list ? `[${i}]` : ''}` });
      }
    }
    return out;
  }

  /** Does the instance fall in the slice (its discriminators carry the slice's values)? */
  inSlice(sliceId: string, inst: Instance): boolean {
    const slice = this.def(sliceId);
    const sliced = sliceId.slice(0, sliceId.lastIndexOf(':'));
    const name = sliced.slice(sliced.lastIndexOf('.') + 1);
    if (name.endsWith('[x]')) return inst.key === slice?.sliceName;
    const slicing = this.def(sliced)?.slicing ?? this.def(sliced.replace(/:[^.]+/g, ''))?.slicing
      ?? (name === 'extension' ? { discriminator: [{ type: 'value', path: 'url' }] } : undefined);
    if (!slice || !slicing) return false;
    return slicing.discriminator.every(({ type, path }) => {
      if (path === 'url' && name === 'extension') return isObj(inst.value) && inst.value.url === slice.type?.[0]?.profile?.[0];
      if (type === 'type') return inst.key === slice.sliceName;
      const at = this.def(`${sliceId}.${path}`);
      const found = pick(inst.value, path);
      const fixed = constraintValue(at) ?? pick(constraintValue(slice), path)[0];
      if (fixed !== undefined) return found.some((v) => contains(v, fixed));
      if (at?.binding?.valueSet) return found.some((v) => member(v, at.binding!.valueSet!) !== false);
      return false;
    });
  }

  /** Every instance of an element id in the resource. */
  instances(id: string): Instance[] {
    const hit = this.memo.get(id);
    if (hit) return hit;
    const cut = id.lastIndexOf('.');
    let out: Instance[];
    if (cut < 0) out = [{ value: this.resource, key: id, at: id }];
    else out = this.instances(id.slice(0, cut)).flatMap((p) => this.within(p, id));
    this.memo.set(id, out);
    return out;
  }

  /** The instances of element `id` inside one instance of its parent. */
  within(parent: Instance, id: string): Instance[] {
    const segment = id.slice(id.lastIndexOf('.') + 1);
    const kids = this.children(parent, segment);
    return segment.includes(':') ? kids.filter((k) => this.inSlice(id, k)) : kids;
  }
}

const issue = (code: OperationOutcomeIssue['code'], diagnostics: string, at: string): OperationOutcomeIssue => ({ severity: 'error', code, diagnostics, expression: [at] });

/** The issues of one resource against one profile (the platform's wording: "minimum required = 1, but only found 0"). */
export function validateAgainst(profile: ProfileSummary, resource: Resource, opts: ValidationOptions = {}): OperationOutcomeIssue[] {
  const w = new Walker(profile, resource);
  const issues: OperationOutcomeIssue[] = [];
  const from = `(from ${profile.url})`;
  if (!opts.skipMinimums) {
    for (const path of profile.baseRequired) {
      if (!w.instances(path).length) issues.push(issue('required', `${path}: minimum required = 1, but only found 0 ${from}`, path.replace('[x]', '')));
    }
  }
  for (const el of differentialOf(profile)) {
    const cut = el.id.lastIndexOf('.');
    if (cut < 0) continue;
    const fixed = constraintValue(el);
    const required = el.binding?.strength === 'required' ? el.binding.valueSet : undefined;
    const max = el.max !== undefined && el.max !== '*' ? Number(el.max) : undefined;
    if (!(el.min ?? 0) && max === undefined && fixed === undefined && !required) continue;
    for (const parent of w.instances(el.id.slice(0, cut))) {
      const found = w.within(parent, el.id);
      const at = `${parent.at}.${el.id.slice(cut + 1).split(':')[0]!.replace('[x]', '')}`;
      if (!opts.skipMinimums && found.length < (el.min ?? 0)) issues.push(issue('required', `${el.id}: minimum required = ${el.min}, but only found ${found.length} ${from}`, at));
      if (max !== undefined && found.length > max) issues.push(issue('structure', `${el.id}: maximum allowed = ${max}, but found ${found.length} ${from}`, at));
      for (const f of found) {
        if (fixed !== undefined && f.value !== undefined && !contains(f.value, fixed)) issues.push(issue('value', `${el.id}: the value does not match the profile's fixed value ${JSON.stringify(fixed)} ${from}`, f.at));
        if (required && f.value !== undefined && member(f.value, required) === false) issues.push(issue('code-invalid', `${el.id}: the code is not in the required ValueSet ${required} ${from}`, f.at));
      }
    }
  }
  return issues;
}

/** The IG profiles the resource claims (others, e.g. HL7's vital-signs profiles, are not the server's to enforce). */
export function claimedProfiles(resource: Resource): ProfileSummary[] {
  return (resource.meta?.profile ?? []).map((u) => profileFor(u)).filter((p): p is ProfileSummary => !!p && p.type === resource.resourceType);
}
