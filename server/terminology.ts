// $validate-code and $expand answered from the CodeSystems/ValueSets stored here; reproduces "UZ Core not loaded" gaps.
import type { CodeSystem, CodeSystemConcept, Parameters, ValueSet, ValueSetExpansionContains } from 'fhir/r5.js';
import type { ServerContext } from './context.ts';
import type { FhirRequest, FhirResponse } from './http.ts';
import { badRequest, fail, notFound, notSupported } from './outcomes.ts';

/** Canonical bases of UZ Core content: what the playground has not loaded yet. */
export const UZ_CORE_BASES = ['https://terminology.dhp.uz/', 'https://dhp.uz/fhir/core/'];

const OPERATIONS: Record<string, { types: string[]; gap: string }> = {
  '$validate-code': { types: ['CodeSystem', 'ValueSet'], gap: 'terminology:uz-core:validate-code' },
  '$expand': { types: ['ValueSet'], gap: 'terminology:uz-core:expand' },
};

type Coding = { system?: string; code: string; display?: string };

/** Query, form and Parameters-body inputs merged; the first value of a name wins. */
function inputs(req: FhirRequest): Map<string, string> {
  const out = new Map<string, string>();
  const add = (k: string, v: string | undefined) => {
    if (v !== undefined && !out.has(k)) out.set(k, v);
  };
  for (const [k, v] of req.query) add(k, v);
  for (const [k, v] of req.form ?? []) add(k, v);
  const body = req.body as Parameters | undefined;
  if (body?.resourceType === 'Parameters') {
    for (const p of body.parameter ?? []) {
      const value = p.valueUri ?? p.valueCode ?? p.valueString ?? p.valueCanonical ?? p.valueUrl;
      if (p.name === 'coding' && p.valueCoding) {
        add('system', p.valueCoding.system);
        add('code', p.valueCoding.code);
      } else add(p.name, value);
    }
  }
  return out;
}

const canonical = (url: string) => url.split('|')[0];

function checkLoaded(ctx: ServerContext, gap: string, url: string | undefined): void {
  if (url && UZ_CORE_BASES.some((b) => url.startsWith(b)) && ctx.caps.hasGap(gap, 'not-loaded')) {
    throw fail(404, 'not-found', `${url}: UZ Core terminology is not loaded on this server`);
  }
}

function flatten(system: string, concepts: CodeSystemConcept[] | undefined): Coding[] {
  return (concepts ?? []).flatMap((c) => [{ system, code: c.code, display: c.display }, ...flatten(system, c.concept)]);
}

function codeSystem(ctx: ServerContext, url: string): CodeSystem {
  const cs = ctx.store.findByUrl('CodeSystem', canonical(url)) as CodeSystem | undefined;
  if (!cs) throw notFound(`CodeSystem ${url}`);
  return cs;
}

function expandValueSet(ctx: ServerContext, vs: ValueSet, seen: Set<string>): Coding[] {
  const fromInclude = (inc: NonNullable<NonNullable<ValueSet['compose']>['include']>[number]): Coding[] => {
    const nested = (inc.valueSet ?? []).flatMap((u) => expandUrl(ctx, u, seen));
    if (!inc.system) return nested;
    const codes = inc.concept
      ? inc.concept.map((c) => ({ system: inc.system, code: c.code, display: c.display }))
      : flatten(inc.system, codeSystem(ctx, inc.system).concept);
    if (inc.filter?.length) throw fail(422, 'not-supported', 'ValueSet include filters are not supported by this server');
    return [...codes, ...nested];
  };
  const included = (vs.compose?.include ?? []).flatMap(fromInclude);
  const excluded = new Set((vs.compose?.exclude ?? []).flatMap(fromInclude).map((c) => `${c.system}|${c.code}`));
  const unique = new Map<string, Coding>();
  for (const c of included) if (!excluded.has(`${c.system}|${c.code}`)) unique.set(`${c.system}|${c.code}`, c);
  return [...unique.values()];
}

function expandUrl(ctx: ServerContext, url: string, seen: Set<string>): Coding[] {
  if (seen.has(url)) return [];
  seen.add(url);
  const vs = ctx.store.findByUrl('ValueSet', canonical(url)) as ValueSet | undefined;
  if (!vs) throw notFound(`ValueSet ${url}`);
  return expandValueSet(ctx, vs, seen);
}

function result(ok: boolean, message: string, display?: string): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'result', valueBoolean: ok },
      ...(display ? [{ name: 'display', valueString: display }] : []),
      { name: 'message', valueString: message },
    ],
  };
}

function validateCode(ctx: ServerContext, type: string, p: Map<string, string>): Parameters {
  const code = p.get('code');
  if (!code) throw badRequest('required', 'Parameter code is required');
  if (type === 'CodeSystem') {
    const url = p.get('url') ?? p.get('system');
    if (!url) throw badRequest('required', 'Parameter url (or system) is required');
    const found = flatten(url, codeSystem(ctx, url).concept).find((c) => c.code === code);
    return found ? result(true, `${code} is in ${url}`, found.display) : result(false, `Unknown code "${code}" in ${url}`);
  }
  const url = p.get('url');
  if (!url) throw badRequest('required', 'Parameter url is required');
  const system = p.get('system');
  const found = expandUrl(ctx, url, new Set()).find((c) => c.code === code && (!system || c.system === system));
  return found
    ? result(true, `${code} is in ${url}`, found.display)
    : result(false, `${system ? `${system}|` : ''}${code} is not in ValueSet ${url}`);
}

function expand(ctx: ServerContext, p: Map<string, string>): ValueSet {
  const url = p.get('url');
  if (!url) throw badRequest('required', 'Parameter url is required');
  const vs = ctx.store.findByUrl('ValueSet', canonical(url)) as ValueSet | undefined;
  if (!vs) throw notFound(`ValueSet ${url}`);
  const contains: ValueSetExpansionContains[] = expandValueSet(ctx, vs, new Set([url]));
  return { ...vs, expansion: { timestamp: new Date().toISOString(), total: contains.length, contains } };
}

export function terminologyOperation(ctx: ServerContext, type: string, name: string, req: FhirRequest): FhirResponse {
  const op = OPERATIONS[name];
  if (!op || !op.types.includes(type)) throw notSupported(`Operation ${type}/${name} is not supported`);
  ctx.caps.require(type);
  const p = inputs(req);
  checkLoaded(ctx, op.gap, p.get('url'));
  checkLoaded(ctx, op.gap, p.get('system'));
  return { status: 200, body: name === '$expand' ? expand(ctx, p) : validateCode(ctx, type, p) };
}
