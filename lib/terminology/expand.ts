// The harness's own ValueSet expansion (R5 valueset.html §4.9.5 "compose"): include/exclude by system, enumerated
// concepts, filters (is-a, descendent-of, is-not-a, generalizes, =, in, exists, regex) and nested ValueSets, with
// displays and designations (the CodeSystem's, the compose's and those of the supplements the ValueSet names).
// Where a part draws on a system the harness holds only mentions of (all of LOINC, an is-a over SNOMED CT), the
// expansion is marked open and lists the members it can still name for sure.
import type { Catalogue } from './catalogue.ts';
import type { CodeSystemModel, Concept, Designation } from './code-system.ts';

/** What an expansion reads: the catalogue, or any small stand-in holding the same kinds of things. */
export type ExpansionSource = Pick<Catalogue, 'valueSet' | 'codeSystem' | 'completeCodeSystem' | 'mentionedCodes'>;
import type { Json } from './sources.ts';

export interface Member {
  system: string;
  code: string;
  display?: string;
  /** The language `display` is written in, where the CodeSystem or ValueSet says. */
  displayLanguage?: string;
  designations: Designation[];
}

export interface Expansion {
  url: string;
  /** Every member when `complete`; otherwise the members the harness can name for sure. */
  members: Member[];
  complete: boolean;
  /** Why the expansion is not complete: one line per part the harness cannot enumerate. */
  open: string[];
  /** The supplements the ValueSet asks for (extension valueset-supplement). */
  supplements: string[];
}

export const SUPPLEMENT_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/valueset-supplement';
const key = (system: string, code: string) => `${system}|${code}`;

interface Part { members: Map<string, Member>; open: string[] }

/** A filter over a CodeSystem the harness knows completely: the set of codes it selects. */
function applyFilter(cs: CodeSystemModel, f: Json): Set<string> {
  const all = [...cs.concepts.keys()];
  const value = String(f.value ?? '');
  const hasProperty = (c: Concept, v: (x: string) => boolean) => c.properties.some((p) => p.code === f.property && v(p.value));
  // A Coding property's value is written `system#code` in the IG and `system|code` by FHIR's token syntax.
  const same = (x: string, y: string) => x === y || x.replace('#', '|') === y.replace('#', '|') || x.split('|').pop() === y;
  switch (f.op) {
    case 'is-a': return new Set([value, ...cs.descendants(value)].filter((c) => cs.concepts.has(c)));
    case 'descendent-of': return cs.descendants(value);
    case 'is-not-a': { const out = new Set([value, ...cs.descendants(value)]); return new Set(all.filter((c) => !out.has(c))); }
    case 'generalizes': return new Set([value, ...cs.ancestors(value)].filter((c) => cs.concepts.has(c)));
    case 'child-of': return new Set(cs.children(value));
    case '=':
      if (f.property === 'concept' || f.property === 'code') return new Set(all.filter((c) => c === value));
      return new Set(all.filter((c) => hasProperty(cs.concept(c)!, (v) => same(v, value))));
    case 'in': {
      const values = value.split(',').map((s) => s.trim());
      if (f.property === 'concept' || f.property === 'code') return new Set(all.filter((c) => values.includes(c)));
      return new Set(all.filter((c) => hasProperty(cs.concept(c)!, (v) => values.some((x) => same(v, x)))));
    }
    case 'exists': return new Set(all.filter((c) => cs.concept(c)!.properties.some((p) => p.code === f.property) === (value === 'true')));
    case 'regex': { const re = new RegExp(`^(?:${value})$`); return new Set(all.filter((c) => re.test(f.property === 'concept' || f.property === 'code' ? c : cs.concept(c)!.properties.find((p) => p.code === f.property)?.value ?? ''))); }
    default: throw new Error(`ValueSet filter op "${f.op}" is not one the harness implements`);
  }
}

export class Expander {
  private readonly cache = new Map<string, Expansion>();
  constructor(private readonly cat: ExpansionSource) {}

