// Builds capabilities.json from the platform's own CapabilityStatement, the IG's CapabilityStatement,
// the official R5 SearchParameters (npm hl7.fhir.r5.core@5.0.0) and the API access page's availability
// table. Deterministic: the same inputs give byte-identical output, so the committed file is reviewable.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type {
  Capability, CompositeComponent, ExpectedGap, Matrix, ResourceCapability, SearchParam, SearchParamType, TargetConfig, Tier,
} from '../lib/matrix/types.ts';
import { readEnv } from '../lib/config/env.ts';
import { compareMatrixWithServer, DriftCheckError } from '../lib/matrix/drift.ts';
import { readSpecJson } from '../lib/spec/files.ts';
import { nonR5Elements } from '../lib/search/r5-elements.ts';
import { searchAcrossCapabilities } from './matrix/search-related.ts';
import { interactionCapabilities } from './matrix/interactions.ts';
import { igProvenance, profileCapabilities, profileIdsOf } from './matrix/profiles.ts';
import { type Family, terminologyCapabilities } from './matrix/terminology.ts';
import { parseServerDoc } from '../lib/search/expression-valid.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The builder's own inputs (not copied from anywhere): protocol capabilities and targets, validated by a schema. */
const INPUTS = join(ROOT, 'scripts', 'matrix');
const SERVER_CS = 'data/CapabilityStatement-DHP-server-2026-10-03.json';
const IG_CS = 'data/CapabilityStatement-DHP-ig-2025-12-04.json';
const FACTS = 'dhp-ig-capabilities.json';
export const MATRIX_VERSION = '2026.11.26';
const RESULT_PARAMS = new Set(['_include', '_include:iterate', '_revinclude', '_revinclude:iterate']);
const ORDERED_PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

interface CsSearchParam { name: string; type: string; documentation?: string; definition?: string }
interface CsResource {
  type: string; interaction?: { code: string }[]; searchParam?: CsSearchParam[]; supportedProfile?: string[];
  profile?: string; operation?: { name: string; definition: string }[]; conditionalCreate?: boolean;
}
interface R5SearchParameter {
  url: string; code: string; base: string[]; type: string; expression?: string; target?: string[];
  comparator?: string[]; modifier?: string[]; component?: { definition: string; expression: string }[];
}
interface FactsParam { name: string; type: string; expression: string | null; expressionSource?: string; notDeclaredByServer?: boolean }

const ptypeOf = (t: string) => t as SearchParamType;
let derivedExpressions: Record<string, { expression: string; note: string }> | undefined;
/** scripts/matrix/derived-expressions.json: expressions for params no source gives one, where the R5 element is unambiguous. */
const DERIVED = () => (derivedExpressions ??= readInput<{ expressions: Record<string, { expression: string; note: string }> }>('derived-expressions.json').expressions);
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const csResources = (path: string): CsResource[] =>
  (readSpecJson<{ rest: { resource: CsResource[] }[] }>(path).rest[0]?.resource ?? []);

