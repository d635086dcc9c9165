// The reference server's search engine: index at write time (FHIRPath, R5 model), search = SQL over idx_ tables.
//
// DESIGN RULE: this engine is independent of the harness's own search oracle in lib/search. Nothing here imports
// from lib/search, and nothing there should import from here: the two implementations check each other, so a shared
// helper would let a shared bug hide. Only types from lib/matrix/types.ts and server/faults.ts are shared.
//
// Files: values.ts (query value parsing), normalize.ts (string folding), dates.ts (date ranges), compare.ts (the R5
// prefix table), params.ts (compiled FHIRPath per param), extract.ts (per-type index values), store.ts (tables),
// matchers.ts (per-kind SQL), sort.ts (_sort).
//
// Choices:
// - Params are ANDed (each becomes `id IN (…)`), comma values ORed inside one param.
// - Unknown params, unsupported modifiers, params without a usable expression (special) are left out of `applied`;
//   with strict handling they are a 400 (not-supported) instead.
// - Chains (`subject:Patient.name=x`, `subject.name=x`) one level or more, and `_has:Type:ref:param=x` (reverse
//   chaining), are sub-searches of the other type turned into id sets (faults chain-ignored / has-ignored drop them).
// - `opts.unfiltered` ('Type:name', the playground's known gaps) and the fault `ignore-param=Type:name` make a param
//   silently ignored in BOTH modes, checked before the unknown-param rule: the playground is known to answer such
//   searches unfiltered (200), not with a 400, and this is what the harness must observe and attribute to the gap.
// - `_include`/`_revinclude` (and `:iterate`) are result params, not filters: ignored here, never a 400, not applied.
// - An empty value (`name=`) is ignored, as the spec asks.
// - `:not` with several values (`code:not=a,b`) matches resources having none of them (including no value at all).
// - Common params `_id`, `_lastUpdated`, `_tag`, `_security`, `_profile` exist on every type even if the matrix
//   omits them (R5 defines them for all resources).
// - Ordered values follow the R5 prefix table literally (compare.ts): gt = "the range above the search value
//   intersects the target", so gt2020 does not match 2020-06, and gt100 does not match 100.4.
// - ap: dates ±max(10% of |now − value|, 1 day); numbers/quantities ±10% of the value, around the precision range.
// - Times without a zone, and plain dates, are UTC (dates.ts). Timing = each event + repeat.boundsPeriod (extract.ts).
// - Strings: NFD accent strip + lower-case, Cyrillic too, ў/й kept, Uzbek apostrophes ʻ ʼ ' ` ‘ ’ folded to one
//   form but not dropped: "ozbekiston" does not match "Oʻzbekiston" (normalize.ts).
// - Quantity: no unit conversion (UCUM canonical forms are not computed); SampledData is not indexed.
// - uri :above/:below are plain string-prefix tests.

import type Database from 'better-sqlite3';
import type { Resource } from 'fhir/r5.js';
import type { Matrix } from '../../lib/matrix/types.ts';
import type { FaultSet } from '../faults.ts';
import type { Cond } from './compare.ts';
import { parseDateRange } from './dates.ts';
import { badValue, searchError } from './errors.ts';
import { extract, modifierRows } from './extract.ts';
import { valueCondition, type MatchCtx } from './matchers.ts';
import { ParamRegistry, type ParamDef, type ValueKind } from './params.ts';
import { type SortKey, sortable, sortIds } from './sort.ts';
import { IndexStore, TABLE_OF } from './store.ts';
import { splitEscaped, unescapeValue } from './values.ts';

export { SearchError } from './errors.ts';

export interface SearchEngineOptions {
  /** 'Type:name' params to silently ignore (the playground profile's known gaps). */
  unfiltered: ReadonlySet<string>;
  faults: FaultSet;
  /** The `system|code`s of a ValueSet for :in/:not-in; undefined when the server does not know it. */
  valueSet?: (url: string) => { system: string; code: string }[] | undefined;
  /** `code` and every code below (or above) it in `system`; undefined when the server does not hold it. */
  hierarchy?: (system: string, code: string, direction: 'below' | 'above') => string[] | undefined;
}

