// Checks of the terminology operations (R5 CodeSystem $validate-code, $lookup, $subsumes; ValueSet $expand,
// $validate-code; ConceptMap $translate), each against what the harness computes from the IG itself. Requests of one
// check go out together; a target that does not know the content at all fails as `not-loaded` (the playground's gap).
import type { FhirClient, FhirResponse } from '../client/http.ts';
import { describeOutcome, isOperationOutcome } from '../fhir/operation-outcome.ts';
import * as P from '../fhir/parameters.ts';
import { CheckFailure } from '../verdicts.ts';
import type { Member } from '../terminology/index.ts';
import { codeSystem } from '../terminology/index.ts';
import {
  type CodeSystemPlan, type DesignationPlan, displaysIn, type ExpandPlan, type InternationalPlan, matchesWord, type SubsumesPlan,
  type TranslatePlan, type ValueSetCodePlan, WHOLE_EXPANSION_MAX,
} from './terminology-plan.ts';

type Method = 'GET' | 'POST';

/** All a terminology check needs of a client. */
export type Requester = Pick<FhirClient, 'request'>;

/** The terminology operations change nothing (affectsState false), so their POST form is retried like a GET. */
export function operation(c: Requester, path: string, inputs: P.Input[], method: Method): Promise<FhirResponse> {
  return method === 'GET' ? c.request('GET', `${path}?${P.queryOf(inputs)}`) : c.request('POST', path, { body: P.parametersBody(inputs), idempotent: true });
}

const brief = (res: FhirResponse) => (isOperationOutcome(res.body) ? describeOutcome(res.body) : res.text.slice(0, 160));

/** The message of a Parameters answer: `message`, else the text of its `issues` OperationOutcome. */
function messageOf(body: P.ParametersResource): string | undefined {
  const message = P.value(body, 'message');
  if (typeof message === 'string' && message) return message;
  const issues = P.all(body, 'issues')[0]?.resource;
  return isOperationOutcome(issues) ? issues.issue.map((i) => i.details?.text ?? i.diagnostics ?? '').join('; ') || undefined : undefined;
}

/** How servers word "I do not have that code system / ValueSet" (HAPI, Ontoserver, the tx ecosystem's messages). */
const UNKNOWN_WORDING = /unknown (code ?system|system|value ?set)|unable to find|(code ?system|value ?set|concept ?map|supplement)\b.{0,200}?\b(not found|could not be found|is not known|not loaded|unknown)/i;

/**
 * Why an answer says the server does not know the CodeSystem, ValueSet, ConceptMap or supplement at all: a 404 with an
 * OperationOutcome, a 4xx OperationOutcome not-found/not-supported or worded so, or a $validate-code result false
 * flagged as an unknown system (x-unknown-system, an issue not-found, or the wording).
 */
export function unknownContent(res: FhirResponse): string | undefined {
  if (res.status >= 400 && res.status < 500 && isOperationOutcome(res.body)
    && (res.status === 404 || res.body.issue.some((i) => i.code === 'not-found' || i.code === 'not-supported' || UNKNOWN_WORDING.test(`${i.details?.text ?? ''} ${i.diagnostics ?? ''}`)))) {
    return `${res.status} ${describeOutcome(res.body)}`;
  }
  if (res.status === 200 && P.isParameters(res.body) && P.value(res.body, 'result') === false) {
    const issues = P.all(res.body, 'issues')[0]?.resource;
    const message = messageOf(res.body);
    if (P.value(res.body, 'x-unknown-system') !== undefined || (isOperationOutcome(issues) && issues.issue.some((i) => i.code === 'not-found')) || UNKNOWN_WORDING.test(message ?? '')) {
      return `result false: ${message ?? 'unknown system'}`;
    }
  }
  return undefined;
}

