// The terminology tables in the server's SQLite database: code systems (complete, fragment, supplement), concepts,
// their parent links, properties and designations, and the ValueSets and ConceptMaps as JSON. Each code system,
// ValueSet and ConceptMap is loaded the first time a request needs it (startServer stays fast, and a run pays only for
// what it touches); resources written through the REST API are loaded by the caller.
import type Database from 'better-sqlite3';
import type { Json, TerminologySources } from './sources.ts';

const TABLES = `
CREATE TABLE IF NOT EXISTS term_system (url TEXT PRIMARY KEY, name TEXT, content TEXT NOT NULL, supplements TEXT, origin TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS term_concept (system TEXT NOT NULL, code TEXT NOT NULL, display TEXT, seq INTEGER NOT NULL, PRIMARY KEY (system, code));
CREATE TABLE IF NOT EXISTS term_parent (system TEXT NOT NULL, child TEXT NOT NULL, parent TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS term_property (system TEXT NOT NULL, code TEXT NOT NULL, property TEXT NOT NULL, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS term_designation (system TEXT NOT NULL, code TEXT NOT NULL, language TEXT, value TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS term_resource (type TEXT NOT NULL, url TEXT NOT NULL, json TEXT NOT NULL, origin TEXT NOT NULL, PRIMARY KEY (type, url));
`;
const INDEXES = `
CREATE INDEX IF NOT EXISTS term_parent_by_parent ON term_parent (system, parent);
CREATE INDEX IF NOT EXISTS term_parent_by_child ON term_parent (system, child);
CREATE INDEX IF NOT EXISTS term_property_by_value ON term_property (system, property, value);
CREATE INDEX IF NOT EXISTS term_designation_by_code ON term_designation (system, code);
CREATE INDEX IF NOT EXISTS term_designation_by_source ON term_designation (source);
`;

export interface SystemRow { url: string; name: string | null; content: string; supplements: string | null; origin: string }
export interface ConceptRow { system: string; code: string; display: string | null }
export interface DesignationRow { language: string | null; value: string; source: string }

const PARENT_PROPERTIES = new Set(['parent', 'http://hl7.org/fhir/concept-properties#parent']);
const CHILD_PROPERTIES = new Set(['child', 'http://hl7.org/fhir/concept-properties#child']);

function valueText(p: Json): string | undefined {
  if (p.valueCoding) return `${p.valueCoding.system ?? ''}|${p.valueCoding.code ?? ''}`;
  const v = p.valueCode ?? p.valueString ?? p.valueBoolean ?? p.valueInteger ?? p.valueDecimal ?? p.valueDateTime;
  return v === undefined ? undefined : String(v);
}

export class TerminologyDb {
  private readonly stmts;
  /** Canonicals asked for that no source has, so they are looked up once. */
  private readonly unknown = new Set<string>();

  constructor(private readonly db: Database.Database, private readonly sources: TerminologySources) {
    db.exec(TABLES);
    db.exec(INDEXES);
    this.stmts = {
      system: db.prepare<[string], SystemRow>('SELECT * FROM term_system WHERE url = ?'),
      putSystem: db.prepare('INSERT OR REPLACE INTO term_system (url, name, content, supplements, origin) VALUES (?, ?, ?, ?, ?)'),
      putConcept: db.prepare('INSERT OR IGNORE INTO term_concept (system, code, display, seq) VALUES (?, ?, ?, ?)'),
      putParent: db.prepare('INSERT INTO term_parent (system, child, parent) VALUES (?, ?, ?)'),
      putProperty: db.prepare('INSERT INTO term_property (system, code, property, value) VALUES (?, ?, ?, ?)'),
      putDesignation: db.prepare('INSERT INTO term_designation (system, code, language, value, source) VALUES (?, ?, ?, ?, ?)'),
      putResource: db.prepare('INSERT OR REPLACE INTO term_resource (type, url, json, origin) VALUES (?, ?, ?, ?)'),
      resource: db.prepare<[string, string], { json: string; origin: string }>('SELECT json, origin FROM term_resource WHERE type = ? AND url = ?'),
      concept: db.prepare<[string, string], ConceptRow>('SELECT system, code, display FROM term_concept WHERE system = ? AND code = ?'),
      concepts: db.prepare<[string], ConceptRow>('SELECT system, code, display FROM term_concept WHERE system = ? ORDER BY seq'),
      children: db.prepare<[string, string], { child: string }>('SELECT child FROM term_parent WHERE system = ? AND parent = ?'),
      parents: db.prepare<[string, string], { parent: string }>('SELECT parent FROM term_parent WHERE system = ? AND child = ?'),
      withProperty: db.prepare<[string, string, string], { code: string }>('SELECT code FROM term_property WHERE system = ? AND property = ? AND value = ?'),
      designations: db.prepare<[string, string], DesignationRow>('SELECT language, value, source FROM term_designation WHERE system = ? AND code = ?'),
      systemDesignations: db.prepare<[string], DesignationRow & { code: string }>('SELECT code, language, value, source FROM term_designation WHERE system = ?'),
      supplementsOf: db.prepare<[string], SystemRow>("SELECT * FROM term_system WHERE content = 'supplement' AND supplements = ?"),
      clear: ['term_concept', 'term_parent', 'term_property'].map((t) => db.prepare(`DELETE FROM ${t} WHERE system = ?`)),
      // A system's own designations, or a supplement's: each source is replaced on its own.
      clearDesignations: db.prepare('DELETE FROM term_designation WHERE source = ?'),
    };
  }

