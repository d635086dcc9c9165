// The terminology operations the platform's CapabilityStatement declares: CodeSystem $validate-code, $lookup and
// $subsumes, ValueSet $expand and $validate-code, ConceptMap $translate, answered from SQLite tables that hold the IG's
// terminology, HL7's CodeSystems and fragments of the external systems the IG uses (server/terminology/). Where the
// profile's expected gaps say UZ Core terminology is not loaded, this server answers as if it had never heard of it.
import type { OperationOutcome, Parameters, ParametersParameter } from 'fhir/r5.js';
import type { ServerContext } from './context.ts';
import type { FhirRequest, FhirResponse } from './http.ts';
import { badRequest, fail, notFound, notSupported } from './outcomes.ts';
import { TerminologyDb, type SystemRow } from './terminology/db.ts';
import { declaredSupplements, displayIn, type Entry, matchesFilter, ValueSetExpander } from './terminology/expand.ts';
import { type Coding, OperationInputs } from './terminology/inputs.ts';
import { TerminologySources, type Json } from './terminology/sources.ts';

/** Canonical bases of UZ Core content: what the playground has not loaded yet. */
const UZ_CORE_BASES = ['https://terminology.dhp.uz/', 'https://dhp.uz/fhir/core/'];

/** The capability operation name of each FHIR operation (ids `terminology:uz-core:<op>:<canonical>`). */
type Op = 'validate-code' | 'lookup' | 'subsumes' | 'expand' | 'validate-code-vs' | 'translate' | 'designation';

interface Service { db: TerminologyDb; expander: ValueSetExpander }
const services = new WeakMap<object, Service>();
/** The files are read once per process; each server's database gets its own copy of the rows it needs. */
let sources: TerminologySources | undefined;

function service(ctx: ServerContext): Service {
  let s = services.get(ctx.store);
  if (!s) {
    const db = new TerminologyDb(ctx.store.db, (sources ??= new TerminologySources()));
    const expander = new ValueSetExpander(db, (url) => resource(ctx, db, 'ValueSet', url, 'expand'));
    s = { db, expander };
    services.set(ctx.store, s);
  }
  return s;
}

const canonical = (url: string) => url.split('|')[0]!;

/** False where the profile's gaps say this UZ Core canonical is not loaded (the server then does not know it). */
function loaded(ctx: ServerContext, op: Op, url: string): boolean {
  return !UZ_CORE_BASES.some((b) => url.startsWith(b)) || !ctx.caps.hasGap(`terminology:uz-core:${op}:${url}`, 'not-loaded');
}

/**
 * A ValueSet or ConceptMap by canonical: the loaded ones, else one written through the REST API (reloaded when it
 * changes there), unless the profile has not loaded it.
 */
function resource(ctx: ServerContext, db: TerminologyDb, type: 'ValueSet' | 'ConceptMap', url: string, op: Op): Json | undefined {
  if (!loaded(ctx, op, url)) return undefined;
  const row = db.resource(type, url);
  if (row && row.origin === 'ig') return row.json;
  const stored = ctx.store.findByUrl(type, url) as Json | undefined;
  if (!stored) return undefined;
  const origin = `rest:${stored.id}/${stored.meta?.versionId ?? ''}`;
  if (row?.origin !== origin) {
    db.putResource(type, stored, origin);
    services.get(ctx.store)?.expander.invalidate();
  }
  return stored;
}

function codeSystem(ctx: ServerContext, db: TerminologyDb, url: string, op: Op): SystemRow {
  const found = loaded(ctx, op, url) ? db.system(url) : undefined;
  if (found && found.origin === 'ig') return found;
  const stored = loaded(ctx, op, url) ? (ctx.store.findByUrl('CodeSystem', url) as Json | undefined) : undefined;
  if (stored) {
    const origin = `rest:${stored.id}/${stored.meta?.versionId ?? ''}`;
    if (found?.origin !== origin) {
      db.putCodeSystem(stored, origin);
      services.get(ctx.store)?.expander.invalidate();
    }
    return db.system(url)!;
  }
  throw notFound(`CodeSystem ${url}`);
}

/** The supplements asked for by useSupplement: each must be known, loaded and supplement `system` (when given). */
function requestedSupplements(ctx: ServerContext, db: TerminologyDb, urls: string[], system?: string): string[] {
  return urls.map(canonical).map((url) => {
    const sup = loaded(ctx, 'designation', url) ? db.system(url) : undefined;
    if (!sup || sup.content !== 'supplement') throw notFound(`CodeSystem supplement ${url}`);
    if (system && sup.supplements !== system) throw badRequest('invalid', `${url} supplements ${sup.supplements}, not ${system}`);
    return url;
  });
}

