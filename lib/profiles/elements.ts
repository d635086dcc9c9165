// Where an element id of a profile (`Patient.identifier:nationalId.value`, `Observation.value[x]:valueQuantity`) sits
// in a resource: the harness's own reading of slicing (discriminators by value/pattern, by binding, by extension url,
// by type), so a Must Support element is compared where the profile puts it and a required one removed from there.
import { child, type ElementInfo } from '../search/model.ts';
import type { ElementDef } from './ig.ts';
import { expand } from './valuesets.ts';

export interface Step { name: string; choice: boolean; slice?: string }

/** `Patient.identifier:nationalId.value` → root Patient, steps identifier(:nationalId), value. */
export function parseElementId(id: string): { root: string; steps: Step[] } {
  const [root, ...rest] = id.split('.');
  return {
    root: root!,
    steps: rest.map((part) => {
      const [name, slice] = part.split(':') as [string, string | undefined];
      const choice = name.endsWith('[x]');
      return { name: choice ? name.slice(0, -3) : name, choice, ...(slice ? { slice } : {}) };
    }),
  };
}

/** The id with every slice name dropped: the base element path (`Patient.identifier.value`). */
export const unsliced = (id: string): string => id.replace(/:[^.]+/g, '');

/** The parent element id (`Patient.identifier:nationalId.value` → `Patient.identifier:nationalId`). */
export const parentId = (id: string): string => id.slice(0, id.lastIndexOf('.'));

/** One value in a resource: the JSON value, the `_name` sibling of a primitive, and where both sit. */
export interface Node {
  value: unknown;
  /** A primitive's extension holder (`_value`). */
  ext?: Record<string, unknown>;
  holder: Record<string, unknown>;
  key: string;
  index?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The children `name` (every choice type of `name[x]`) of one node. */
export function childrenOf(node: Node, step: Pick<Step, 'name' | 'choice'>): Node[] {
  const obj = step.name === 'extension' && !isObject(node.value) ? node.ext : node.value;
  if (!isObject(obj)) return [];
  const keys = step.choice
    ? Object.keys(obj).filter((k) => k.startsWith(step.name) && /^[A-Z]/.test(k.slice(step.name.length)))
    : [step.name];
  const out: Node[] = [];
  for (const key of keys) {
    const v = obj[key];
    const m = obj[`_${key}`];
    if (Array.isArray(v) || Array.isArray(m)) {
      const n = Math.max(Array.isArray(v) ? v.length : 0, Array.isArray(m) ? m.length : 0);
      for (let i = 0; i < n; i++) {
        const value = Array.isArray(v) ? v[i] : undefined;
        const ext = Array.isArray(m) ? m[i] : undefined;
        if (value !== undefined && value !== null) out.push({ value, ext: isObject(ext) ? ext : undefined, holder: obj, key, index: i });
        else if (isObject(ext)) out.push({ value: undefined, ext, holder: obj, key, index: i });
      }
    } else if (v !== undefined || m !== undefined) {
      out.push({ value: v, ext: isObject(m) ? m : undefined, holder: obj, key });
    }
  }
  return out;
}

/** Values along a dotted path below a value (arrays flattened): the discriminator's values. */
export function valuesAt(value: unknown, path: string): unknown[] {
  let cur: unknown[] = [value];
  for (const name of path.split('.').filter((p) => p !== '$this')) {
    cur = cur.flatMap((v) => (isObject(v) ? [v[name]].flat() : [])).filter((v) => v !== undefined);
  }
  return cur;
}

/** The pattern[x] or fixed[x] value an element carries, if any. */
export function patternOf(el: ElementDef | undefined): unknown {
  if (!el) return undefined;
  const key = Object.keys(el).find((k) => /^(pattern|fixed)[A-Z]/.test(k));
  return key ? el[key] : undefined;
}

/** A value conforms to a FHIR pattern: every element of the pattern is there (arrays: each pattern item matched by some item). */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    const vs = Array.isArray(value) ? value : [value];
    return pattern.every((p) => vs.some((v) => matchesPattern(v, p)));
  }
  if (isObject(pattern)) {
    if (Array.isArray(value)) return value.some((v) => matchesPattern(v, pattern));
    return isObject(value) && Object.entries(pattern).every(([k, p]) => matchesPattern(value[k], p));
  }
  return value === pattern;
}