  expand(url: string): Expansion {
    const canonical = url.split('|')[0]!;
    const cached = this.cache.get(canonical);
    if (cached) return cached;
    const vs = this.cat.valueSet(canonical);
    if (!vs) throw new Error(`ValueSet ${canonical} is not in the IG`);
    // A cycle would recurse for ever; mark the ValueSet as in progress first.
    this.cache.set(canonical, { url: canonical, members: [], complete: false, open: [`${canonical} refers to itself`], supplements: [] });
    const supplements = (vs.extension ?? []).filter((e: Json) => e.url === SUPPLEMENT_EXTENSION).map((e: Json) => e.valueCanonical as string);
    const included = (vs.compose?.include ?? []).map((inc: Json) => this.part(inc, supplements, vs.language));
    const excluded = (vs.compose?.exclude ?? []).map((inc: Json) => this.part(inc, supplements, vs.language));
    const members = new Map<string, Member>();
    for (const p of included) for (const [k, m] of p.members) if (!members.has(k)) members.set(k, m);
    for (const p of excluded) for (const k of p.members.keys()) members.delete(k);
    const open = [...included.flatMap((p: Part) => p.open), ...excluded.flatMap((p: Part) => p.open.map((o) => `exclude: ${o}`))];
    const out: Expansion = { url: canonical, members: [...members.values()], complete: open.length === 0, open, supplements };
    this.cache.set(canonical, out);
    return out;
  }

  private part(inc: Json, supplements: string[], language: string | undefined): Part {
    const nested = (inc.valueSet ?? []).map((u: string) => this.expand(u));
    let part: Part | undefined;
    if (inc.system) part = this.systemPart(inc, supplements, language);
    // R5: the codes of a system part and of each valueSet named are intersected.
    for (const n of nested as Expansion[]) {
      const theirs = new Map(n.members.map((m) => [key(m.system, m.code), m]));
      if (!part) part = { members: theirs, open: [...n.open] };
      else {
        for (const k of [...part.members.keys()]) if (!theirs.has(k)) part.members.delete(k);
        part.open.push(...n.open);
      }
    }
    return part ?? { members: new Map(), open: [] };
  }

  private systemPart(inc: Json, supplements: string[], vsLanguage: string | undefined): Part {
    const system: string = inc.system;
    const cs = this.cat.completeCodeSystem(system);
    const members = new Map<string, Member>();
    const open: string[] = [];
    const add = (code: string, display?: string, designations: Designation[] = []) => {
      const c = cs?.concept(code);
      const shown = display ?? c?.display;
      const language = display ? (vsLanguage ?? cs?.language) : cs?.language;
      members.set(key(system, code), {
        system, code,
        ...(shown ? { display: shown } : {}),
        ...(shown && language ? { displayLanguage: language } : {}),
        designations: [...designations, ...(c?.designations ?? []), ...this.supplementDesignations(system, code, supplements)],
      });
    };
    if (inc.concept) {
      for (const c of inc.concept) {
        add(c.code, c.display, (c.designation ?? []).map((d: Json): Designation => ({ language: d.language, use: d.use, value: d.value, source: 'valueset' })));
      }
      return { members, open };
    }
    if (!cs) {
      const known = this.cat.mentionedCodes(system);
      if (!inc.filter?.length) {
        open.push(`all of ${system}, which the harness knows only by the ${known.size} codes the IG names`);
        for (const m of known.values()) add(m.code);
      } else {
        open.push(`${system} where ${inc.filter.map((f: Json) => `${f.property} ${f.op} ${f.value}`).join(' and ')} (the harness holds no hierarchy or properties of ${system})`);
        // is-a includes its root: the one member the harness can name without the system's hierarchy.
        if (inc.filter.length === 1 && inc.filter[0].property === 'concept' && inc.filter[0].op === 'is-a') add(inc.filter[0].value);
      }
      return { members, open };
    }
    let codes = new Set(cs.concepts.keys());
    for (const f of inc.filter ?? []) {
      const picked = applyFilter(cs, f);
      codes = new Set([...codes].filter((c) => picked.has(c)));
    }
    for (const code of codes) add(code);
    return { members, open };
  }

  private supplementDesignations(system: string, code: string, supplements: string[]): Designation[] {
    return supplements.flatMap((u) => {
      const sup = this.cat.codeSystem(u);
      return sup?.supplements === system ? (sup.concept(code)?.designations ?? []).map((d) => ({ ...d, source: u })) : [];
    });
  }
}