/**
 * Supplements in force: those asked for; with none asked for, a displayLanguage brings in every loaded supplement of
 * the system (R5 $lookup: "not automatically included except where they provide additional designations").
 */
function supplementsInForce(ctx: ServerContext, db: TerminologyDb, requested: string[], system: string | undefined, language: string | undefined): Set<string> {
  if (ctx.faults.has('supplements-ignored')) return new Set();
  const extra = language && system && !requested.length ? db.supplementsOf(system).filter((s) => loaded(ctx, 'designation', s.url)).map((s) => s.url) : [];
  return new Set([...requested, ...extra]);
}

const param = (name: string, value: Partial<ParametersParameter>): ParametersParameter => ({ name, ...value });

function issues(code: 'code-invalid' | 'not-found' | 'invalid', text: string): ParametersParameter {
  const outcome: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] };
  return { name: 'issues', resource: outcome };
}

function codingOf(p: OperationInputs, codeName: string, systemName: string, codingName: string): Coding {
  const c = p.coding(codingName);
  return { system: c?.system ?? p.get(systemName), code: c?.code ?? p.get(codeName), display: c?.display ?? p.get('display') };
}

function entryOf(db: TerminologyDb, system: string, code: string, supplements: ReadonlySet<string>): Entry | undefined {
  const c = db.concept(system, code);
  return c && { system, code, ...(c.display ? { display: c.display } : {}), designations: db.designations(system, code, supplements) };
}

function validationResult(entry: Entry | undefined, code: string, system: string | undefined, language: string | undefined, notFoundMessage: string, given?: string): Parameters {
  if (!entry) {
    return { resourceType: 'Parameters', parameter: [
      param('result', { valueBoolean: false }), param('code', { valueCode: code }), ...(system ? [param('system', { valueUri: system })] : []),
      param('message', { valueString: notFoundMessage }), issues('code-invalid', notFoundMessage),
    ] };
  }
  const display = displayIn(entry, language);
  const displays = [entry.display, ...entry.designations.map((d) => d.value)].filter(Boolean);
  const wrongDisplay = given !== undefined && !displays.includes(given);
  const message = `Wrong display "${given}" for ${entry.system}|${code}: expected "${entry.display ?? display}"`;
  return { resourceType: 'Parameters', parameter: [
    param('result', { valueBoolean: !wrongDisplay }), param('code', { valueCode: code }), param('system', { valueUri: entry.system }),
    ...(display ? [param('display', { valueString: display })] : []),
    ...(wrongDisplay ? [param('message', { valueString: message }), issues('invalid', message)] : []),
  ] };
}

function validateCodeSystem(ctx: ServerContext, s: Service, p: OperationInputs): Parameters {
  const c = codingOf(p, 'code', 'system', 'coding');
  const url = p.get('url') ?? c.system;
  if (!url || !c.code) throw badRequest('required', 'CodeSystem/$validate-code needs url (or a coding with a system) and code');
  const sys = codeSystem(ctx, s.db, canonical(url), 'validate-code');
  if (sys.content === 'supplement') throw badRequest('invalid', `${url} is a supplement, not a code system`);
  const language = p.get('displayLanguage');
  const entry = entryOf(s.db, sys.url, c.code, supplementsInForce(ctx, s.db, [], sys.url, language));
  if (ctx.faults.has('validate-code-always-true')) return validationResult(entry ?? { system: sys.url, code: c.code, designations: [] }, c.code, sys.url, language, '');
  const unknown = `Unknown code "${c.code}" in the CodeSystem ${sys.url}${sys.content === 'fragment' ? ' (as far as the fragment this server holds goes)' : ''}`;
  return validationResult(entry, c.code, sys.url, language, unknown, c.display);
}