function failIfUnknown(what: string, responses: FhirResponse[]): void {
  for (const res of responses) {
    const why = unknownContent(res);
    if (why) throw new CheckFailure(`${what} is not known to the server: ${res.exchange.request.method} ${new URL(res.exchange.request.url).pathname.split('/').pop()} answered ${why}`, 'not-loaded');
  }
}

function parameters(res: FhirResponse, what: string): P.ParametersResource {
  if (res.status !== 200) throw new CheckFailure(`${what} answered ${res.status}, expected 200 with Parameters: ${brief(res)}`, 'wrong');
  if (!P.isParameters(res.body)) throw new CheckFailure(`${what} answered ${res.body?.resourceType ?? 'no resource'}, expected Parameters`, 'wrong');
  return res.body;
}

/** result true, and the display where the harness knows it (one of `displays`). */
function expectValid(res: FhirResponse, what: string, displays: (string | undefined)[]): void {
  const body = parameters(res, what);
  if (P.value(body, 'result') !== true) throw new CheckFailure(`${what}: result is ${String(P.value(body, 'result'))}, expected true (${messageOf(body) ?? 'no message'})`, 'wrong');
  const known = displays.filter((d): d is string => !!d);
  if (!known.length) return;
  const display = P.value(body, 'display');
  if (typeof display !== 'string' || !display) throw new CheckFailure(`${what}: result true but no display, expected "${known[0]}"`, 'wrong');
  if (!known.includes(display)) throw new CheckFailure(`${what}: display "${display}", expected ${known.map((d) => `"${d}"`).join(' or ')}`, 'wrong');
}

/** result false with a message saying why. */
function expectInvalid(res: FhirResponse, what: string): void {
  const body = parameters(res, what);
  if (P.value(body, 'result') !== false) throw new CheckFailure(`${what}: result is ${String(P.value(body, 'result'))}, expected false`, 'wrong');
  if (!messageOf(body)) throw new CheckFailure(`${what}: result false without a message (message or issues) saying why`, 'wrong');
}

const url = (u: string): P.Input => ['url', u, 'uri'];

export async function checkValidateCode(c: Requester, p: CodeSystemPlan): Promise<void> {
  const path = 'CodeSystem/$validate-code';
  const [get, post, bad] = await Promise.all([
    operation(c, path, [url(p.url), ['code', p.valid.code, 'code']], 'GET'),
    operation(c, path, [url(p.url), ['coding', { system: p.url, code: p.valid.code }, 'Coding']], 'POST'),
    operation(c, path, [url(p.url), ['code', p.invalid, 'code']], 'GET'),
  ]);
  failIfUnknown(`CodeSystem ${p.url}`, [get, post]);
  expectValid(get, `GET ${path}?url=…&code=${p.valid.code}`, [p.valid.display]);
  expectValid(post, `POST ${path} with coding ${p.valid.code}`, [p.valid.display]);
  expectInvalid(bad, `GET ${path}?url=…&code=${p.invalid} (a code the CodeSystem does not have)`);
}

function expectLookup(res: FhirResponse, what: string, display: string | undefined): void {
  const body = parameters(res, what);
  if (typeof P.value(body, 'name') !== 'string') throw new CheckFailure(`${what}: no name (the code system's name is 1..1)`, 'wrong');
  const got = P.value(body, 'display');
  if (typeof got !== 'string' || !got) throw new CheckFailure(`${what}: no display (1..1)`, 'wrong');
  if (display && got !== display) throw new CheckFailure(`${what}: display "${got}", expected "${display}"`, 'wrong');
}

