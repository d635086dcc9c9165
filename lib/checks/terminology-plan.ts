// What each terminology capability asks about, drawn from the harness's own terminology (lib/terminology) and the
// run's seed: which code of a CodeSystem, which member and non-member of a ValueSet, which word to filter by, which
// language to ask displays in, which mapping of a ConceptMap, which translation of a supplement.
import type { Draw } from '../run/seed.ts';
import { catalogue, codeSystem, expandValueSet, type Expansion, type Member } from '../terminology/index.ts';
import type { ParsedTerminologyId } from '../terminology/ids.ts';

export interface Pick { system: string; code: string; display?: string }

/** A code no code system has: the harness's own prefix and the seed's hex. */
export const unknownCode = (draw: Draw) => `dhp-conformance-unknown-${draw.hex(4)}`;

const words = (text: string) => text.toLocaleLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
/** Every text a member is known by: its display and all its designations. */
export const texts = (m: Member) => [m.display ?? '', ...m.designations.map((d) => d.value)].filter(Boolean);
export const matchesWord = (m: Member, word: string) => texts(m).some((t) => t.toLocaleLowerCase().includes(word));

/** The displays a member may show in `language`: its designations in it, and its display if written in it. */
export function displaysIn(m: Member, language: string, withSupplements = true): string[] {
  const fits = (l?: string) => !!l && (l.toLowerCase() === language || l.toLowerCase().startsWith(`${language}-`));
  return [
    // A designation's source is the member's own CodeSystem, the ValueSet's compose ('valueset'), or a supplement.
    ...m.designations.filter((d) => fits(d.language) && (withSupplements || d.source === m.system || d.source === 'valueset')).map((d) => d.value),
    ...(m.display && fits(m.displayLanguage) ? [m.display] : []),
  ];
}

export interface CodeSystemPlan { url: string; valid: Pick; invalid: string }

export function codeSystemPlan(url: string, draw: Draw): CodeSystemPlan {
  const cs = codeSystem(url);
  if (!cs) throw new Error(`${url} is not a CodeSystem the harness holds`);
  const concepts = [...cs.concepts.values()];
  const withDisplay = concepts.filter((c) => c.display);
  const c = draw.pick(withDisplay.length ? withDisplay : concepts);
  let invalid = unknownCode(draw);
  while (cs.concept(invalid)) invalid = unknownCode(draw);
  return { url, valid: { system: url, code: c.code, ...(c.display ? { display: c.display } : {}) }, invalid };
}

export interface SubsumesPlan { url: string; ancestor: string; descendant: string; unrelated: string }

/** The deepest concept and its top-most ancestor (so transitivity is exercised), and a concept unrelated to it. */
export function subsumesPlan(url: string): SubsumesPlan {
  const cs = codeSystem(url)!;
  const codes = [...cs.concepts.keys()];
  const descendant = codes.reduce((best, c) => (cs.ancestors(c).size > cs.ancestors(best).size ? c : best), codes[0]!);
  const above = [...cs.ancestors(descendant)];
  const ancestor = above.find((a) => cs.ancestors(a).size === 0) ?? above[0]!;
  const unrelated = codes.find((c) => cs.subsumes(c, descendant) === 'not-subsumed');
  if (!unrelated) throw new Error(`${url}: every concept is related to ${descendant}; no not-subsumed pair to ask about`);
  return { url, ancestor, descendant, unrelated };
}

export interface DesignationPlan { supplement: string; system: string; code: string; byLanguage: [language: string, values: string[]][] }

/**
 * A concept the supplement translates into the most languages (uz and ru first). R5 does not say which translation a
 * server shows when the code system itself has one in the same language too, so languages the code system already
 * covers are asked about only where nothing else is left, and then either translation is accepted.
 */
export function designationPlan(url: string, draw: Draw): DesignationPlan {
  const sup = codeSystem(url)!;
  const base = codeSystem(sup.supplements!);
  const inBase = (code: string, l: string) => base?.concept(code)?.designations.filter((d) => d.language === l).map((d) => d.value) ?? [];
  const all = (code: string) => [...new Set(sup.concept(code)!.designations.map((d) => d.language).filter((l): l is string => !!l))];
  const unambiguous = (code: string) => all(code).filter((l) => !inBase(code, l).length);
  const codes = [...sup.concepts.keys()];
  const langs = codes.some((c) => unambiguous(c).length) ? unambiguous : all;
  const rank = (code: string) => langs(code).filter((l) => l === 'uz' || l === 'ru').length * 10 + langs(code).length;
  const best = Math.max(...codes.map(rank));
  const code = draw.pick(codes.filter((c) => rank(c) === best));
  const byLanguage = langs(code).sort((a, b) => (a === 'uz' ? -1 : b === 'uz' ? 1 : a === 'ru' ? -1 : b === 'ru' ? 1 : a.localeCompare(b))).slice(0, 2)
    .map((l): [string, string[]] => [l, [...sup.concept(code)!.designations.filter((d) => d.language === l).map((d) => d.value), ...inBase(code, l)]]);
  return { supplement: url, system: sup.supplements!, code, byLanguage };
}

export interface ExpandPlan {
  url: string;
  expansion: Expansion;
  /** Codes asked for in one page: every member of a small ValueSet, a first page of a large one. */
  pageSize: number;
  /** A word of a member's display that some members do not have: the filter must keep the one and drop the others. */
  filter?: { word: string; member: Member; matching: number };
  /** A language some members have designations in. */
  language?: { code: string; supplementDependent: boolean };
}

/** ValueSets up to this size are compared code for code; larger ones by total and a page. */
export const WHOLE_EXPANSION_MAX = 1000;
const FIRST_PAGE = 100;