function lookup(ctx: ServerContext, s: Service, p: OperationInputs): Parameters {
  const c = codingOf(p, 'code', 'system', 'coding');
  if (!c.system || !c.code) throw badRequest('required', 'CodeSystem/$lookup needs system and code (or a coding)');
  const sys = codeSystem(ctx, s.db, canonical(c.system), 'lookup');
  const requested = requestedSupplements(ctx, s.db, p.all('useSupplement'), sys.url);
  const language = p.get('displayLanguage');
  const entry = entryOf(s.db, sys.url, c.code, supplementsInForce(ctx, s.db, requested, sys.url, language));
  if (!entry) throw notFound(`Code "${c.code}" in the CodeSystem ${sys.url}`);
  return { resourceType: 'Parameters', parameter: [
    param('name', { valueString: sys.name ?? sys.url }),
    param('display', { valueString: displayIn(entry, language) ?? c.code }),
    ...entry.designations.map((d) => ({ name: 'designation', part: [
      ...(d.language ? [param('language', { valueCode: d.language })] : []), param('value', { valueString: d.value }),
    ] })),
    ...s.db.parents(sys.url, c.code).map((v) => ({ name: 'property', part: [param('code', { valueCode: 'parent' }), param('value', { valueCode: v })] })),
    ...s.db.children(sys.url, c.code).map((v) => ({ name: 'property', part: [param('code', { valueCode: 'child' }), param('value', { valueCode: v })] })),
  ] };
}

function subsumes(ctx: ServerContext, s: Service, p: OperationInputs): Parameters {
  const a = codingOf(p, 'codeA', 'system', 'codingA');
  const b = codingOf(p, 'codeB', 'system', 'codingB');
  const url = p.get('system') ?? a.system;
  if (!url || !a.code || !b.code) throw badRequest('required', 'CodeSystem/$subsumes needs system, codeA and codeB (or codingA and codingB)');
  const sys = codeSystem(ctx, s.db, canonical(url), 'subsumes');
  for (const code of [a.code, b.code]) if (!s.db.concept(sys.url, code)) throw badRequest('code-invalid', `Unknown code "${code}" in the CodeSystem ${sys.url}`);
  if (sys.content === 'fragment' && a.code !== b.code) throw fail(422, 'not-supported', `This server holds only a fragment of ${sys.url}, without its hierarchy`);
  const above = (code: string) => s.db.closure(sys.url, code, 'up');
  const outcome = a.code === b.code ? 'equivalent' : above(b.code).has(a.code) ? 'subsumes' : above(a.code).has(b.code) ? 'subsumed-by' : 'not-subsumed';
  return { resourceType: 'Parameters', parameter: [param('outcome', { valueCode: outcome })] };
}

function valueSetAndSupplements(ctx: ServerContext, s: Service, p: OperationInputs, op: Op): { vs: Json; supplements: Set<string> } {
  const url = p.get('url');
  if (!url) throw badRequest('required', `ValueSet/$${op === 'expand' ? 'expand' : 'validate-code'} needs url`);
  const vs = resource(ctx, s.db, 'ValueSet', canonical(url), op);
  if (!vs) throw notFound(`ValueSet ${url}`);
  const requested = requestedSupplements(ctx, s.db, [...declaredSupplements(vs), ...p.all('useSupplement')]);
  return { vs, supplements: supplementsInForce(ctx, s.db, requested, undefined, undefined) };
}

function expand(ctx: ServerContext, s: Service, p: OperationInputs): FhirResponse {
  const { vs, supplements } = valueSetAndSupplements(ctx, s, p, 'expand');
  const filter = p.get('filter');
  const language = p.get('displayLanguage');
  let entries = s.expander.expand(vs, supplements);
  if (filter && !ctx.faults.has('expand-ignores-filter')) entries = entries.filter((e) => matchesFilter(e, filter));
  const offset = p.integer('offset') ?? 0;
  const count = p.integer('count');
  const page = entries.slice(offset, count === undefined ? undefined : offset + count);
  const used = (['filter', 'offset', 'count', 'displayLanguage'] as const).filter((n) => p.get(n) !== undefined)
    .map((n) => (n === 'offset' || n === 'count' ? param(n, { valueInteger: Number(p.get(n)) }) : param(n, { valueString: p.get(n) })));
  return { status: 200, body: {
    resourceType: 'ValueSet', url: vs.url, ...(vs.name ? { name: vs.name } : {}), status: vs.status ?? 'active',
    expansion: {
      timestamp: new Date().toISOString(), total: entries.length, offset,
      ...(used.length ? { parameter: used } : {}),
      contains: page.map((e) => {
        const display = displayIn(e, language);
        return {
          system: e.system, code: e.code, ...(display ? { display } : {}),
          ...(p.boolean('includeDesignations') && e.designations.length ? { designation: e.designations.map((d) => ({ ...(d.language ? { language: d.language } : {}), value: d.value })) } : {}),
        };
      }),
    },
  } as FhirResponse['body'] };
}