export async function checkLookup(c: Requester, p: CodeSystemPlan): Promise<void> {
  const path = 'CodeSystem/$lookup';
  const [get, post, bad] = await Promise.all([
    operation(c, path, [['system', p.url, 'uri'], ['code', p.valid.code, 'code']], 'GET'),
    operation(c, path, [['coding', { system: p.url, code: p.valid.code }, 'Coding']], 'POST'),
    operation(c, path, [['system', p.url, 'uri'], ['code', p.invalid, 'code']], 'GET'),
  ]);
  failIfUnknown(`CodeSystem ${p.url}`, [get, post]);
  expectLookup(get, `GET ${path}?system=…&code=${p.valid.code}`, p.valid.display);
  expectLookup(post, `POST ${path} with coding ${p.valid.code}`, p.valid.display);
  if (bad.status < 400 || bad.status >= 500 || !isOperationOutcome(bad.body)) {
    throw new CheckFailure(`GET ${path} of an unknown code ${p.invalid} answered ${bad.status} (${brief(bad)}), expected a 4xx OperationOutcome`, 'wrong');
  }
}

export async function checkSubsumes(c: Requester, p: SubsumesPlan): Promise<void> {
  const path = 'CodeSystem/$subsumes';
  const ask = (a: string, b: string, method: Method) => operation(c, path, [['system', p.url, 'uri'], ['codeA', a, 'code'], ['codeB', b, 'code']], method);
  const cases: [a: string, b: string, method: Method][] = [[p.ancestor, p.descendant, 'GET'], [p.descendant, p.ancestor, 'POST'], [p.descendant, p.descendant, 'GET'], [p.descendant, p.unrelated, 'GET']];
  const answers = await Promise.all(cases.map(([a, b, m]) => ask(a, b, m)));
  failIfUnknown(`CodeSystem ${p.url}`, answers);
  const cs = codeSystem(p.url)!;
  cases.forEach(([a, b, method], i) => {
    const what = `${method} ${path} codeA=${a} codeB=${b}`;
    const outcome = P.value(parameters(answers[i]!, what), 'outcome');
    const expected = cs.subsumes(a, b);
    if (outcome !== expected) throw new CheckFailure(`${what}: outcome ${String(outcome)}, expected ${expected} (the IG's hierarchy)`, 'wrong');
  });
}

export async function checkDesignation(c: Requester, p: DesignationPlan): Promise<void> {
  const path = 'CodeSystem/$lookup';
  const answers = await Promise.all(p.byLanguage.map(([language], i) => operation(c, path, [
    ['system', p.system, 'uri'], ['code', p.code, 'code'], ['displayLanguage', language, 'code'], ['useSupplement', p.supplement, 'canonical'],
  ], i === 0 ? 'GET' : 'POST')));
  failIfUnknown(`the supplement ${p.supplement} (or ${p.system})`, answers);
  p.byLanguage.forEach(([language, values], i) => {
    const what = `${i === 0 ? 'GET' : 'POST'} ${path} ${p.system}|${p.code} displayLanguage=${language} useSupplement=…`;
    const display = P.value(parameters(answers[i]!, what), 'display');
    if (typeof display !== 'string' || !values.includes(display)) {
      throw new CheckFailure(`${what}: display "${String(display)}", expected the supplement's ${language} translation "${values[0]}"`, 'wrong');
    }
  });
}

interface Contains { system?: string; code?: string; display?: string; contains?: Contains[] }
/** A flat list of an expansion's codes (nested contains included, in order). */
function flatten(list: Contains[] | undefined): Contains[] {
  return (list ?? []).flatMap((x) => [...(x.code ? [x] : []), ...flatten(x.contains)]);
}

function expansionOf(res: FhirResponse, what: string): { total?: number; codes: Contains[] } {
  if (res.status !== 200) throw new CheckFailure(`${what} answered ${res.status}, expected 200 with a ValueSet: ${brief(res)}`, 'wrong');
  if (res.body?.resourceType !== 'ValueSet' || !res.body.expansion) throw new CheckFailure(`${what}: expected a ValueSet with an expansion, received ${res.body?.resourceType ?? 'nothing'}`, 'wrong');
  return { total: res.body.expansion.total, codes: flatten(res.body.expansion.contains) };
}

