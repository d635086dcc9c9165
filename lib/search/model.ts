// The R5 element model the planter needs (types, cardinalities, bindings), read from the hl7.fhir.r5.core package's
// StructureDefinition snapshots: "where does `Observation.effective` go, does it repeat, is it a CodeableConcept?"
import { r5PackageFile } from '../spec/r5.ts';

export interface ElementInfo {
  /** Element id without `[x]` (`Observation.effective`). */
  path: string;
  /** JSON name without `[x]`. */
  name: string;
  choice: boolean;
  /** Type codes (`dateTime`, `CodeableConcept`, `BackboneElement`, `Reference`…); `System.String` → `string`. */
  types: string[];
  min: number;
  repeats: boolean;
  /** Reference/canonical target types (last path segment of targetProfile). */
  targets: string[];
  /** Required-binding value set (canonical without version). */
  requiredValueSet?: string;
  /** The SD (resource or datatype) that defines the children of a backbone/complex node. */
  childBase: string;
}

interface SdElement {
  id: string;
  path: string;
  min?: number;
  max?: string;
  type?: { code: string; targetProfile?: string[] }[];
  contentReference?: string;
  binding?: { strength: string; valueSet?: string };
  isSummary?: boolean;
}

const sdCache = new Map<string, Map<string, SdElement> | null>();

function elementsOf(type: string): Map<string, SdElement> | null {
  if (sdCache.has(type)) return sdCache.get(type)!;
  const sd = r5PackageFile<{ snapshot?: { element: SdElement[] } }>(`StructureDefinition-${type}.json`);
  const map = sd ? new Map((sd.snapshot?.element ?? []).map((e) => [e.id, e])) : null;
  sdCache.set(type, map);
  return map;
}

export function isKnownType(type: string): boolean {
  return elementsOf(type) !== null;
}

function typeCode(code: string): string {
  return code.startsWith('http://hl7.org/fhirpath/System.') ? code.slice('http://hl7.org/fhirpath/System.'.length).toLowerCase() : code;
}

function info(e: SdElement, base: string, path: string, name: string, choice: boolean, only?: string): ElementInfo {
  const types = (e.type ?? []).map((t) => typeCode(t.code)).filter((t) => !only || t === only);
  const targets = (e.type ?? []).flatMap((t) => t.targetProfile ?? []).map((p) => p.split('/').pop()!);
  const backbone = types.length === 1 && (types[0] === 'BackboneElement' || types[0] === 'Element') && !e.contentReference;
  let childBase = backbone ? base : types[0] ?? base;
  let childPath = backbone ? path : childBase;
  if (e.contentReference) {
    // `#Observation.referenceRange`: the children are those of the referenced element.
    childPath = e.contentReference.replace(/^.*#/, '');
    childBase = base;
    const target = elementsOf(base)?.get(childPath);
    if (target?.type?.length) types.splice(0, types.length, ...target.type.map((t) => typeCode(t.code)));
  }
  return {
    path: childPath,
    name,
    choice,
    types,
    min: e.min ?? 0,
    repeats: e.max === '*' || Number(e.max ?? '1') > 1,
    targets,
    requiredValueSet: e.binding?.strength === 'required' ? e.binding.valueSet?.split('|')[0] : undefined,
    childBase,
  };
}

/**
 * The child `name` of the node at `parentPath` defined in SD `base` (`Observation`, `Observation.component` → `code`).
 * For datatypes `base` = `parentPath` = the type name (`CodeableConcept`).
 */
export function child(base: string, parentPath: string, name: string): ElementInfo | undefined {
  const els = elementsOf(base);
  if (!els) return undefined;
  const plain = els.get(`${parentPath}.${name}`);
  if (plain) return info(plain, base, `${parentPath}.${name}`, name, false);
  const choice = els.get(`${parentPath}.${name}[x]`);
  if (choice) return info(choice, base, `${parentPath}.${name}`, name, true);
  // A choice written with its JSON name (`deceasedDateTime`, `valueCodeableConcept`): the choice element, narrowed.
  for (const [id, e] of els) {
    if (!id.startsWith(`${parentPath}.`) || !id.endsWith('[x]')) continue;
    const base0 = id.slice(parentPath.length + 1, -3);
    if (base0.includes('.') || !name.startsWith(base0)) continue;
    const t = name.slice(base0.length);
    const type = (e.type ?? []).map((x) => typeCode(x.code)).find((c) => c.toLowerCase() === t.toLowerCase());
    if (type) return info(e, base, `${parentPath}.${base0}`, base0, true, type);
  }
  return undefined;
}

/** Children of a node with min ≥ 1 (the elements a valid instance must carry). */
export function requiredChildren(base: string, parentPath: string): ElementInfo[] {
  const els = elementsOf(base);
  if (!els) return [];
  const out: ElementInfo[] = [];
  const prefix = `${parentPath}.`;
  for (const [id, e] of els) {
    if (!id.startsWith(prefix)) continue;
    const rest = id.slice(prefix.length);
    if (rest.includes('.') || rest.includes(':') || (e.min ?? 0) < 1) continue;
    const choice = rest.endsWith('[x]');
    const name = choice ? rest.slice(0, -3) : rest;
    out.push(info(e, base, `${parentPath}.${name}`, name, choice));
  }
  return out;
}

const codeCache = new Map<string, { system?: string; code: string }[]>();

/** Up to a few codes of a required value set (from its CodeSystem in the package), for valid `code` elements. */
export function codesOf(valueSet: string | undefined): { system?: string; code: string }[] {
  if (!valueSet) return [];
  if (codeCache.has(valueSet)) return codeCache.get(valueSet)!;
  let out: { system?: string; code: string }[] = [];
  try {
    const id = valueSet.split('/').pop()!;
    const vs = r5PackageFile<{ compose?: { include?: { system?: string; concept?: { code: string }[] }[] } }>(`ValueSet-${id}.json`);
    for (const inc of vs?.compose?.include ?? []) {
      if (inc.concept?.length) out.push(...inc.concept.map((c) => ({ system: inc.system, code: c.code })));
      else if (inc.system) {
        const cs = r5PackageFile<{ concept?: { code: string; concept?: unknown[] }[] }>(`CodeSystem-${inc.system.split('/').pop()}.json`);
        out.push(...(cs?.concept ?? []).map((c) => ({ system: inc.system, code: c.code })));
      }
    }
  } catch {
    out = [];
  }
  codeCache.set(valueSet, out);
  return out;
}

/**
 * Whether the top-level JSON property `key` of a `type` resource may appear under _summary=true: an element the R5 base
 * definition marks isSummary (a choice by its typed name, `deceasedBoolean`), or resourceType.
 */
export function isSummaryElement(type: string, key: string): boolean {
  if (key === 'resourceType') return true;
  const els = elementsOf(type);
  if (!els) return true;
  const e = els.get(`${type}.${key}`) ?? [...els.values()].find((x) => x.id.endsWith('[x]') && x.id.split('.').length === 2 && key.startsWith(x.id.slice(type.length + 1, -3)) && /^[A-Z]/.test(key.slice(x.id.length - type.length - 4)));
  return !!e?.isSummary;
}
