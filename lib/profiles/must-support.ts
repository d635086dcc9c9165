// A resource with every Must Support element of a profile populated (IG facts: "Must Support … the element should be
// populated"): it starts from the profile's IG example that covers most of them, takes what is missing from the other
// IG examples of the type, and builds the rest (slices from their discriminating patterns, codes from the bound
// ValueSets). What it cannot populate comes back with the reason, so the matrix can say so instead of passing it.
import { requiredChildren } from '../search/model.ts';
import { minimalResource } from '../search/plant-required.ts';
import type { Json } from '../fixtures/personas.ts';
import { baseElement, childrenOf, locate, parentId, parseElementId, patternOf, type Node } from './elements.ts';
import { differential, exampleGraph, exampleReferences, exampleKey, exampleResource, examplesOf, extensionDef, igIndex, unplantable, type ElementDef, type IgProfile } from './ig.ts';
import { generate, KNOWN_EXTENSIONS, type Generated } from './values.ts';

export interface MustSupportResource {
  resource: Json;
  /** The IG example it starts from (none: a minimal resource). */
  startedFrom?: string;
  populated: string[];
  /** Element id → why the harness cannot populate it. */
  notPopulated: Map<string, string>;
}

const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

function deepMerge(into: Record<string, any>, from: Record<string, any>): void {
  for (const [k, v] of Object.entries(from)) {
    if (isObject(v) && isObject(into[k])) deepMerge(into[k], v);
    else into[k] = structuredClone(v);
  }
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The resource a profile's checks start from: its (plantable) IG example covering most Must Support elements, id and meta cleared. */
export function startingPoint(profile: IgProfile, creatable: ReadonlySet<string>): { resource: Json; example?: string } {
  const diff = differential(profile.file);
  const examples = examplesOf(profile).filter((e) => !unplantable(exampleKey(e), creatable));
  let best: { resource: Json; example?: string; hits: number } | undefined;
  for (const e of examples) {
    const r = exampleResource(e);
    const hits = profile.mustSupport.filter((id) => locate(diff, r, id).length).length;
    if (!best || hits > best.hits) best = { resource: r, example: `${e.resourceType}/${e.id}`, hits };
  }
  const resource = best?.resource ?? minimalResource(profile.type, { unique: 'ms', target: (types) => `${types[0]}/none` });
  delete resource.id;
  resource.meta = { profile: [profile.url] };
  return { resource: resource as Json, example: best?.example };
}

class Builder {
  readonly diff: ReadonlyMap<string, ElementDef>;
  private readonly donors: Json[];

  /** `creatable`: the types the resource may reference (lib/profiles/ig.ts referenceableTypes) and its own. */
  constructor(readonly profile: IgProfile, readonly resource: Json, private readonly creatable: ReadonlySet<string>) {
    this.diff = differential(profile.file);
    const own = examplesOf(profile);
    const others = igIndex().examples.filter((e) => e.resourceType === profile.type && !e.profile?.includes(profile.url));
    this.donors = [...own, ...others].map(exampleResource);
  }

  /** A donor's value is taken only if every IG example it references can be put on the target. */
  private plantable(value: unknown): boolean {
    return [...exampleReferences(value, new Set(exampleGraph().keys()))].every((k) => !unplantable(k, this.creatable));
  }

  private root(): Node {
    return { value: this.resource, holder: { root: this.resource }, key: 'root' };
  }

  /** Puts one instance of the element in; a reason when it cannot. */
  populate(id: string, depth = 0): Generated {
    if (depth > 8) return { reason: 'nested too deep' };
    const steps = parseElementId(id).steps;
    const parent = steps.length === 1 ? this.root() : this.ensure(parentId(id), depth);
    if ('reason' in parent) return parent;
    for (const donor of this.donors) {
      const found = locate(this.diff, donor, id)[0];
      if (found && this.plantable(found.value)) return this.write(parent, id, found.key, structuredClone(found.value), found.ext && structuredClone(found.ext));
    }
    const made = this.make(id);
    if ('reason' in made) return made;
    const { key, value } = made.value as { key: string; value: unknown };
    return this.write(parent, id, key, value);
  }

  /** A node of the element, populating it first when the resource has none. */
  private ensure(id: string, depth: number): Node | { reason: string } {
    const have = locate(this.diff, this.resource, id)[0];
    if (have) return have;
    const made = this.populate(id, depth + 1);
    if ('reason' in made) return { reason: `its parent ${id} cannot be populated (${made.reason})` };
    return locate(this.diff, this.resource, id)[0] ?? { reason: `its parent ${id} was written but is not found where the profile puts it` };
  }

  /** The JSON key and value for a new instance of the element. */
  private make(id: string): Generated {
    const step = parseElementId(id).steps.at(-1)!;
    const el = this.diff.get(id);
    if (step.slice && !step.choice) {
      const value = step.name === 'extension' || step.name === 'modifierExtension' ? this.extension(el) : this.sliceInstance(id, el);
      return 'reason' in value ? value : { value: { key: step.name, value: value.value } };
    }
    const info = baseElement(id);
    if (!info) return { reason: `the R5 model has no element ${id}` };
    const pattern = patternOf(el);
    // A type slice names its type (`occurrence[x]:occurrenceString`); a choice takes the first type the harness can build.
    const types = step.choice && step.slice ? [info.types[0]!] : (el?.type?.map((t) => t.code) ?? info.types);
    const targets = el?.type?.flatMap((t) => t.targetProfile ?? []).map((p) => this.targetType(p)) ?? info.targets;
    let reason = `no type of ${id} can be built`;
    const binding = el?.binding ?? this.bindingOf(id) ?? (info.requiredValueSet ? { strength: 'required', valueSet: info.requiredValueSet } : undefined);
    for (const type of types) {
      const v = pattern !== undefined ? { value: structuredClone(pattern) }
        : type === 'BackboneElement' || type === 'Element' ? this.backbone(info.childBase, info.path)
        : generate({ type, binding, targets, creatable: this.creatable });
      if ('reason' in v) { reason = v.reason; continue; }
      const key = step.choice ? (step.slice ?? `${step.name}${cap(type)}`) : step.name;
      return { value: { key, value: v.value } };
    }
    return { reason };
  }

  /** A backbone element with its R5 required children; its Must Support children are populated after it. */
  private backbone(base: string, path: string): Generated {
    const out: Record<string, unknown> = {};
    for (const c of requiredChildren(base, path)) {
      const type = c.types[0];
      const v = type === 'BackboneElement' ? this.backbone(c.childBase, c.path)
        : generate({ type: type ?? 'string', binding: c.requiredValueSet ? { strength: 'required', valueSet: c.requiredValueSet } : undefined, targets: c.targets, creatable: this.creatable });
      if ('reason' in v) return { reason: `its required ${c.path.split('.').pop()} cannot be built: ${v.reason}` };
      const key = c.choice ? `${c.name}${cap(type!)}` : c.name;
      out[key] = c.repeats ? [v.value] : v.value;
    }
    return { value: out };
  }

  private bindingOf(id: string): ElementDef['binding'] {
    const b = this.profile.bindings.find((x) => x.path === id);
    return b && { strength: b.strength, valueSet: b.valueSet };
  }

  private targetType(profileUrl: string): string {
    return igIndex().profiles.find((p) => p.url === profileUrl)?.type ?? profileUrl.split('/').pop()!;
  }

  private extension(el: ElementDef | undefined): Generated {
    const url = el?.type?.[0]?.profile?.[0];
    if (!url) return { reason: 'the extension slice names no extension definition' };
    if (KNOWN_EXTENSIONS[url]) return { value: { url, ...structuredClone(KNOWN_EXTENSIONS[url]) } };
    const def = extensionDef(url);
    if (!def) return { reason: `the extension ${url} is defined outside spec/ig and no IG example carries it` };
    const ext = differential(def.file);
    const valueEl = ext.get('Extension.value[x]');
    const type = valueEl?.type?.[0]?.code;
    if (!type) return { reason: `the extension ${url} is complex (sub-extensions) and no IG example carries it` };
    const v = generate({ type, binding: valueEl.binding });
    return 'reason' in v ? v : { value: { url, [`value${cap(type)}`]: v.value } };
  }

  /** A new slice entry: the slice's pattern, its children's patterns and every required child filled. */
  private sliceInstance(id: string, el: ElementDef | undefined): Generated {
    const out: Record<string, any> = {};
    const pattern = patternOf(el);
    if (isObject(pattern)) deepMerge(out, pattern);
    for (const [cid, c] of this.diff) {
      if (!cid.startsWith(`${id}.`) || cid.slice(id.length + 1).includes('.') || cid.slice(id.length + 1).includes(':')) continue;
      const p = patternOf(c);
      const name = cid.slice(id.length + 1).replace('[x]', '');
      if (p !== undefined) { out[name] = structuredClone(p); continue; }
      if ((c.min ?? 0) < 1 || name in out) continue;
      const made = this.make(cid);
      if ('reason' in made) return { reason: `its required ${cid} cannot be built: ${made.reason}` };
      const { key, value } = made.value as { key: string; value: unknown };
      out[key] = baseElement(cid)?.repeats ? [value] : value;
    }
    return Object.keys(out).length ? { value: out } : { reason: 'the slice has no pattern or required element to build it from' };
  }

  private write(parent: Node, id: string, key: string, value: unknown, ext?: unknown): Generated {
    const step = parseElementId(id).steps.at(-1)!;
    const primitiveParent = !isObject(parent.value);
    let holder: Record<string, any>;
    if (primitiveParent) {
      // An extension on a primitive lives in its `_name` sibling.
      const sib = `_${parent.key}`;
      if (parent.index === undefined) holder = (parent.holder[sib] ??= {});
      else {
        const arr = (parent.holder[sib] ??= []) as unknown[];
        while (arr.length <= parent.index) arr.push(null);
        holder = (arr[parent.index] ??= {}) as Record<string, any>;
      }
    } else holder = parent.value as Record<string, any>;
    const repeats = step.name === 'extension' || step.name === 'modifierExtension' || !!baseElement(id)?.repeats;
    if (repeats) {
      const arr = Array.isArray(holder[key]) ? holder[key] : (holder[key] = []);
      arr.push(value);
      if (ext !== undefined) {
        const sib = (holder[`_${key}`] ??= []) as unknown[];
        while (sib.length < arr.length - 1) sib.push(null);
        sib.push(ext);
      }
    } else {
      if (holder[key] !== undefined && childrenOf({ value: holder, holder, key: '' }, { name: key, choice: false }).length) {
        return { reason: `${key} is already taken by another slice or type (max 1)` };
      }
      holder[key] = value;
      if (ext !== undefined) holder[`_${key}`] = ext;
    }
    return { value };
  }
}

/**
 * The profile's Must Support resource, and for each Must Support element whether it is in it. `referenceable`: the
 * types its references may point at (lib/profiles/ig.ts referenceableTypes).
 */
export function mustSupportResource(profile: IgProfile, referenceable: ReadonlySet<string>): MustSupportResource {
  const own = new Set([...referenceable, profile.type]);
  const start = startingPoint(profile, own);
  const b = new Builder(profile, start.resource, own);
  const populated: string[] = [];
  const notPopulated = new Map<string, string>();
  for (const id of profile.mustSupport) {
    if (locate(b.diff, b.resource, id).length) { populated.push(id); continue; }
    const r = b.populate(id);
    if ('reason' in r) notPopulated.set(id, r.reason);
    else if (locate(b.diff, b.resource, id).length) populated.push(id);
    else notPopulated.set(id, 'written, but the harness does not find it where the profile puts it (slicing it cannot satisfy)');
  }
  // A backbone with nothing in it is not a value: it and the elements it stood for are taken out again.
  for (const id of [...populated].reverse()) {
    const empty = locate(b.diff, b.resource, id).filter((n) => isObject(n.value) && !Object.keys(n.value).length);
    if (!empty.length) continue;
    for (const n of empty) {
      const at = n.holder[n.key];
      if (Array.isArray(at)) { at.splice(at.indexOf(n.value), 1); if (!at.length) delete n.holder[n.key]; } else delete n.holder[n.key];
    }
    populated.splice(populated.indexOf(id), 1);
    notPopulated.set(id, 'none of its children can be populated, and an empty element is no value');
  }
  return { resource: b.resource, startedFrom: start.example, populated, notPopulated };
}