const key = (x: { system?: string; code?: string }) => `${x.system}|${x.code}`;
/** Pages read at most when a server pages an expansion by itself. */
const MAX_PAGES = 20;
const sample = (xs: string[]) => `${xs.slice(0, 3).join(', ')}${xs.length > 3 ? ` and ${xs.length - 3} more` : ''}`;

export async function checkExpand(c: Requester, p: ExpandPlan): Promise<string[]> {
  const path = 'ValueSet/$expand';
  const notes: string[] = [];
  const { members, complete } = p.expansion;
  const byKey = new Map(members.map((m) => [key(m), m]));
  const size = members.length;
  const [offset, count] = size > WHOLE_EXPANSION_MAX || !complete ? [10, 5] : size >= 3 ? [1, 2] : [0, 1];
  // The whole (or first page of the) expansion is asked for in the plan's language, if it has one: the codes are
  // compared whatever the language, the displays in it.
  const language: P.Input[] = p.language ? [['displayLanguage', p.language.code, 'code']] : [];
  const [all, page, filtered] = await Promise.all([
    operation(c, path, [url(p.url), ['count', p.pageSize, 'integer'], ...language], 'GET'),
    operation(c, path, [url(p.url), ['offset', offset, 'integer'], ['count', count, 'integer'], ...language], 'POST'),
    p.filter ? operation(c, path, [url(p.url), ['filter', p.filter.word, 'string'], ['count', WHOLE_EXPANSION_MAX, 'integer']], 'GET') : undefined,
  ]);
  failIfUnknown(`ValueSet ${p.url}`, [all, page, ...(filtered ? [filtered] : [])]);

  const first = expansionOf(all, `GET ${path}?url=…&count=${p.pageSize}${p.language ? `&displayLanguage=${p.language.code}` : ''}`);
  // A server may cap a page below the count asked for; it then says how many there are, and the rest is paged in.
  if (complete && size <= WHOLE_EXPANSION_MAX && first.codes.length < size && first.total === size) {
    for (let pages = 1; first.codes.length < size && pages < MAX_PAGES; pages++) {
      const at = first.codes.length;
      const more = expansionOf(await operation(c, path, [url(p.url), ['offset', at, 'integer'], ['count', p.pageSize, 'integer'], ...language], 'GET'), `GET ${path}?offset=${at}`).codes;
      if (!more.length) break;
      first.codes.push(...more);
    }
  }
  const got = first.codes.map(key);
  const seen = new Set<string>();
  const repeated = got.filter((k) => seen.has(k) || !seen.add(k));
  if (repeated.length) throw new CheckFailure(`the expansion lists ${repeated.length} codes twice (${sample(repeated)})`, 'wrong');
  if (complete && size <= WHOLE_EXPANSION_MAX) {
    const missing = members.filter((m) => !got.includes(key(m))).map(key);
    const extra = got.filter((k) => !byKey.has(k));
    if (missing.length || extra.length) {
      throw new CheckFailure(`the expansion differs from the harness's own expansion of the IG (${size} codes): ${missing.length} missing (${sample(missing)}), ${extra.length} not in the ValueSet (${sample(extra)})`, 'wrong');
    }
    if (first.total !== undefined && first.total !== size) throw new CheckFailure(`expansion.total is ${first.total}, expected ${size}`, 'wrong');
  } else if (complete) {
    if (first.total !== size) throw new CheckFailure(`a first page of ${p.pageSize} of a ValueSet of ${size} codes: expansion.total is ${String(first.total)}, expected ${size}`, 'wrong');
    const extra = got.filter((k) => !byKey.has(k));
    if (extra.length) throw new CheckFailure(`the first page holds ${extra.length} codes that are not in the ValueSet (${sample(extra)})`, 'wrong');
    if (got.length !== p.pageSize) throw new CheckFailure(`count=${p.pageSize} returned ${got.length} codes of ${size}`, 'wrong');
  } else {
    // Open: only codes of systems the harness holds completely can be judged; the rest is noted.
    const judged = first.codes.filter((x) => x.system && codeSystem(x.system)?.complete);
    const extra = judged.map(key).filter((k) => !byKey.has(k));
    if (extra.length) throw new CheckFailure(`the expansion holds ${extra.length} codes the ValueSet does not include (${sample(extra)})`, 'wrong');
    if (got.length > p.pageSize) throw new CheckFailure(`count=${p.pageSize} returned ${got.length} codes`, 'wrong');
    notes.push(`the ValueSet draws on ${p.expansion.open.join('; ')}: the harness judged the codes it can name (${judged.length} of ${got.length} returned)`);
  }

  const slice = expansionOf(page, `POST ${path} offset=${offset} count=${count}`).codes.map(key);
  const expected = got.slice(offset, offset + count);
  if (got.length >= offset + count && slice.join() !== expected.join()) {
    throw new CheckFailure(`offset=${offset}&count=${count} returned [${slice.join(', ')}], expected entries ${offset}..${offset + count - 1} of the unpaged expansion [${expected.join(', ')}]`, 'wrong');
  }

  if (p.filter && filtered) {
    const { word, member } = p.filter;
    const hits = expansionOf(filtered, `GET ${path}?filter=${word}`).codes;
    if (!hits.some((x) => key(x) === key(member))) throw new CheckFailure(`filter=${word} left out ${key(member)} ("${member.display}")`, 'wrong');
    const wrong = hits.filter((x) => byKey.has(key(x)) ? !matchesWord(byKey.get(key(x))!, word) : !!x.system && !!codeSystem(x.system)?.complete);
    if (wrong.length) throw new CheckFailure(`filter=${word} kept ${wrong.length} codes whose display and designations do not contain "${word}" (${sample(wrong.map(key))}): the filter was not applied`, 'wrong');
  }

  if (p.language) {
    const lang = p.language.code;
    const wrong: string[] = [];
    for (const x of first.codes) {
      const m: Member | undefined = byKey.get(key(x));
      const allowed = m ? displaysIn(m, lang) : [];
      if (allowed.length && !allowed.includes(x.display ?? '')) wrong.push(`${x.code} "${x.display ?? ''}" (expected "${allowed[0]}")`);
    }
    if (wrong.length) throw new CheckFailure(`displayLanguage=${lang}: ${wrong.length} displays are not the ${lang} designation (${sample(wrong)})`, 'wrong');
  }
  return notes;
}