export function expandPlan(url: string, draw: Draw): ExpandPlan {
  const expansion = expandValueSet(url);
  const members = expansion.members;
  const pageSize = expansion.complete && members.length <= WHOLE_EXPANSION_MAX ? WHOLE_EXPANSION_MAX : FIRST_PAGE;
  // The rarest word (4+ letters) of a member's display that not every member carries, tried over a few members.
  let filter: ExpandPlan['filter'];
  const candidates = members.filter((m) => m.display && words(m.display).some((w) => w.length >= 4));
  const lowered = members.map((m) => texts(m).join('\n').toLocaleLowerCase());
  for (let attempt = 0; attempt < 8 && candidates.length && !filter; attempt++) {
    const member = draw.pick(candidates);
    for (const word of words(member.display!).filter((w) => w.length >= 4)) {
      const matching = lowered.filter((t) => t.includes(word)).length;
      if (matching < members.length && matching <= 50 && (!filter || matching < filter.matching)) filter = { word, member, matching };
    }
  }
  let language: ExpandPlan['language'];
  if (members.length <= WHOLE_EXPANSION_MAX) {
    for (const code of ['uz', 'ru']) {
      if (!members.some((m) => m.designations.some((d) => d.language === code))) continue;
      language = { code, supplementDependent: members.some((m) => displaysIn(m, code).length > 0 && displaysIn(m, code, false).length === 0) };
      break;
    }
  }
  return { url, expansion, pageSize, ...(filter ? { filter } : {}), ...(language ? { language } : {}) };
}

export interface ValueSetCodePlan { url: string; member: Member; nonMember: Pick }

export function valueSetCodePlan(url: string, draw: Draw): ValueSetCodePlan {
  const { members } = expandValueSet(url);
  if (!members.length) throw new Error(`${url}: the harness can name no member of it`);
  const withDisplay = members.filter((m) => m.display);
  const member = draw.pick(withDisplay.length ? withDisplay : members);
  // A code of the same system that the ValueSet leaves out, where the harness holds the whole system; else an unknown code.
  const inSet = new Set(members.map((m) => `${m.system}|${m.code}`));
  const cs = catalogue().completeCodeSystem(member.system);
  const outside = cs ? [...cs.concepts.keys()].filter((c) => !inSet.has(`${member.system}|${c}`)) : [];
  const nonMember = { system: member.system, code: outside.length ? draw.pick(outside) : unknownCode(draw) };
  return { url, member, nonMember };
}

export interface TranslatePlan { url: string; source: Pick; targets: Pick[]; unmapped: Pick }

export function translatePlan(url: string, draw: Draw): TranslatePlan {
  const cm = catalogue().conceptMap(url)!;
  const elements = (cm.group ?? []).flatMap((g: any) => (g.element ?? [])
    .filter((e: any) => (e.target ?? []).some((t: any) => t.relationship !== 'not-related-to'))
    .map((e: any) => ({ g, e })));
  if (!elements.length) throw new Error(`${url} maps no code`);
  const { g, e } = draw.pick(elements) as { g: any; e: any };
  // Every target of that source code, over all groups of the same source and target.
  const targets: Pick[] = (cm.group ?? []).filter((x: any) => x.source === g.source).flatMap((x: any) => (x.element ?? [])
    .filter((y: any) => y.code === e.code).flatMap((y: any) => (y.target ?? []).filter((t: any) => t.relationship !== 'not-related-to')
      .map((t: any) => ({ system: x.target, code: t.code }))));
  return { url, source: { system: g.source, code: e.code }, targets, unmapped: { system: g.source, code: unknownCode(draw) } };
}

/** Up to this many of the example codes of an international system are validated (sorted, so the choice is stable). */
export const EXAMPLE_CODES_MAX = 5;

export interface InternationalPlan { system: string; codes: Pick[]; invalid: string }

export function internationalPlan(system: string, draw: Draw): InternationalPlan {
  const used = [...(catalogue().exampleCodings().get(system)?.values() ?? [])].sort((a, b) => a.code.localeCompare(b.code)).slice(0, EXAMPLE_CODES_MAX);
  // Only HL7's own CodeSystems give the harness a display it can insist on; an example's display may be a translation.
  const authority = codeSystem(system);
  const codes = used.map((m) => ({ system, code: m.code, ...(authority?.concept(m.code)?.display ? { display: authority.concept(m.code)!.display } : {}) }));
  return { system, codes, invalid: unknownCode(draw) };
}

export type Plan =
  | { op: 'validate-code' | 'lookup'; plan: CodeSystemPlan }
  | { op: 'subsumes'; plan: SubsumesPlan }
  | { op: 'designation'; plan: DesignationPlan }
  | { op: 'expand'; plan: ExpandPlan }
  | { op: 'validate-code-vs'; plan: ValueSetCodePlan }
  | { op: 'translate'; plan: TranslatePlan }
  | { op: 'international'; plan: InternationalPlan };

export function planFor(id: ParsedTerminologyId, draw: Draw): Plan {
  if (id.scope === 'international') return { op: 'international', plan: internationalPlan(id.canonical, draw) };
  switch (id.op) {
    case 'validate-code':
    case 'lookup': return { op: id.op, plan: codeSystemPlan(id.canonical, draw) };
    case 'subsumes': return { op: 'subsumes', plan: subsumesPlan(id.canonical) };
    case 'designation': return { op: 'designation', plan: designationPlan(id.canonical, draw) };
    case 'expand': return { op: 'expand', plan: expandPlan(id.canonical, draw) };
    case 'validate-code-vs': return { op: 'validate-code-vs', plan: valueSetCodePlan(id.canonical, draw) };
    case 'translate': return { op: 'translate', plan: translatePlan(id.canonical, draw) };
  }
}
