// What the reference server's terminology service knows, read with its own small reader (never the harness's): the
// IG's CodeSystems, supplements, ValueSets and ConceptMaps (spec/ig, large files gzip'd), hl7.fhir.r5.core's CodeSystems
// for the hl7.org/fhir systems the IG names, and for every other external system (LOINC, SNOMED CT, ICD-10, UCUM,
// terminology.hl7.org…) a fragment: the codes the IG's examples, compositions, maps and supplements use. Each file is
// read when first asked for, once per process.
import { IG_DIR, readIgJson } from '../ig-files.ts';
import { r5PackageFile } from '../r5-package.ts';

export type Json = Record<string, any>;
interface Entry { url: string; file: string; content?: string; supplements?: string }

/** Walks any JSON for {system, code[, display]} objects. */
function eachCoding(node: unknown, visit: (system: string, code: string, display?: string) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => eachCoding(n, visit));
  if (!node || typeof node !== 'object') return;
  const o = node as Json;
  if (typeof o.system === 'string' && typeof o.code === 'string') visit(o.system, o.code, typeof o.display === 'string' ? o.display : undefined);
  for (const v of Object.values(o)) eachCoding(v, visit);
}

export class TerminologySources {
  private readonly index: { codeSystems: Entry[]; valueSets: Entry[]; conceptMaps: Entry[]; examples: { file: string }[] };
  private readonly files = new Map<string, Json>();
  private fragments?: Map<string, Map<string, string | undefined>>;

  constructor(private readonly igDir = IG_DIR) {
    this.index = readIgJson<TerminologySources['index']>('index.json', igDir);
  }

  private read(file: string): Json {
    if (!this.files.has(file)) this.files.set(file, readIgJson<Json>(`resources/${file}`, this.igDir));
    return this.files.get(file)!;
  }

  /** A CodeSystem resource (or supplement) for this canonical: the IG's, HL7's, or a fragment; undefined if none. */
  codeSystem(url: string): Json | undefined {
    const entry = this.index.codeSystems.find((c) => c.url === url);
    if (entry) return this.read(entry.file);
    const hl7 = this.hl7CodeSystem(url);
    if (hl7) return hl7;
    const codes = this.fragmentCodes().get(url);
    if (!codes) return undefined;
    return {
      resourceType: 'CodeSystem', url, name: url, status: 'active', content: 'fragment',
      concept: [...codes].map(([code, display]) => ({ code, ...(display ? { display } : {}) })),
    };
  }

  /** The IG's supplements of a code system. */
  supplementsOf(system: string): string[] {
    return this.index.codeSystems.filter((c) => c.content === 'supplement' && c.supplements === system).map((c) => c.url);
  }

  valueSet(url: string): Json | undefined {
    const entry = this.index.valueSets.find((v) => v.url === url);
    return entry && this.read(entry.file);
  }

  conceptMap(url: string): Json | undefined {
    const entry = this.index.conceptMaps.find((v) => v.url === url);
    return entry && this.read(entry.file);
  }

  private hl7CodeSystem(url: string): Json | undefined {
    if (!url.startsWith('http://hl7.org/fhir/')) return undefined;
    const cs = r5PackageFile<Json>(`CodeSystem-${url.replace(/\/$/, '').split('/').pop()}.json`);
    return cs?.url === url ? cs : undefined;
  }

  /** Every system the IG names but does not define, with the codes (and a display where one is given) it uses. */
  private fragmentCodes(): Map<string, Map<string, string | undefined>> {
    if (this.fragments) return this.fragments;
    const defined = new Set(this.index.codeSystems.filter((c) => c.content !== 'supplement').map((c) => c.url));
    const named = new Map<string, Map<string, string | undefined>>();
    const name = (system: string, code: string, display?: string) => {
      if (defined.has(system)) return;
      if (!named.has(system)) named.set(system, new Map());
      const codes = named.get(system)!;
      if (!codes.get(code)) codes.set(code, display || codes.get(code));
    };
    for (const e of this.index.examples) eachCoding(this.read(e.file), name);
    for (const v of this.index.valueSets) {
      const vs = this.read(v.file);
      for (const inc of [...(vs.compose?.include ?? []), ...(vs.compose?.exclude ?? [])]) {
        if (!inc.system || defined.has(inc.system)) continue;
        if (!named.has(inc.system)) named.set(inc.system, new Map());
        for (const c of inc.concept ?? []) name(inc.system, c.code, c.display);
        for (const f of inc.filter ?? []) if (f.property === 'concept') name(inc.system, f.value);
      }
    }
    for (const m of this.index.conceptMaps) {
      for (const g of this.read(m.file).group ?? []) {
        for (const e of g.element ?? []) {
          if (g.source) name(g.source, e.code, e.display);
          for (const t of e.target ?? []) if (g.target) name(g.target, t.code, t.display);
        }
      }
    }
    const supplementCodes = (concepts: Json[] | undefined, system: string): void => {
      for (const c of concepts ?? []) {
        name(system, c.code);
        supplementCodes(c.concept, system);
      }
    };
    for (const s of this.index.codeSystems.filter((c) => c.content === 'supplement')) supplementCodes(this.read(s.file).concept, s.supplements!);
    this.fragments = named;
    return named;
  }
}
