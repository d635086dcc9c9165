// The terminology the harness knows, read once per process: UZ Core's CodeSystems (complete ones and uz/ru
// supplements), ValueSets and ConceptMaps from the compiled IG, HL7's own CodeSystems from hl7.fhir.r5.core, and for
// every other system (LOINC, SNOMED CT, ICD-10, UCUM, HL7 terminology.hl7.org…) the codes the IG itself names.
import { CodeSystemModel } from './code-system.ts';
import { igIndex, igResource, readIgResource } from '../spec/ig.ts';
import { r5CodeSystem, type Json } from './sources.ts';

export interface Mention {
  code: string;
  display?: string;
}

/** Every {system, code} object in a JSON tree (Coding, Quantity, ConceptMap targets…). */
function codingsIn(node: unknown, out: (system: string, code: string, display?: string) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) codingsIn(x, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Json;
  if (typeof o.system === 'string' && typeof o.code === 'string') out(o.system, o.code, typeof o.display === 'string' ? o.display : undefined);
  for (const v of Object.values(o)) if (v && typeof v === 'object') codingsIn(v, out);
}

export class Catalogue {
  private readonly codeSystems = new Map<string, CodeSystemModel | null>();
  private readonly valueSets = new Map<string, Json>();
  private readonly conceptMaps = new Map<string, Json>();
  private supplementModels?: CodeSystemModel[];
  private mentions?: Map<string, Map<string, Mention>>;
  private examples?: Map<string, Map<string, Mention>>;

  /** The IG's version and commit, as the matrix records them. */
  get ig() {
    const s = igIndex().source;
    return { id: s.igId, version: s.igVersion, commit: s.commit };
  }

  /** UZ Core CodeSystems that define their concepts (content complete). */
  completeCodeSystemUrls(): string[] {
    return igIndex().codeSystems.filter((c) => c.content === 'complete').map((c) => c.url);
  }

  supplementUrls(): string[] {
    return igIndex().codeSystems.filter((c) => c.content === 'supplement').map((c) => c.url);
  }

  valueSetUrls(): string[] {
    return igIndex().valueSets.map((v) => v.url);
  }

  conceptMapUrls(): string[] {
    return igIndex().conceptMaps.map((c) => c.url);
  }

  /** A UZ Core CodeSystem (complete or supplement) or one of hl7.fhir.r5.core; undefined for every other system. */
  codeSystem(url: string): CodeSystemModel | undefined {
    const canonical = url.split('|')[0]!;
    if (!this.codeSystems.has(canonical)) {
      const entry = igIndex().codeSystems.find((c) => c.url === canonical);
      // Its model is kept, not the file (the largest CodeSystems are tens of MB parsed).
      const json = entry ? readIgResource(entry.file) : r5CodeSystem(canonical);
      this.codeSystems.set(canonical, json ? new CodeSystemModel(json) : null);
    }
    return this.codeSystems.get(canonical) ?? undefined;
  }

  /** A CodeSystem whose every concept the harness knows (so "not in it" is a fact, not a gap in knowledge). */
  completeCodeSystem(url: string): CodeSystemModel | undefined {
    const cs = this.codeSystem(url);
    return cs?.complete ? cs : undefined;
  }

  valueSet(url: string): Json | undefined {
    const canonical = url.split('|')[0]!;
    if (!this.valueSets.has(canonical)) {
      const entry = igIndex().valueSets.find((v) => v.url === canonical);
      if (!entry) return undefined;
      this.valueSets.set(canonical, igResource(entry.file));
    }
    return this.valueSets.get(canonical);
  }

  conceptMap(url: string): Json | undefined {
    if (!this.conceptMaps.has(url)) {
      const entry = igIndex().conceptMaps.find((c) => c.url === url);
      if (!entry) return undefined;
      this.conceptMaps.set(url, igResource(entry.file));
    }
    return this.conceptMaps.get(url);
  }

  /** The IG's supplements, each with the canonical it supplements. */
  supplements(): CodeSystemModel[] {
    this.supplementModels ??= this.supplementUrls().map((u) => this.codeSystem(u)!).filter(Boolean);
    return this.supplementModels;
  }

  /**
   * Codes of a system the harness holds no CodeSystem for, as the IG names them: in its examples, ValueSet
   * compositions (enumerated concepts and is-a roots), ConceptMaps and supplements. Each is a real code of that
   * system as far as the IG's authors are concerned; the harness never claims a code is *not* in such a system.
   */
  mentionedCodes(system: string): Map<string, Mention> {
    if (!this.mentions) {
      const all = new Map<string, Map<string, Mention>>();
      const add = (s: string, code: string, display?: string) => {
        if (!all.has(s)) all.set(s, new Map());
        const known = all.get(s)!.get(code);
        if (!known) all.get(s)!.set(code, { code, ...(display ? { display } : {}) });
        else if (!known.display && display) known.display = display;
      };
      for (const [s, codes] of this.exampleCodings()) for (const m of codes.values()) add(s, m.code, m.display);
      for (const url of this.valueSetUrls()) {
        for (const part of ['include', 'exclude'] as const) {
          for (const inc of this.valueSet(url)?.compose?.[part] ?? []) {
            if (!inc.system) continue;
            for (const c of inc.concept ?? []) add(inc.system, c.code, c.display);
            for (const f of inc.filter ?? []) if (f.property === 'concept' && (f.op === 'is-a' || f.op === 'descendent-of')) add(inc.system, f.value);
          }
        }
      }
      for (const url of this.conceptMapUrls()) {
        for (const g of this.conceptMap(url)?.group ?? []) {
          for (const e of g.element ?? []) {
            if (g.source && e.code) add(g.source, e.code, e.display);
            for (const t of e.target ?? []) if (g.target && t.code) add(g.target, t.code, t.display);
          }
        }
      }
      for (const sup of this.supplements()) for (const c of sup.concepts.values()) add(sup.supplements!, c.code);
      this.mentions = all;
    }
    return this.mentions.get(system) ?? new Map();
  }

  /** Every coding the IG's examples carry, by system (the first display seen for a code). */
  exampleCodings(): Map<string, Map<string, Mention>> {
    if (!this.examples) {
      const out = new Map<string, Map<string, Mention>>();
      for (const e of igIndex().examples) {
        codingsIn(readIgResource(e.file), (system, code, display) => {
          if (!out.has(system)) out.set(system, new Map());
          const known = out.get(system)!.get(code);
          if (!known) out.get(system)!.set(code, { code, ...(display ? { display } : {}) });
          else if (!known.display && display) known.display = display;
        });
      }
      this.examples = out;
    }
    return this.examples;
  }
}

let shared: Catalogue | undefined;
/** The process-wide catalogue (the IG is read once, lazily). */
export function catalogue(): Catalogue {
  shared ??= new Catalogue();
  return shared;
}