export interface SearchEngine {
  /** Called inside the server's write transaction whenever the current version of a resource changes; resource null = deleted. */
  index(type: string, id: string, resource: Resource | null): void;
  /**
   * params: decoded [name, value] pairs (name may carry a modifier), without the paging/shaping controls. Throws
   * SearchError on a bad value (400) or, when strict, an unknown param (400). Returns ALL matching ids sorted and the
   * params actually applied.
   */
  search(type: string, params: [string, string][], opts: { strict: boolean }): { ids: string[]; applied: [string, string][] };
  /** Expressions that did not compile (`Type:name: message`): such params behave as unknown. */
  readonly compileFailures: readonly string[];
  /** Evaluation errors met while indexing (`Type/id param: message`), newest last, at most 100 kept. */
  readonly indexProblems: readonly string[];
  /** `Type/id`s the given resources of `type` refer to through reference param `param` (optionally only to `targetType`). */
  referencesOf(type: string, param: string, ids: readonly string[], targetType?: string): { type: string; id: string }[];
  /** Ids of the resources of `sourceType` that refer to one of `ids` of `targetType` through `param`. */
  referrersOf(sourceType: string, param: string, targetType: string, ids: readonly string[]): string[];
  /** Whether `param` is a usable reference param of `type` (what _include and _revinclude may name). */
  isReferenceParam(type: string, param: string): boolean;
}

const RESULT_PARAMS = new Set(['_include', '_revinclude', '_contained', '_containedType']);
const MODIFIERS: Record<string, ReadonlySet<string>> = {
  token: new Set(['not', 'text', 'of-type', 'in', 'not-in', 'below', 'above']),
  string: new Set(['exact', 'contains']),
  uri: new Set(['below', 'above']),
  reference: new Set(['identifier', 'text']),
  date: new Set(),
  number: new Set(),
  quantity: new Set(),
  composite: new Set(),
};

function modifierAllowed(def: ParamDef, modifier: string | undefined): boolean {
  if (modifier === undefined || modifier === 'missing') return true;
  if (def.kind === 'reference' && /^[A-Z][A-Za-z]+$/.test(modifier)) return !def.targets?.length || def.targets.includes(modifier);
  return MODIFIERS[def.kind]?.has(modifier) ?? false;
}