export async function checkValidateCodeInValueSet(c: Requester, p: ValueSetCodePlan): Promise<void> {
  const path = 'ValueSet/$validate-code';
  const { member, nonMember } = p;
  const [get, post, bad] = await Promise.all([
    operation(c, path, [url(p.url), ['system', member.system, 'uri'], ['code', member.code, 'code']], 'GET'),
    operation(c, path, [url(p.url), ['coding', { system: member.system, code: member.code }, 'Coding']], 'POST'),
    operation(c, path, [url(p.url), ['system', nonMember.system, 'uri'], ['code', nonMember.code, 'code']], 'GET'),
  ]);
  failIfUnknown(`ValueSet ${p.url}`, [get, post]);
  // The ValueSet may give a concept its own display; the CodeSystem's is as good.
  const displays = member.display ? [member.display, codeSystem(member.system)?.concept(member.code)?.display] : [];
  expectValid(get, `GET ${path}?url=…&system=…&code=${member.code}`, displays);
  expectValid(post, `POST ${path} with coding ${member.code}`, displays);
  expectInvalid(bad, `GET ${path}?url=…&code=${nonMember.code} (not in the ValueSet)`);
}

export async function checkTranslate(c: Requester, p: TranslatePlan): Promise<void> {
  const path = 'ConceptMap/$translate';
  const [get, post, bad] = await Promise.all([
    operation(c, path, [url(p.url), ['system', p.source.system, 'uri'], ['sourceCode', p.source.code, 'code']], 'GET'),
    operation(c, path, [url(p.url), ['sourceCoding', { system: p.source.system, code: p.source.code }, 'Coding']], 'POST'),
    operation(c, path, [url(p.url), ['system', p.unmapped.system, 'uri'], ['sourceCode', p.unmapped.code, 'code']], 'GET'),
  ]);
  failIfUnknown(`ConceptMap ${p.url}`, [get, post]);
  for (const [res, what] of [[get, `GET ${path}?sourceCode=${p.source.code}`], [post, `POST ${path} with sourceCoding ${p.source.code}`]] as const) {
    const body = parameters(res, what);
    if (P.value(body, 'result') !== true) throw new CheckFailure(`${what}: result ${String(P.value(body, 'result'))}, expected true (${messageOf(body) ?? 'no message'})`, 'wrong');
    const concepts = P.all(body, 'match').map((m) => P.value(m, 'concept') as P.Coding | undefined).filter(Boolean).map((x) => key(x!));
    const missing = p.targets.map(key).filter((k) => !concepts.includes(k));
    if (missing.length) throw new CheckFailure(`${what}: the matches [${concepts.join(', ')}] lack ${missing.join(', ')} (the IG's ConceptMap)`, 'wrong');
  }
  const body = parameters(bad, `GET ${path}?sourceCode=${p.unmapped.code}`);
  if (P.value(body, 'result') !== false) throw new CheckFailure(`a code the ConceptMap does not map (${p.unmapped.code}) gave result ${String(P.value(body, 'result'))}, expected false`, 'wrong');
}

