// One CodeSystem as the harness understands it: its concepts (nesting flattened), their displays, designations and
// properties, and the is-a hierarchy that nesting and the `parent`/`child` properties express (R5 codesystem.html
// §4.8.6: "concept-properties#parent … #child"). Built from the resource's JSON alone.
import type { Json } from './sources.ts';

export interface Designation {
  language?: string;
  use?: { system?: string; code?: string };
  value: string;
  /** Where it is written: the CodeSystem itself, a ValueSet's compose, or the canonical of a supplement. */
  source: string;
}

export interface Concept {
  code: string;
  display?: string;
  designations: Designation[];
  /** Property values as text: a code, string, boolean (`true`), or a Coding as `system|code`. */
  properties: { code: string; value: string }[];
}

export type Subsumption = 'equivalent' | 'subsumes' | 'subsumed-by' | 'not-subsumed';

const PARENT = new Set(['parent', 'http://hl7.org/fhir/concept-properties#parent']);
const CHILD = new Set(['child', 'http://hl7.org/fhir/concept-properties#child']);

function propertyText(p: Json): string | undefined {
  if (p.valueCoding) return `${p.valueCoding.system ?? ''}|${p.valueCoding.code ?? ''}`;
  for (const k of ['valueCode', 'valueString', 'valueBoolean', 'valueInteger', 'valueDecimal', 'valueDateTime']) {
    if (p[k] !== undefined) return String(p[k]);
  }
  return undefined;
}

export class CodeSystemModel {
  readonly url: string;
  readonly name?: string;
  readonly content: string;
  /** The language of its displays (CodeSystem.language). */
  readonly language?: string;
  /** `supplements` of a supplement: the canonical whose concepts it adds designations to. */
  readonly supplements?: string;
  readonly concepts = new Map<string, Concept>();
  private readonly parents = new Map<string, Set<string>>();
  private readonly childrenOf = new Map<string, Set<string>>();

  constructor(cs: Json) {
    this.url = cs.url;
    this.name = cs.name;
    this.content = cs.content;
    this.language = cs.language;
    this.supplements = cs.supplements;
    // Property codes are local: map each to its uri so `parent` is recognised whatever the CodeSystem calls it.
    const uriOf = new Map<string, string>((cs.property ?? []).map((p: Json) => [p.code, p.uri ?? p.code]));
    const link = (parent: string, child: string) => {
      if (!this.parents.has(child)) this.parents.set(child, new Set());
      this.parents.get(child)!.add(parent);
      if (!this.childrenOf.has(parent)) this.childrenOf.set(parent, new Set());
      this.childrenOf.get(parent)!.add(child);
    };
    const walk = (list: Json[] | undefined, parent?: string) => {
      for (const c of list ?? []) {
        const concept: Concept = {
          code: c.code,
          ...(c.display !== undefined ? { display: c.display } : {}),
          designations: (c.designation ?? []).map((d: Json): Designation => ({ language: d.language, use: d.use, value: d.value, source: this.url })),
          properties: (c.property ?? []).flatMap((p: Json) => {
            const value = propertyText(p);
            return value === undefined ? [] : [{ code: p.code, value }];
          }),
        };
        const known = this.concepts.get(c.code);
        if (known) known.designations.push(...concept.designations);
        else this.concepts.set(c.code, concept);
        if (parent) link(parent, c.code);
        for (const p of concept.properties) {
          const uri = uriOf.get(p.code) ?? p.code;
          if (PARENT.has(p.code) || PARENT.has(uri)) link(p.value, c.code);
          if (CHILD.has(p.code) || CHILD.has(uri)) link(c.code, p.value);
        }
        walk(c.concept, c.code);
      }
    };
    walk(cs.concept);
  }

  get complete(): boolean {
    return this.content === 'complete';
  }

  /** True when some concept has a parent: $subsumes has something to answer beyond equivalence. */
  get hierarchical(): boolean {
    return this.parents.size > 0;
  }

  concept(code: string): Concept | undefined {
    return this.concepts.get(code);
  }

  /** The concepts directly below `code`. */
  children(code: string): string[] {
    return [...(this.childrenOf.get(code) ?? [])];
  }

  /** Every concept below `code` (not `code` itself). */
  descendants(code: string): Set<string> {
    return this.closure(code, this.childrenOf);
  }

  /** Every concept above `code` (not `code` itself). */
  ancestors(code: string): Set<string> {
    return this.closure(code, this.parents);
  }

  private closure(code: string, next: Map<string, Set<string>>): Set<string> {
    const out = new Set<string>();
    const todo = [...(next.get(code) ?? [])];
    while (todo.length) {
      const c = todo.pop()!;
      if (out.has(c)) continue;
      out.add(c);
      todo.push(...(next.get(c) ?? []));
    }
    return out;
  }

  /** R5 $subsumes: how concept A relates to concept B (both must be concepts of this CodeSystem). */
  subsumes(a: string, b: string): Subsumption {
    if (a === b) return 'equivalent';
    if (this.descendants(a).has(b)) return 'subsumes';
    if (this.ancestors(a).has(b)) return 'subsumed-by';
    return 'not-subsumed';
  }
}