function validateValueSet(ctx: ServerContext, s: Service, p: OperationInputs): Parameters {
  const { vs, supplements } = valueSetAndSupplements(ctx, s, p, 'validate-code-vs');
  const c = codingOf(p, 'code', 'system', 'coding');
  if (!c.code) throw badRequest('required', 'ValueSet/$validate-code needs code (with system) or coding');
  const entry = s.expander.expand(vs, supplements).find((e) => e.code === c.code && (!c.system || e.system === c.system));
  const language = p.get('displayLanguage');
  if (ctx.faults.has('validate-code-always-true')) return validationResult(entry ?? { system: c.system ?? '', code: c.code, designations: [] }, c.code, c.system, language, '');
  return validationResult(entry, c.code, c.system, language, `${c.system ? `${c.system}|` : ''}${c.code} is not in the ValueSet ${vs.url}`, c.display);
}

function translate(ctx: ServerContext, s: Service, p: OperationInputs): Parameters {
  const url = p.get('url');
  if (!url) throw badRequest('required', 'ConceptMap/$translate needs url');
  const cm = resource(ctx, s.db, 'ConceptMap', canonical(url), 'translate');
  if (!cm) throw notFound(`ConceptMap ${url}`);
  const c = codingOf(p, 'sourceCode', 'system', 'sourceCoding');
  const code = c.code ?? p.get('code');
  if (!code) throw badRequest('required', 'ConceptMap/$translate needs sourceCode and system (or sourceCoding)');
  const targetSystem = p.get('targetSystem');
  const matches: ParametersParameter[] = [];
  for (const g of cm.group ?? []) {
    if (c.system && g.source !== c.system) continue;
    if (targetSystem && g.target !== targetSystem) continue;
    for (const e of g.element ?? []) {
      if (e.code !== code) continue;
      for (const t of e.target ?? []) {
        matches.push({ name: 'match', part: [
          param('relationship', { valueCode: t.relationship }),
          param('concept', { valueCoding: { system: g.target, code: t.code, ...(t.display ? { display: t.display } : {}) } }),
          param('originMap', { valueUri: cm.url }),
        ] });
      }
    }
  }
  const ok = matches.some((m) => m.part![0]!.valueCode !== 'not-related-to');
  return { resourceType: 'Parameters', parameter: [
    param('result', { valueBoolean: ok }),
    ...(ok ? [] : [param('message', { valueString: `No mapping for ${c.system ? `${c.system}|` : ''}${code} in the ConceptMap ${cm.url}` })]),
    ...matches,
  ] };
}

const HANDLERS: Record<string, Partial<Record<string, (ctx: ServerContext, s: Service, p: OperationInputs) => Parameters | FhirResponse>>> = {
  '$validate-code': { CodeSystem: validateCodeSystem, ValueSet: validateValueSet },
  '$lookup': { CodeSystem: lookup },
  '$subsumes': { CodeSystem: subsumes },
  '$expand': { ValueSet: expand },
  '$translate': { ConceptMap: translate },
};

export function terminologyOperation(ctx: ServerContext, type: string, name: string, req: FhirRequest): FhirResponse {
  const handler = HANDLERS[name]?.[type];
  if (!handler) throw notSupported(`Operation ${type}/${name} is not supported`);
  ctx.caps.require(type);
  const inputs = new OperationInputs(req);
  const out = handler(ctx, service(ctx), inputs);
  return 'status' in out ? out : { status: 200, body: out };
}

/**
 * The codes of a ValueSet for the search modifiers :in and :not-in (`system|code`), from the same expansion $expand
 * gives; undefined where this server does not know the ValueSet (or the profile has not loaded it).
 */
export function valueSetCodes(ctx: ServerContext, url: string): { system: string; code: string }[] | undefined {
  const s = service(ctx);
  const vs = resource(ctx, s.db, 'ValueSet', canonical(url), 'expand');
  return vs && s.expander.expand(vs, new Set()).map((e) => ({ system: e.system, code: e.code }));
}

/**
 * For the search modifiers :below/:above: `code` and every code below it (or above it) in `system`'s hierarchy;
 * undefined where this server does not hold the code (or the profile has not loaded the system).
 */
export function relatedCodes(ctx: ServerContext, system: string, code: string, direction: 'below' | 'above'): string[] | undefined {
  const { db } = service(ctx);
  if (!loaded(ctx, 'subsumes', system) || !db.system(system) || !db.concept(system, code)) return undefined;
  return [...new Set([code, ...db.closure(system, code, direction === 'below' ? 'down' : 'up')])];
}