  /** (Re)loads one CodeSystem (a supplement adds designations to the system it supplements); `replace` drops what it held. */
  putCodeSystem(cs: Json, origin: string, replace = true): void {
    const supplement = cs.content === 'supplement';
    const system: string = supplement ? cs.supplements : cs.url;
    if (replace) {
      this.stmts.clearDesignations.run(cs.url);
      if (!supplement) for (const s of this.stmts.clear) s.run(system);
    }
    this.stmts.putSystem.run(cs.url, cs.name ?? null, cs.content ?? 'complete', supplement ? system : null, origin);
    const propertyUri = new Map<string, string>((cs.property ?? []).map((p: Json) => [p.code, p.uri ?? p.code]));
    let seq = 0;
    const walk = (concepts: Json[] | undefined, parent?: string) => {
      for (const c of concepts ?? []) {
        if (!supplement) {
          this.stmts.putConcept.run(system, c.code, c.display ?? null, seq++);
          if (parent) this.stmts.putParent.run(system, c.code, parent);
          for (const p of c.property ?? []) {
            const value = valueText(p);
            if (value === undefined) continue;
            this.stmts.putProperty.run(system, c.code, p.code, value);
            const uri = propertyUri.get(p.code) ?? p.code;
            if (PARENT_PROPERTIES.has(p.code) || PARENT_PROPERTIES.has(uri)) this.stmts.putParent.run(system, c.code, value);
            if (CHILD_PROPERTIES.has(p.code) || CHILD_PROPERTIES.has(uri)) this.stmts.putParent.run(system, value, c.code);
          }
        }
        for (const d of c.designation ?? []) this.stmts.putDesignation.run(system, c.code, d.language ?? null, d.value, cs.url);
        walk(c.concept, supplement ? undefined : c.code);
      }
    };
    walk(cs.concept);
  }

  putResource(type: 'ValueSet' | 'ConceptMap', resource: Json, origin: string): void {
    this.stmts.putResource.run(type, resource.url, JSON.stringify(resource), origin);
  }

  /** A code system or supplement, loaded from the sources on first use. */
  system(url: string): SystemRow | undefined {
    const row = this.stmts.system.get(url);
    if (row || this.unknown.has(url)) return row;
    const cs = this.sources.codeSystem(url);
    if (!cs) { this.unknown.add(url); return undefined; }
    this.db.transaction(() => this.putCodeSystem(cs, 'ig', false))();
    return this.stmts.system.get(url);
  }

  resource(type: 'ValueSet' | 'ConceptMap', url: string): { json: Json; origin: string } | undefined {
    let row = this.stmts.resource.get(type, url);
    if (!row && !this.unknown.has(`${type}|${url}`)) {
      const json = type === 'ValueSet' ? this.sources.valueSet(url) : this.sources.conceptMap(url);
      if (json) this.putResource(type, json, 'ig');
      else this.unknown.add(`${type}|${url}`);
      row = this.stmts.resource.get(type, url);
    }
    return row && { json: JSON.parse(row.json) as Json, origin: row.origin };
  }

  concept(system: string, code: string): ConceptRow | undefined {
    return this.stmts.concept.get(system, code);
  }

  concepts(system: string): ConceptRow[] {
    return this.stmts.concepts.all(system);
  }

  children(system: string, code: string): string[] {
    return this.stmts.children.all(system, code).map((r) => r.child);
  }

  parents(system: string, code: string): string[] {
    return this.stmts.parents.all(system, code).map((r) => r.parent);
  }

  /** Every code strictly below (`down`) or above (`up`) `code` in the system's hierarchy, each once. */
  closure(system: string, code: string, direction: 'up' | 'down'): Set<string> {
    const next = (c: string) => (direction === 'down' ? this.children(system, c) : this.parents(system, c));
    const out = new Set<string>();
    const todo = next(code);
    while (todo.length) {
      const c = todo.pop()!;
      if (!out.has(c)) { out.add(c); todo.push(...next(c)); }
    }
    return out;
  }

  withProperty(system: string, property: string, value: string): string[] {
    return this.stmts.withProperty.all(system, property, value).map((r) => r.code);
  }

  /** Designations of a concept: the code system's own, and those of the supplements in `supplements`. */
  designations(system: string, code: string, supplements: ReadonlySet<string>): DesignationRow[] {
    return this.stmts.designations.all(system, code).filter((d) => d.source === system || supplements.has(d.source));
  }

  /** Designations of every concept of a system at once (an expansion of a whole system needs them all). */
  designationsByCode(system: string, supplements: ReadonlySet<string>): Map<string, DesignationRow[]> {
    const out = new Map<string, DesignationRow[]>();
    for (const { code, ...d } of this.stmts.systemDesignations.all(system)) {
      if (d.source !== system && !supplements.has(d.source)) continue;
      if (!out.has(code)) out.set(code, []);
      out.get(code)!.push(d);
    }
    return out;
  }

  /** The supplements of a system: the sources' (loaded now) and any written through the REST API. */
  supplementsOf(system: string): SystemRow[] {
    for (const url of this.sources.supplementsOf(system)) this.system(url);
    return this.stmts.supplementsOf.all(system);
  }
}
