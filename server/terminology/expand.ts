// The server's ValueSet expansion over its SQLite terminology tables: include/exclude by system (whole, enumerated
// concepts, property and hierarchy filters), nested ValueSets, designations from the code system, the composition
// and the supplements in force. A fragment system expands to the codes this server holds of it.
import type { TerminologyDb } from './db.ts';
import { fail, notFound } from '../outcomes.ts';
import type { Json } from './sources.ts';

export interface Designation { language: string | null; value: string; source: string }
export interface Entry { system: string; code: string; display?: string; designations: Designation[] }

const SUPPLEMENT_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/valueset-supplement';

export function declaredSupplements(vs: Json): string[] {
  return (vs.extension ?? []).filter((e: Json) => e.url === SUPPLEMENT_EXTENSION).map((e: Json) => e.valueCanonical as string);
}

export class ValueSetExpander {
  private readonly cache = new Map<string, Entry[]>();
  constructor(private readonly db: TerminologyDb, private readonly valueSet: (url: string) => Json | undefined) {}

  invalidate(): void {
    this.cache.clear();
  }

  /** Every entry of the ValueSet, in composition order; supplements: the canonicals whose designations apply. */
  expand(vs: Json, supplements: ReadonlySet<string>, stack: string[] = []): Entry[] {
    const cacheKey = `${vs.url}|${[...supplements].sort().join(',')}`;
    const hit = this.cache.get(cacheKey);
    if (hit) return hit;
    if (stack.includes(vs.url)) throw fail(422, 'processing', `ValueSet ${vs.url} includes itself (${[...stack, vs.url].join(' → ')})`);
    const into = new Map<string, Entry>();
    for (const inc of vs.compose?.include ?? []) for (const e of this.select(inc, supplements, [...stack, vs.url])) if (!into.has(`${e.system}|${e.code}`)) into.set(`${e.system}|${e.code}`, e);
    for (const exc of vs.compose?.exclude ?? []) for (const e of this.select(exc, supplements, [...stack, vs.url])) into.delete(`${e.system}|${e.code}`);
    const out = [...into.values()];
    this.cache.set(cacheKey, out);
    return out;
  }

  private select(inc: Json, supplements: ReadonlySet<string>, stack: string[]): Entry[] {
    let entries: Entry[] | undefined;
    if (inc.system) entries = this.fromSystem(inc, supplements);
    for (const url of inc.valueSet ?? []) {
      const nested = this.valueSet(url);
      if (!nested) throw notFound(`ValueSet ${url} (included by ${stack[stack.length - 1]})`);
      const theirs = this.expand(nested, supplements, stack);
      if (!entries) entries = theirs;
      else {
        const keep = new Set(theirs.map((e) => `${e.system}|${e.code}`));
        entries = entries.filter((e) => keep.has(`${e.system}|${e.code}`));
      }
    }
    return entries ?? [];
  }

  private fromSystem(inc: Json, supplements: ReadonlySet<string>): Entry[] {
    const system: string = inc.system;
    const known = this.db.system(system);
    const entry = (code: string, display: string | null | undefined, extra: Designation[] = []): Entry => ({
      system, code, ...(display ? { display } : {}),
      designations: [...extra, ...this.db.designations(system, code, supplements)],
    });
    if (inc.concept) {
      return inc.concept.map((c: Json) => entry(c.code, c.display ?? this.db.concept(system, c.code)?.display,
        (c.designation ?? []).map((d: Json) => ({ language: d.language ?? null, value: d.value, source: 'compose' }))));
    }
    if (!known) throw notFound(`CodeSystem ${system} (needed to expand the ValueSet)`);
    let concepts = this.db.concepts(system);
    for (const f of inc.filter ?? []) {
      const allowed = this.filter(system, known.content, f);
      concepts = concepts.filter((c) => allowed.has(c.code));
    }
    const designations = this.db.designationsByCode(system, supplements);
    return concepts.map((c) => ({ system, code: c.code, ...(c.display ? { display: c.display } : {}), designations: designations.get(c.code) ?? [] }));
  }

  private filter(system: string, content: string, f: Json): Set<string> {
    const value = String(f.value ?? '');
    const below = (root: string) => this.db.closure(system, root, 'down');
    if (f.property === 'concept' || f.property === 'code') {
      // A fragment holds no hierarchy: it can only answer for the root itself.
      if (f.op === 'is-a') return new Set([value, ...(content === 'fragment' ? [] : below(value))]);
      if (f.op === 'descendent-of') return below(value);
      if (f.op === '=') return new Set([value]);
      if (f.op === 'in') return new Set(value.split(',').map((s) => s.trim()));
    }
    if (f.op === '=') {
      // Coding-valued properties are stored as system|code; the IG writes system#code.
      const forms = new Set([value, value.replace('#', '|')]);
      return new Set([...forms].flatMap((v) => this.db.withProperty(system, f.property, v)));
    }
    throw fail(422, 'not-supported', `ValueSet filter ${f.property} ${f.op} ${value} on ${system} is not supported by this server`);
  }
}

const words = (text: string) => text.toLocaleLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
/** Entries live in the expansion cache; their words are worked out once. */
const wordsOf = new WeakMap<Entry, string[]>();

/** The server's text filter: every word of the filter starts a word of the display or of a designation. */
export function matchesFilter(e: Entry, filter: string): boolean {
  const wanted = words(filter);
  let have = wordsOf.get(e);
  if (!have) wordsOf.set(e, (have = [e.display ?? '', ...e.designations.map((d) => d.value)].flatMap(words)));
  return wanted.every((w) => have.some((h) => h.startsWith(w)));
}

/** The display in a language: a designation in it (composition first), else the default display. */
export function displayIn(e: Entry, language: string | undefined): string | undefined {
  if (!language) return e.display;
  const lang = language.toLowerCase();
  const fits = (d: Designation) => !!d.language && (d.language.toLowerCase() === lang || d.language.toLowerCase().startsWith(`${lang}-`));
  return (e.designations.find((d) => d.source === 'compose' && fits(d)) ?? e.designations.find(fits))?.value ?? e.display;
}