export async function checkInternational(c: Requester, p: InternationalPlan): Promise<void> {
  const path = 'CodeSystem/$validate-code';
  const [post, bad, ...gets] = await Promise.all([
    operation(c, path, [url(p.system), ['coding', { system: p.system, code: p.codes[0]!.code }, 'Coding']], 'POST'),
    operation(c, path, [url(p.system), ['code', p.invalid, 'code']], 'GET'),
    ...p.codes.map((x) => operation(c, path, [url(p.system), ['code', x.code, 'code']], 'GET')),
  ]);
  failIfUnknown(`the code system ${p.system}`, [post, ...gets]);
  p.codes.forEach((x, i) => expectValid(gets[i]!, `GET ${path}?url=${p.system}&code=${x.code} (used by the IG's examples)`, [x.display]));
  expectValid(post, `POST ${path} with coding ${p.codes[0]!.code}`, [p.codes[0]!.display]);
  expectInvalid(bad, `GET ${path}?url=${p.system}&code=${p.invalid}`);
}

/** An unknown code system or ValueSet: a 4xx OperationOutcome, or (for $validate-code) result false saying why; never a 500. */
export async function checkUnknownSystem(c: Requester, unknownUrl: string): Promise<void> {
  const [cs, vs] = await Promise.all([
    operation(c, 'CodeSystem/$validate-code', [url(`${unknownUrl}/CodeSystem`), ['code', 'x', 'code']], 'GET'),
    operation(c, 'ValueSet/$expand', [url(`${unknownUrl}/ValueSet`)], 'GET'),
  ]);
  const clear = (res: FhirResponse, what: string, parametersAllowed: boolean) => {
    if (res.status >= 400 && res.status < 500 && isOperationOutcome(res.body)) return;
    if (parametersAllowed && res.status === 200 && P.isParameters(res.body) && P.value(res.body, 'result') === false && messageOf(res.body)) return;
    throw new CheckFailure(`${what} answered ${res.status} (${brief(res)}), expected a 4xx OperationOutcome${parametersAllowed ? ' or result false with a message' : ''}`, 'wrong');
  };
  clear(cs, `CodeSystem/$validate-code of the unknown system ${unknownUrl}/CodeSystem`, true);
  clear(vs, `ValueSet/$expand of the unknown ValueSet ${unknownUrl}/ValueSet`, false);
}