let inputsValidator: ReturnType<Ajv['compile']> | undefined;
/** One of the builder's own data files, rejected with the JSON path of each error when it does not fit the schema. */
function readInput<T>(name: string): T {
  inputsValidator ??= new Ajv({ allErrors: true, strict: false }).compile(readJson(join(INPUTS, 'inputs.schema.json')));
  const data = readJson<T>(join(INPUTS, name));
  if (!inputsValidator(data)) {
    throw new Error(`scripts/matrix/${name} does not fit inputs.schema.json: ${(inputsValidator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
  }
  return data;
}

interface AvailabilityRow { id: string; params?: { resource: string; param: string }[]; resources?: string[] }
interface RowRule { row: string; each: 'resource' | 'profile' | 'param' | 'value' | 'row' | 'capability'; values?: string[]; match?: string; capability: string; kind?: ExpectedGap['kind']; reason?: string; note?: string }
type TargetInput = Omit<TargetConfig, 'gaps' | 'confirmed'> & { gaps?: ExpectedGap[]; gapRules?: RowRule[]; confirmedRules?: RowRule[] };

/** Expands a rule over its availability row: one binding of {resource}, {param}, {value}, {capability} per item. */
function expandRule(rule: RowRule, rows: AvailabilityRow[], ids: readonly string[]): Record<string, string>[] {
  const row = rows.find((r) => r.id === rule.row);
  if (!row) throw new Error(`scripts/matrix/targets.json: availability row ${rule.row} is not in the spec`);
  switch (rule.each) {
    case 'resource': return (row.resources ?? []).map((resource) => ({ resource }));
    case 'profile': return (row.resources ?? []).flatMap((resource) => profileIdsOf(resource).map((profile) => ({ resource, profile })));
    case 'param': return (row.params ?? []).map((p) => ({ resource: p.resource, param: p.param }));
    case 'value': return (rule.values ?? []).map((value) => ({ value }));
    case 'row': return [{}];
    // Every capability of the matrix whose id matches: rules over what the matrix derives (e.g. searches naming UZ Core ValueSets).
    case 'capability': return ids.filter((id) => new RegExp(rule.match ?? '^$').test(id)).map((capability) => ({ capability }));
  }
}

const fill = (template: string, vars: Record<string, string>) => template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);

function loadR5(): Map<string, R5SearchParameter> {
  const dir = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r5.core/package.json'));
  const byUrl = new Map<string, R5SearchParameter>();
  for (const f of readdirSync(dir).filter((n) => n.startsWith('SearchParameter-') && n.endsWith('.json')).sort()) {
    const sp = readJson<R5SearchParameter & { resourceType: string }>(join(dir, f));
    if (sp.resourceType === 'SearchParameter') byUrl.set(sp.url, sp);
  }
  return byUrl;
}

/** Splits a FHIRPath union at top level (outside parentheses and quotes). */
function splitUnion(expr: string): string[] {
  const parts: string[] = [];
  let depth = 0, quote = false, cur = '';
  for (const ch of expr) {
    if (ch === "'") quote = !quote;
    if (!quote && ch === '(') depth++;
    if (!quote && ch === ')') depth--;
    if (!quote && depth === 0 && ch === '|') { parts.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  parts.push(cur.trim());
  return parts.filter(Boolean);
}

/** The part of a shared R5 expression that applies to one base type (R5 joins many bases with `|`). */
function expressionFor(type: string, sp: R5SearchParameter): string | null {
  if (!sp.expression) return null;
  if (sp.base.length === 1) return sp.expression;
  const own = splitUnion(sp.expression).filter((p) => p.replace(/^\(+/, '').startsWith(`${type}.`) || p.replace(/^\(+/, '') === type);
  return own.length ? own.join(' | ') : null;
}

const r5Index = (r5: Map<string, R5SearchParameter>) => {
  const byTypeCode = new Map<string, R5SearchParameter>();
  for (const sp of r5.values()) for (const b of sp.base) byTypeCode.set(`${b}:${sp.code}`, sp);
  for (const sp of r5.values()) for (const b of ['Resource', 'DomainResource']) if (sp.base.includes(b)) byTypeCode.set(`*:${sp.code}`, sp);
  return (type: string, code: string) => byTypeCode.get(`${type}:${code}`) ?? byTypeCode.get(`*:${code}`);
};

function tierOf(declaredByServer: boolean, declaredByIg: boolean): Tier {
  return declaredByServer || declaredByIg ? 'SHALL' : 'SHOULD';
}

function build(): Matrix {
  const server = csResources(SERVER_CS);
  const ig = csResources(IG_CS);
  const facts = readSpecJson<{ resources: { type: string; searchParams: FactsParam[] }[]; availability: AvailabilityRow[]; availabilityAsOf: string }>(FACTS);
  const r5 = loadR5();
  const r5For = r5Index(r5);
  const types = [...new Set([...server.map((r) => r.type), ...ig.map((r) => r.type)])];
  // IG-declared params the platform does not register, plus rows of the availability table that no CS declares.
  const extraParams = new Map<string, { name: string; type: string; expression?: string | null; note?: string }[]>();
  const addExtra = (type: string, p: { name: string; type: string; expression?: string | null; note?: string }) => {
    const list = extraParams.get(type) ?? [];
    if (!list.some((x) => x.name === p.name)) list.push(p);
    extraParams.set(type, list);
  };
  for (const av of facts.availability) {
    for (const p of av.params ?? []) {
      const known = [...(server.find((r) => r.type === p.resource)?.searchParam ?? []), ...(ig.find((r) => r.type === p.resource)?.searchParam ?? [])];
      if (!known.some((k) => k.name === p.param)) {
        const base = r5For(p.resource, p.param);
        addExtra(p.resource, { name: p.param, type: base?.type ?? 'token', note: `listed in the API access page's availability table (${av.id}); declared by neither CapabilityStatement` });
      }
    }
  }

  const resources: ResourceCapability[] = types.map((type) => {
    const s = server.find((r) => r.type === type);
    const i = ig.find((r) => r.type === type);
    const factsParams = facts.resources.find((r) => r.type === type)?.searchParams ?? [];
    const names = new Map<string, { type: string; serverDoc?: string; server: boolean; ig: boolean; note?: string }>();
    for (const p of s?.searchParam ?? []) names.set(p.name, { type: p.type, serverDoc: p.documentation, server: true, ig: false });
    for (const p of i?.searchParam ?? []) {
      const prev = names.get(p.name);
      if (prev) prev.ig = true;
      // Where the platform lacks the type, the IG CS's lists are a known copy-paste of NamingSystem's
      // params (dhp-ig-facts.md §1c): keep only those that are R5 params of this type.
      else if (s || r5For(type, p.name)?.base.includes(type) || p.name.startsWith('_')) names.set(p.name, { type: p.type, server: false, ig: true });
    }
    if (!s) {
      for (const sp of r5.values()) {
        if (sp.base.includes(type) && !names.has(sp.code)) names.set(sp.code, { type: sp.type, server: false, ig: false, note: 'R5 base parameter of a type the platform does not register yet' });
      }
      for (const common of ['_id', '_lastUpdated', '_profile', '_security', '_tag']) {
        if (!names.has(common)) names.set(common, { type: r5For(type, common)?.type ?? 'token', server: false, ig: false, note: 'R5 common parameter' });
      }
    }
    for (const e of extraParams.get(type) ?? []) if (!names.has(e.name)) names.set(e.name, { type: e.type, server: false, ig: false, note: e.note });

    const resultParams: string[] = [];
    const searchParams: SearchParam[] = [];
    for (const [name, d] of [...names.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (RESULT_PARAMS.has(name)) { resultParams.push(name); continue; }
      const base = r5For(type, name);
      const parsed = parseServerDoc(d.serverDoc);
      const fact = factsParams.find((f) => f.name === name);
      let expression: string | null = parsed.expression;
      let source: SearchParam['expressionSource'] = expression ? 'server' : 'none';
      if (!expression && base) {
        expression = expressionFor(type, base)?.replace(/^Resource\./, 'Resource.') ?? null;
        if (expression) source = 'r5';
      }
      // An expression of the platform that names elements R5 lacks is a finding on its CapabilityStatement
      // (matrix:expression-valid:…); the R5 base expression is judged instead, where R5 defines the parameter.
      const invalid = expression && source === 'server' && ptypeOf(d.type) !== 'composite' ? nonR5Elements(expression, type) : [];
      let platformExpression: string | undefined;
      if (invalid.length) {
        platformExpression = expression!;
        expression = base ? expressionFor(type, base) : null;
        source = expression ? 'r5' : 'none';
      }
      if (!expression && fact?.expression && !platformExpression) { expression = fact.expression; source = 'ig'; }
      const derived = !expression && !platformExpression ? DERIVED()[`${type}:${name}`] : undefined;
      if (derived) { expression = derived.expression; source = 'derived'; }
      const ptype = (d.type === 'special' && name !== '_has' ? d.type : d.type) as SearchParamType;
      const param: SearchParam = {
        name, type: ptype, expression, expressionSource: source,
        declaredByServer: d.server, declaredByIg: d.ig,
        tier: tierOf(d.server, d.ig), capability: `search:${type}:${name}`,
      };
      if (platformExpression) param.platformExpression = platformExpression;
      if (base?.target?.length && ptype === 'reference') param.targets = [...base.target].sort();
      if (['date', 'number', 'quantity'].includes(ptype)) param.comparators = base?.comparator?.length ? ORDERED_PREFIXES.filter((c) => base.comparator!.includes(c)) : ORDERED_PREFIXES;
      if (base?.modifier?.length) param.modifiers = [...base.modifier].sort();
      if (ptype === 'composite') {
        const parts = parsed.composite?.parts
          ?? base?.component?.map((c) => ({ param: r5.get(c.definition)?.code ?? c.definition, expression: c.expression }));
        if (!parsed.composite && base?.expression) { param.expression = expressionFor(type, base); param.expressionSource = 'r5'; }
        if (parts?.length && param.expression) {
          param.components = parts.map((c): CompositeComponent => {
            const ct = names.get(c.param)?.type ?? r5For(type, c.param)?.type ?? [...r5.values()].find((x) => x.code === c.param)?.type ?? 'token';
            return { param: c.param, type: ct as CompositeComponent['type'], expression: c.expression };
          });
        } else {
          param.expression = null; param.expressionSource = 'none';
        }
      }
      if (platformExpression) param.note = `the platform's expression "${platformExpression}" names ${invalid.join(', ')}, which R5 does not have; ${expression ? `the R5 base expression is judged instead` : 'R5 defines no such parameter for ' + type}`;
      else if (derived) param.note = derived.note;
      else if (d.note) param.note = d.note;
      else if (/contains\('\/[A-Z]/.test(expression ?? '')) param.note = "the platform's expression tests reference.contains('/Type'): a relative reference (Type/id) never satisfies it, only an absolute one";
      else if (!d.server && d.ig && !expression) param.note = 'declared by the IG CapabilityStatement with no expression in any source';
      searchParams.push(param);
    }
    return {
      type,
      inServerCS: !!s,
      inIgCS: !!i,
      profiles: [...new Set([...(s?.supportedProfile ?? []), ...(i?.supportedProfile ?? []), ...(i?.profile ? [i.profile] : [])])].sort(),
      interactions: [...new Set((s ?? i)?.interaction?.map((x) => x.code) ?? [])].sort(),
      conditionalCreate: !!s?.conditionalCreate,
      operations: (s?.operation ?? i?.operation ?? []).map((o) => ({ name: o.name, definition: o.definition })),
      searchParams,
      resultParams,
    };
  });

  const searchAcross = searchAcrossCapabilities(resources);
  const targets = buildTargets(facts.availability, facts.availabilityAsOf.slice(0, 10), searchAcross.capabilities.map((c) => c.id));
  const terminology = terminologyCapabilities(readInput<{ families: Family[] }>('terminology.json').families);
  return {
    $schema: './capabilities.schema.json',
    matrixVersion: MATRIX_VERSION,
    fhirVersion: '5.0.0',
    ig: { id: 'uz.dhp.core', canonical: 'https://dhp.uz/fhir/core' },
    generatedFrom: {
      serverCapabilityStatement: `spec/${SERVER_CS} (the platform's own CapabilityStatement, 2026-10-03)`,
      igCapabilityStatement: `spec/${IG_CS} (the IG repository's CapabilityStatement, 2025-12-04)`,
      r5: 'npm hl7.fhir.r5.core@5.0.0 SearchParameter-*.json',
      availability: `spec/${FACTS} availability (the API access page's table, as of ${facts.availabilityAsOf})`,
      ...igProvenance(),
      terminology: terminology.generatedFrom,
    },
    tierRules: TIER_RULES,
    capabilities: [...readInput<{ capabilities: Capability[] }>('protocol-capabilities.json').capabilities, ...terminology.capabilities, ...resources.map((r): Capability => ({
      id: `endpoint:${r.type}`, tier: r.inServerCS || r.inIgCS ? 'SHALL' : 'SHOULD', suite: 'availability',
      title: `The ${r.type} endpoint is reachable: a search returns a searchset Bundle`,
      source: r.inServerCS ? 'platform CapabilityStatement' : 'IG CapabilityStatement',
    })), ...resources.flatMap((r) => r.searchParams.map((p): Capability => ({
      id: p.capability, tier: p.tier, suite: 'search',
      title: `Search ${r.type} by ${p.name} (${p.type}) returns exactly the matching resources`,
      source: p.declaredByServer ? 'platform CapabilityStatement' : p.declaredByIg ? 'IG CapabilityStatement' : (p.note ?? 'R5 base'),
      // Judging recall needs every page: a searchset that cannot be paged blocks what only the missing pages could show.
      requires: ['search:paging'],
      ...(searchAcross.notJudged.has(p.capability) ? { notTested: searchAcross.notJudged.get(p.capability)! } : {}),
    }))), ...searchAcross.capabilities, ...interactionCapabilities(resources), ...profileCapabilities(resources, targets)],
    resources,
    targets,
  };
}

const TIER_RULES = [
  'Neither CapabilityStatement carries capabilitystatement-expectation extensions, so tiers are derived:',
  'SHALL: a rule the API access page states (OAuth flows, If-Match, 412, all-or-nothing transactions); a resource type or search parameter declared by the platform CapabilityStatement or the IG CapabilityStatement (an instance CapabilityStatement is a claim); a MUST of RFC 6749/7636 or a SHALL of the FHIR R5 search page.',
  'SHOULD: R5 base parameters of types neither CapabilityStatement registers; SHOULDs of RFC 6749 or the FHIR R5 search page (e.g. honouring Prefer: handling=strict).',
  'MAY: optional features of the FHIR R5 search page (_sort, _total).',
];

/** targets.json with each target's gap and confirmed rules expanded over the availability table. */
function buildTargets(rows: AvailabilityRow[], since: string, ids: readonly string[]): Record<string, TargetConfig> {
  const { page, targets } = readInput<{ page: string; targets: Record<string, TargetInput> }>('targets.json');
  return Object.fromEntries(Object.entries(targets).map(([name, { gapRules, confirmedRules, ...t }]) => {
    const out: TargetConfig = { ...t };
    if (gapRules) {
      out.gaps = gapRules.flatMap((r) => expandRule(r, rows, ids).map((v): ExpectedGap => {
        const vars = { ...v, page };
        return { capability: fill(r.capability, vars), kind: r.kind!, reason: fill(r.reason!, vars), ticket: r.row, since };
      }));
    }
    if (confirmedRules) {
      out.confirmed = confirmedRules.flatMap((r) => expandRule(r, rows, ids).map((v) => {
        const vars = { ...v, page };
        return { capability: fill(r.capability, vars), note: fill(r.note!, vars), ticket: r.row, since };
      }));
    }
    return [name, out];
  }));
}

async function main(argv: string[]): Promise<void> {
  const check = argv.indexOf('--check');
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 && argv[outAt + 1] ? resolve(argv[outAt + 1]!) : join(ROOT, 'capabilities.json');
  if (check >= 0) {
    const url = argv[check + 1];
    if (!url) { console.error('usage: npm run matrix -- --check <base-url>'); process.exit(2); }
    // Exit 0: no drift; 1: drift (the table says where); 2: /metadata could not be compared (one line says why).
    try {
      const drift = await compareMatrixWithServer(readJson<Matrix>(out), url, readEnv().timeoutMs);
      console.log(drift.text);
      process.exit(drift.clean ? 0 : 1);
    } catch (e) {
      if (!(e instanceof DriftCheckError)) throw e;
      console.error(`matrix --check: ${e.message}`);
      process.exit(2);
    }
  }
  const matrix = build();
  writeFileSync(out, `${JSON.stringify(matrix, null, 2)}\n`);
  const params = matrix.resources.reduce((n, r) => n + r.searchParams.length, 0);
  console.log(`capabilities.json: ${matrix.resources.length} resource types, ${params} search params, ${matrix.capabilities.length} capabilities, ${matrix.targets.playground!.gaps!.length} playground gaps`);
}

await main(process.argv.slice(2));
