// Which elements of an R5 search expression an R4 server cannot have: for a server whose CapabilityStatement says
// fhirVersion 4.x, a failed search names them ("Observation.triggeredBy is R5-only") instead of blaming the filter.
//
// R4's element model comes from @types/fhir's r4.d.ts (generated from the R4 StructureDefinitions; already a
// dependency for the R5 types): interface name → property → type. Read lazily, only when a server is not R5.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathBranches } from './plant-path.ts';

type Model = Map<string, { extends?: string; props: Map<string, string> }>;
let model: Model | undefined;

function r4Model(): Model {
  if (model) return model;
  const text = readFileSync(createRequire(import.meta.url).resolve('@types/fhir/r4.d.ts'), 'utf8');
  model = new Map();
  let current: { extends?: string; props: Map<string, string> } | undefined;
  for (const line of text.split('\n')) {
    const head = /^export interface (\w+)(?: extends (\w+))? \{/.exec(line);
    if (head) {
      current = { extends: head[2], props: new Map() };
      model.set(head[1]!, current);
      continue;
    }
    if (line.startsWith('}')) current = undefined;
    const prop = current && /^ {2}(?:readonly )?([a-z]\w*)\??: ([^;]+);/.exec(line);
    if (prop) current!.props.set(prop[1]!, prop[2]!.replace(/\s*\|\s*undefined$/, '').replace(/\[\]$/, ''));
  }
  return model;
}

/** The property's R4 type on interface `iface` (following `extends`), or undefined when R4 has no such element. */
function propType(m: Model, iface: string, name: string, ofType?: string): string | undefined {
  for (let i: string | undefined = iface; i; i = m.get(i)?.extends) {
    const props = m.get(i)?.props;
    if (!props) return undefined;
    if (ofType) {
      const t = props.get(name + ofType[0]!.toUpperCase() + ofType.slice(1));
      if (t) return t;
    }
    const direct = props.get(name);
    if (direct) return direct;
    // A choice element read without ofType(): present if any of its typed forms is.
    for (const [k, t] of props) if (!ofType && k.startsWith(name) && /^[A-Z]/.test(k.slice(name.length)) && !k.startsWith('_')) return t;
  }
  return undefined;
}

/** Elements (`Type.path`) or types of `expression` that R4 does not have; [] when every branch exists in R4 or cannot be read. */
export function r5OnlyElements(expression: string, type: string): string[] {
  const m = r4Model();
  const out = new Set<string>();
  const parsed = pathBranches(expression);
  if (!parsed) return [];
  for (const br of parsed) {
    const root = br.root || type;
    if (!m.has(root)) { out.add(`${root} (an R5-only resource type)`); continue; }
    let iface = root, path = root;
    for (const step of br.steps) {
      const t = propType(m, iface, step.name, step.ofType);
      path += `.${step.name}`;
      if (!t) { out.add(path); break; }
      // Backbone elements are interfaces named after their path; data types after themselves; primitives end the walk.
      const next = /^[A-Z]\w*$/.test(t) ? t : undefined;
      if (!next || !m.has(next)) break;
      iface = next;
    }
  }
  return [...out];
}