export function createSearchEngine(db: Database.Database, matrix: Matrix, opts: SearchEngineOptions): SearchEngine {
  const registry = new ParamRegistry(matrix);
  const store = new IndexStore(db);
  const indexProblems: string[] = [];
  const ignoreParam = opts.faults.get('ignore-param');

  function problem(msg: string) {
    indexProblems.push(msg);
    if (indexProblems.length > 100) indexProblems.shift();
  }

  function evaluate(def: { evaluate: ((n: unknown) => unknown[]) | null }, node: unknown, where: string): unknown[] {
    try {
      return def.evaluate ? def.evaluate(node) : [];
    } catch (e) {
      problem(`${where}: ${(e as Error).message}`);
      return [];
    }
  }

  function index(type: string, id: string, resource: Resource | null): void {
    store.remove(type, id);
    if (!resource) return;
    const lu = resource.meta?.lastUpdated ? parseDateRange(resource.meta.lastUpdated) : null;
    store.addResource(type, id, lu ? lu.low : null);
    for (const def of registry.params(type)) {
      if (!registry.usable(def)) continue;
      const where = `${type}/${id} ${def.name}`;
      const nodes = evaluate(def, resource, where);
      if (def.kind === 'composite') {
        // A composite value exists (for :missing) when one node has a value for every component.
        let present = false;
        nodes.forEach((node, i) => {
          let all = true;
          def.components!.forEach((c, k) => {
            const rows = extract(c.kind as ValueKind, evaluate(c, node, `${where}$${c.param}`));
            if (rows.rows.length) store.addRows(type, id, `${def.name}$${k}`, i, rows);
            else all = false;
          });
          present ||= all;
        });
        if (present) store.addPresent(type, id, def.name);
        continue;
      }
      const rows = extract(def.kind as ValueKind, nodes);
      if (rows.rows.length) {
        store.addRows(type, id, def.name, 0, rows);
        store.addPresent(type, id, def.name);
      }
      const extra = modifierRows(def.kind as ValueKind, nodes);
      if (extra.ofType.length) store.addRows(type, id, `${def.name}#of-type`, 0, { kind: 'token', rows: extra.ofType });
      if (extra.display.length) store.addRows(type, id, `${def.name}#display`, 0, { kind: 'string', rows: extra.display });
    }
  }

  /** `SELECT id[, node] FROM <table> WHERE type AND param AND (c1 OR c2 …)` for one kind. */
  function valueSelect(type: string, param: string, kind: ValueKind, conds: Cond[], withNode: boolean): Cond {
    const where = conds.map((c) => `(${c.sql})`).join(' OR ');
    return {
      sql: `SELECT id${withNode ? ', node' : ''} FROM ${TABLE_OF[kind]} WHERE type = ? AND param = ? AND (${where})`,
      args: [type, param, ...conds.flatMap((c) => c.args)],
    };
  }

  /** One param's resource-level condition on `r.id`. */
  function clause(type: string, def: ParamDef, rawName: string, modifier: string | undefined, value: string): Cond {
    const ctx: MatchCtx = { faults: opts.faults, now: Date.now(), param: rawName };
    // ":missing — true: resources that do not have a value for the element; false: resources that do" (any type)
    if (modifier === 'missing') {
      if (value !== 'true' && value !== 'false') throw badValue(rawName, value, 'expected true or false');
      const sub = 'SELECT id FROM idx_present WHERE type = ? AND param = ?';
      // Fault missing-inverted: :missing=true returns the resources that have a value, and :missing=false those without.
      const absent = (value === 'true') !== opts.faults.has('missing-inverted');
      return { sql: `r.id ${absent ? 'NOT IN' : 'IN'} (${sub})`, args: [type, def.name] };
    }
    const values = splitEscaped(value, ',');
    if (def.kind === 'composite') {
      // "composite: ... the search parameter value is a sequence of values separated by $, each matched against the
      //  corresponding component on the same element selected by the composite's expression"
      const comps = def.components!;
      const parts = values.map((v) => {
        const pieces = splitEscaped(v, '$');
        if (pieces.length !== comps.length) throw badValue(rawName, v, `expected ${comps.length} components separated by $`);
        const selects = pieces.map((p, k) =>
          valueSelect(type, `${def.name}$${k}`, comps[k].kind as ValueKind, [valueCondition(comps[k].kind as ValueKind, undefined, p, ctx)], true));
        return { sql: `SELECT id FROM (${selects.map((s) => s.sql).join(' INTERSECT ')})`, args: selects.flatMap((s) => s.args) };
      });
      return { sql: `r.id IN (${parts.map((p) => p.sql).join(' UNION ')})`, args: parts.flatMap((p) => p.args) };
    }
    // ":of-type — system|code|value, where the system and code refer to an Identifier.type.coding" and ":text" on a
    // reference (Reference.display) search the rows indexed beside the param's own (modifierRows).
    if (modifier === 'of-type' || (modifier === 'text' && def.kind === 'reference')) {
      const ofType = modifier === 'of-type';
      const conds = values.map((v) => {
        if (!ofType) return valueCondition('string', undefined, v, ctx);
        const parts = splitEscaped(v, '|').map(unescapeValue);
        if (parts.length !== 3 || parts.some((x) => !x)) throw badValue(rawName, v, 'expected system|code|value');
        return { sql: '(system = ? AND code = ?)', args: [parts[0], `${parts[1]}|${parts[2]}`] };
      });
      const sel = valueSelect(type, `${def.name}#${ofType ? 'of-type' : 'display'}`, ofType ? 'token' : 'string', conds, false);
      return { sql: `r.id IN (${sel.sql})`, args: sel.args };
    }
    // ":in — the search parameter is a URI … that identifies a value set, and the search parameter tests whether the
    // coding is in the specified value set"; ":not-in — … is not in" (a resource without any coding in it, as :not).
    if (modifier === 'in' || modifier === 'not-in') {
      const conds = values.map((v) => {
        const url = unescapeValue(v);
        const codes = opts.valueSet?.(url);
        if (!codes) throw searchError(400, 'not-found', `ValueSet ${url} is not known to this server (${rawName})`);
        // A code read without a system (a plain `code` element) is in the ValueSet when one of its members has that code.
        return { sql: '(code IN (SELECT json_extract(value, \'$.code\') FROM json_each(?) WHERE system IS NULL OR json_extract(value, \'$.system\') = system))', args: [JSON.stringify(codes)] };
      });
      const sel = valueSelect(type, def.name, 'token', conds, false);
      return { sql: `r.id ${modifier === 'in' ? 'IN' : 'NOT IN'} (${sel.sql})`, args: sel.args };
    }
    // ":below — the value in a resource is subsumed by the specified value (is-a, or hierarchical relationships)";
    // ":above — the value in a resource subsumes the specified value".
    if (def.kind === 'token' && (modifier === 'below' || modifier === 'above')) {
      const conds = values.map((v) => {
        const [system, code, ...rest] = splitEscaped(v, '|').map(unescapeValue);
        if (!system || !code || rest.length) throw badValue(rawName, v, 'expected system|code');
        const codes = opts.hierarchy?.(system, code, modifier);
        if (!codes) throw searchError(400, 'not-found', `${system}|${code} is not a code this server holds in a hierarchy (${rawName})`);
        return { sql: '((system = ? OR system IS NULL) AND code IN (SELECT value FROM json_each(?)))', args: [system, JSON.stringify(codes)] };
      });
      const sel = valueSelect(type, def.name, 'token', conds, false);
      return { sql: `r.id IN (${sel.sql})`, args: sel.args };
    }
    const kind = def.kind as ValueKind;
    const sel = valueSelect(type, def.name, kind, values.map((v) => valueCondition(kind, modifier, v, ctx)), false);
    // ":not — ... the search returns all resources that do not have a matching value, including resources that have
    //  no value for the element at all"
    if (modifier === 'not') return { sql: `r.id NOT IN (${sel.sql})`, args: sel.args };
    return { sql: `r.id IN (${sel.sql})`, args: sel.args };
  }

  // R5 search.html (chaining): "reference parameters may be 'chained' by appending them with a period (.) followed by
  // the name of a search parameter defined for the target resource"; the target type may be named with a modifier
  // (`subject:Patient.name`), else every target type of the reference param that has the chained param is searched.
  function chainClause(type: string, rawName: string, dot: number, value: string, strict: boolean, depth: number): Cond | null | 'unknown' {
    const [name, typeModifier] = rawName.slice(0, dot).split(':') as [string, string | undefined];
    const def = registry.get(type, name);
    const rest = rawName.slice(dot + 1);
    if (!def || def.kind !== 'reference' || !registry.usable(def) || depth > 3 || !rest) return 'unknown';
    const candidates = typeModifier ? [typeModifier] : (def.targets ?? registry.types());
    const parts: Cond[] = [];
    for (const target of candidates) {
      if (!registry.get(target, rest.split(/[.:]/)[0]!)) continue;
      const ids = search(target, [[rest, value]], { strict }, depth + 1).ids;
      parts.push({ sql: `SELECT id FROM idx_ref WHERE type = ? AND param = ? AND rtype = ? AND rid IN (SELECT value FROM json_each(?))`, args: [type, def.name, target, JSON.stringify(ids)] });
    }
    if (!parts.length) return 'unknown';
    return { sql: `r.id IN (${parts.map((p) => p.sql).join(' UNION ')})`, args: parts.flatMap((p) => p.args) };
  }

  // R5 search.html (_has): "The _has parameter provides limited support for reverse chaining - that is, selecting
  // resources based on the properties of resources that refer to them": `Patient?_has:Observation:patient:code=1234`.
  function hasClause(type: string, rawName: string, value: string, strict: boolean, depth: number): Cond | null | 'unknown' {
    const [, source, ref, ...rest] = rawName.split(':');
    const inner = rest.join(':');
    const def = source && ref ? registry.get(source, ref) : undefined;
    if (!def || def.kind !== 'reference' || !registry.usable(def) || !inner || depth > 3) return 'unknown';
    const sources = search(source!, [[inner, value]], { strict }, depth + 1).ids;
    return {
      sql: 'r.id IN (SELECT rid FROM idx_ref WHERE type = ? AND param = ? AND rtype = ? AND id IN (SELECT value FROM json_each(?)))',
      args: [source!, def.name, type, JSON.stringify(sources)],
    };
  }

  function search(type: string, params: [string, string][], { strict }: { strict: boolean }, depth = 0) {
    const clauses: Cond[] = [];
    const applied: [string, string][] = [];
    const sortKeys: SortKey[] = [];
    let sortValue: string | null = null;
    const unknown = (what: string) => {
      if (strict) throw searchError(400, 'not-supported', what);
    };

    for (const [rawName, value] of params) {
      const colon = rawName.indexOf(':');
      const name = colon < 0 ? rawName : rawName.slice(0, colon);
      const modifier = colon < 0 ? undefined : rawName.slice(colon + 1);
      if (RESULT_PARAMS.has(name)) continue;
      // A chain's own param name is what comes before the first '.' (and its :Type modifier).
      const dot = rawName.indexOf('.');
      const base = dot < 0 ? name : rawName.slice(0, dot).split(':')[0]!;
      if (opts.unfiltered.has(`${type}:${base}`) || ignoreParam === `${type}:${base}`) continue;
      if (name === '_has') {
        const cond = hasClause(type, rawName, value, strict, depth);
        if (cond === 'unknown') unknown(`Unsupported reverse chain "${rawName}" for resource type ${type}`);
        else if (cond && !opts.faults.has('has-ignored')) { clauses.push(cond); applied.push([rawName, value]); }
        continue;
      }
      if (dot >= 0) {
        const cond = chainClause(type, rawName, dot, value, strict, depth);
        if (cond === 'unknown') unknown(`Unsupported chained parameter "${rawName}" for resource type ${type}`);
        else if (cond && !opts.faults.has('chain-ignored')) { clauses.push(cond); applied.push([rawName, value]); }
        continue;
      }
      if (rawName === '_sort') {
        const keys: string[] = [];
        for (const k of value.split(',').map((s) => s.trim()).filter(Boolean)) {
          const desc = k.startsWith('-');
          const key = desc ? k.slice(1) : k;
          const def = registry.get(type, key) ?? null;
          if (key !== '_id' && key !== '_lastUpdated' && !(def && registry.usable(def) && sortable(def))) {
            unknown(`Unknown or unsortable _sort parameter "${key}" for resource type ${type}`);
            continue;
          }
          sortKeys.push({ name: key, desc, def });
          keys.push(k);
        }
        if (keys.length) sortValue = keys.join(',');
        continue;
      }
      const def = registry.get(type, name);
      if (!def || !registry.usable(def)) {
        unknown(`Unknown or unsupported search parameter "${rawName}" for resource type ${type}`);
        continue;
      }
      // Fault modifiers-ignored: :text, :identifier and :of-type are silently dropped (left out of `applied`).
      if (opts.faults.has('modifiers-ignored') && (modifier === 'text' || modifier === 'identifier' || modifier === 'of-type')) continue;
      // Fault in-ignored: :in, :not-in, :below and :above (on tokens) are silently dropped.
      if (opts.faults.has('in-ignored') && def?.kind === 'token' && (modifier === 'in' || modifier === 'not-in' || modifier === 'below' || modifier === 'above')) continue;
      if (!modifierAllowed(def, modifier)) {
        unknown(`Search parameter "${rawName}": modifier ":${modifier}" is not supported for ${def.kind} parameter "${name}" of ${type}`);
        continue;
      }
      if (value === '') continue;
      clauses.push(clause(type, def, rawName, modifier, value));
      applied.push([rawName, value]);
    }
    if (sortValue !== null) applied.push(['_sort', sortValue]);

    const sql = ['SELECT r.id FROM idx_resource r WHERE r.type = ?', ...clauses.map((c) => c.sql)].join(' AND ');
    const found = (db.prepare(sql).pluck().all(type, ...clauses.flatMap((c) => c.args)) as string[]);
    return { ids: sortIds(db, type, found, sortKeys), applied };
  }

  const asList = (ids: readonly string[]) => JSON.stringify(ids);
  function referencesOf(type: string, param: string, ids: readonly string[], targetType?: string) {
    const rows = db.prepare(`SELECT DISTINCT rtype, rid FROM idx_ref WHERE type = ? AND param = ? AND rtype IS NOT NULL AND rid IS NOT NULL
      AND id IN (SELECT value FROM json_each(?))${targetType ? ' AND rtype = ?' : ''}`).all(type, param, asList(ids), ...(targetType ? [targetType] : [])) as { rtype: string; rid: string }[];
    return rows.map((r) => ({ type: r.rtype, id: r.rid }));
  }
  function referrersOf(sourceType: string, param: string, targetType: string, ids: readonly string[]) {
    return db.prepare('SELECT DISTINCT id FROM idx_ref WHERE type = ? AND param = ? AND rtype = ? AND rid IN (SELECT value FROM json_each(?))')
      .pluck().all(sourceType, param, targetType, asList(ids)) as string[];
  }
  function isReferenceParam(type: string, param: string) {
    const def = registry.get(type, param);
    return !!def && def.kind === 'reference' && registry.usable(def);
  }

  return { index, search: (type, params, o) => search(type, params, o), compileFailures: registry.compileFailures(), indexProblems, referencesOf, referrersOf, isReferenceParam };
}