/** A value is in a bound ValueSet: a code (string), Coding or CodeableConcept with a code of its expansion. */
export function inValueSet(value: unknown, valueSet: string): boolean | undefined {
  const vs = expand(valueSet);
  if (!vs) return undefined;
  const codings = typeof value === 'string' ? [{ code: value }] : isObject(value) && Array.isArray(value.coding) ? value.coding : [value];
  return codings.some((c) => isObject(c) && (
    vs.codes.some((x) => x.code === c.code && (c.system === undefined || x.system === c.system))
    || (typeof c.system === 'string' && vs.open.includes(c.system))
    || (typeof value === 'string' && vs.open.length > 0)));
}

/** The element that holds the slicing of a sliced element (looked up with and without the enclosing slices' names). */
function slicingOf(diff: ReadonlyMap<string, ElementDef>, slicedId: string, name: string): ElementDef['slicing'] {
  const own = diff.get(slicedId)?.slicing ?? diff.get(unsliced(slicedId))?.slicing;
  if (own) return own;
  return name === 'extension' || name === 'modifierExtension' ? { discriminator: [{ type: 'value', path: 'url' }] } : undefined;
}

/** Does the node belong to the slice `sliceId` (its discriminators hold the slice's values)? */
export function inSlice(diff: ReadonlyMap<string, ElementDef>, node: Node, step: Step, sliceId: string): boolean {
  if (step.choice) return node.key === step.slice;
  const slicedId = sliceId.slice(0, sliceId.lastIndexOf(':'));
  const slicing = slicingOf(diff, slicedId, step.name);
  const sliceEl = diff.get(sliceId);
  if (!slicing || !sliceEl) return false;
  return slicing.discriminator.every((d) => {
    if (d.path === 'url' && (step.name === 'extension' || step.name === 'modifierExtension')) {
      return isObject(node.value) && node.value.url === sliceEl.type?.[0]?.profile?.[0];
    }
    if (d.type === 'type') return node.key === step.slice;
    const at = diff.get(`${sliceId}.${d.path}`);
    const values = valuesAt(node.value, d.path);
    const pattern = patternOf(at) ?? valuesAt(patternOf(sliceEl), d.path)[0];
    if (pattern !== undefined) return values.some((v) => matchesPattern(v, pattern));
    if (at?.binding?.valueSet) return values.some((v) => inValueSet(v, at.binding!.valueSet!) === true);
    return false;
  });
}

/** Every node of the resource at the element id. */
export function locate(diff: ReadonlyMap<string, ElementDef>, resource: unknown, elementId: string): Node[] {
  const { steps } = parseElementId(elementId);
  let nodes: Node[] = [{ value: resource, holder: { root: resource }, key: 'root' }];
  let id = elementId.split('.')[0]!;
  for (const step of steps) {
    id = `${id}.${step.name}${step.choice ? '[x]' : ''}`;
    nodes = nodes.flatMap((n) => childrenOf(n, step));
    if (step.slice) {
      id = `${id}:${step.slice}`;
      nodes = nodes.filter((n) => inSlice(diff, n, step, id));
    }
  }
  return nodes;
}

/** The R5 definition of the element (type, cardinality, targets) for an element id of a profile. */
export function baseElement(elementId: string): ElementInfo | undefined {
  const { root, steps } = parseElementId(elementId);
  let base = root, path = root;
  let info: ElementInfo | undefined;
  for (const [i, step] of steps.entries()) {
    // A type slice names its type: `value[x]:valueQuantity` is a Quantity.
    const name = step.choice && step.slice ? step.slice : step.name;
    info = child(base, path, name);
    if (!info) return undefined;
    if (i < steps.length - 1) {
      base = info.childBase;
      path = info.path;
    }
  }
  return info;
}
