// The IG as the harness reads it (spec/ig, UZ Core compiled to JSON): profile summaries and their differentials,
// examples, CodeSystems and ValueSets. Read once, lazily, through lib/spec/files.ts.
import { igIndex, igResource, type IgExample, type IgProfile } from '../spec/ig.ts';
import type { Json } from '../fixtures/personas.ts';
import type { Matrix } from '../matrix/types.ts';

export { IG_DIR, igIndex, igResource, type IgExample, type IgIndex, type IgProfile } from '../spec/ig.ts';

/** One element of a StructureDefinition (differential): what the harness needs of it. */
export interface ElementDef {
  id: string;
  path: string;
  sliceName?: string;
  min?: number;
  max?: string;
  type?: { code: string; profile?: string[]; targetProfile?: string[] }[];
  slicing?: { discriminator: { type: string; path: string }[]; rules?: string };
  binding?: { strength: string; valueSet?: string };
  mustSupport?: boolean;
  [key: string]: unknown;
}


export function profileById(id: string): IgProfile | undefined {
  return igIndex().profiles.find((p) => p.id === id);
}

const differentials = new Map<string, Map<string, ElementDef>>();
/** A profile's (or IG extension's) differential elements by id. */
export function differential(file: string): Map<string, ElementDef> {
  let d = differentials.get(file);
  if (!d) {
    const sd = igResource(file) as { differential?: { element: ElementDef[] } };
    differentials.set(file, (d = new Map((sd.differential?.element ?? []).map((e) => [e.id, e]))));
  }
  return d;
}

/** The examples that claim the profile in meta.profile. */
export function examplesOf(profile: IgProfile): IgExample[] {
  return igIndex().examples.filter((e) => e.profile?.includes(profile.url));
}

export function exampleKey(e: Pick<IgExample, 'resourceType' | 'id'>): string {
  return `${e.resourceType}/${e.id}`;
}

export function exampleResource(e: IgExample): Json {
  return structuredClone(igResource(e.file)) as Json;
}

/** The IG extension definition with this url, if the IG defines it (HL7 extensions are not in spec/ig). */
export function extensionDef(url: string): { url: string; file: string } | undefined {
  return igIndex().extensions.find((x) => x.url === url);
}

/**
 * The types a profile resource may reference: creatable, and enabled on every target of the matrix. A reference into
 * an endpoint a target lacks (DocumentReference on the playground) would fail an unrelated profile there.
 */
export function referenceableTypes(matrix: Pick<Matrix, 'resources' | 'targets'>): Set<string> {
  const missing = new Set(Object.values(matrix.targets).flatMap((t) => t.gaps ?? [])
    .filter((g) => g.kind === 'not-enabled' && g.capability.startsWith('endpoint:')).map((g) => g.capability.slice('endpoint:'.length)));
  return new Set([...creatableTypes(matrix.resources)].filter((t) => !missing.has(t)));
}

/** The types the matrix lets the harness create (POST): where IG examples and profile resources can be written. */
export function creatableTypes(resources: readonly { type: string; interactions: readonly string[] }[]): Set<string> {
  return new Set(resources.filter((r) => r.interactions.includes('create')).map((r) => r.type));
}

/** Every `reference` to an IG example (`Type/example-id`) anywhere in the value. */
export function exampleReferences(value: unknown, keys: { has(key: string): boolean }, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => exampleReferences(v, keys, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string' && keys.has(v)) out.add(v);
      else exampleReferences(v, keys, out);
    }
  }
  return out;
}

let references: Map<string, string[]> | undefined;
/** Each IG example's references to other IG examples (`Type/id`). */
export function exampleGraph(): ReadonlyMap<string, string[]> {
  if (!references) {
    const keys = new Set(igIndex().examples.map(exampleKey));
    references = new Map(igIndex().examples.map((e) => [exampleKey(e), [...exampleReferences(igResource(e.file), keys)]]));
  }
  return references;
}

/** Why an example cannot be put on a target that creates only `creatable` types (it, or an example it references, is of another type). */
export function unplantable(key: string, creatable: ReadonlySet<string>, seen = new Set<string>()): string | undefined {
  if (seen.has(key)) return undefined;
  seen.add(key);
  const type = key.split('/')[0]!;
  if (!creatable.has(type)) return `${key}: the CapabilityStatement declares no create for ${type}`;
  for (const ref of exampleGraph().get(key) ?? []) {
    const why = unplantable(ref, creatable, seen);
    if (why) return why.startsWith(key) ? why : `${key} references ${why}`;
  }
  return undefined;
}
