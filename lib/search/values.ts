// Generated planting cases for the search suite: values the oracle itself certifies as match, second match and decoy.
//
// API — every generator is a fast-check Arbitrary<SearchCase>:
//   arbitraryDateCase(element)      element: 'date' | 'dateTime' | 'instant' | 'Period' | 'Timing'
//   arbitraryNumberCase()           integer values (valid for integer and decimal elements)
//   arbitraryQuantityCase()         UCUM mg; the decoy differs either in value or in unit only
//   arbitraryStringCase(element)    element: 'string' | 'HumanName' | 'Address'; Uzbek Latin and Cyrillic names, case retyped
//   arbitraryTokenCase(element)     element: 'Coding' | 'CodeableConcept' | 'Identifier' | 'code'
//   arbitraryReferenceCase(type?)   references to `type` (default Patient); the decoy has the same id, another type
//   arbitraryUriCase()              exact match; the decoy extends the match by a path segment
// Plant `match` and `secondMatch` in two resources and `decoy` in a third (as the element the parameter's
// expression selects), then search `name=query` and `name=orQuery`: both must return the
// two matches and not the decoy. `query`/`orQuery` are FHIR-escaped, not URL-encoded.
// Each generator filters its output through the oracle (`holds`), so a case is consistent by construction.
// Dates avoid `ap` and lie ≥ 1 year from both each other and day boundaries in UTC and UTC+05:00 (see date.ts).
// References point at ids that need not exist: for servers that check referential integrity, create
// `${type}/${id}` targets first (ids are in the reference strings).
import fc from 'fast-check';
import type { SearchParamType } from '../matrix/types.ts';
import { matcherFor } from './matchers.ts';
import { formatOr, formatValue, parseQuery } from './query.ts';
import type { Prefix } from './query.ts';

export interface SearchCase<V = unknown> {
  /** The parameter type the case is for (selects the oracle's matcher). */
  type: SearchParamType;
  match: V;
  secondMatch: V;
  decoy: V;
  /** Selects match and secondMatch, not decoy (a single value where the type allows one, else an OR list). */
  query: string;
  /** The same selection written as an OR list `a,b`. */
  orQuery: string;
}

/** Whether the oracle agrees with the case: both queries select match and secondMatch, and neither selects decoy. */
export function holds(c: SearchCase): boolean {
  const matcher = matcherFor(c.type);
  const selects = (raw: string, node: unknown) => {
    const alternatives = parseQuery(raw, c.type);
    return alternatives.some((q) => matcher([node], q));
  };
  return [c.query, c.orQuery].every(
    (q) => selects(q, c.match) && selects(q, c.secondMatch) && !selects(q, c.decoy),
  );
}

// ---- dates ----------------------------------------------------------------------------------------------------

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const year = (ms: number) => new Date(ms).getUTCFullYear();

export type DateElement = 'date' | 'dateTime' | 'instant' | 'Period' | 'Timing';

// 09:00–14:59 at +05:00 is 04:00–09:59 UTC: the same calendar day in Tashkent and in UTC.
function dateElement(element: DateElement, dayMs: number, minuteOfWindow: number): unknown {
  const d = iso(dayMs);
  const hh = String(9 + Math.floor(minuteOfWindow / 60)).padStart(2, '0');
  const mm = String(minuteOfWindow % 60).padStart(2, '0');
  const dateTime = `${d}T${hh}:${mm}:00+05:00`;
  switch (element) {
    case 'date':
      return d;
    case 'dateTime':
    case 'instant':
      return dateTime;
    case 'Period':
      return { start: dateTime, end: `${d}T15:00:00+05:00` };
    case 'Timing':
      return { event: [dateTime] };
  }
}

/** Far values and ordering prefixes: the case exercises eq/ne/gt/lt/ge/le/sa/eb and year/day precision, never ap. */
export function arbitraryDateCase(element: DateElement): fc.Arbitrary<SearchCase> {
  const day = fc.integer({ min: Date.UTC(1930, 0, 1) / DAY, max: Date.UTC(2090, 0, 1) / DAY }).map((d) => d * DAY);
  const prefix = fc.constantFrom<Prefix | 'year'>('gt', 'ge', 'lt', 'le', 'sa', 'eb', 'ne', 'year');
  return fc
    .record({ d: day, prefix, m1: fc.integer({ min: 0, max: 359 }), m2: fc.integer({ min: 0, max: 359 }), spread: fc.integer({ min: 2, max: 8 }) })
    .map(({ d, prefix: p, m1, m2, spread }) => {
      const yearMs = 366 * DAY;
      // Matches sit `spread` years to one side of the search day, the decoy the same distance to the other.
      const side = p === 'lt' || p === 'le' || p === 'eb' ? -1 : 1;
      let a = d + side * spread * yearMs, b = d + side * 2 * spread * yearMs, x = d - side * spread * yearMs;
      let query = formatValue([iso(d)], p === 'year' ? undefined : p);
      if (p === 'ne') [a, b, x] = [d + spread * yearMs, d - spread * yearMs, d];
      if (p === 'year') {
        // eq at year precision: two days of one year match, a day of another year does not.
        const first = Date.UTC(year(d), 0, 1);
        [a, b, x] = [first + 10 * DAY, first + 200 * DAY, first - 200 * DAY];
        query = String(year(d));
      }
      const c: SearchCase = {
        type: 'date',
        match: dateElement(element, a, m1),
        secondMatch: dateElement(element, b, m2),
        decoy: dateElement(element, x, m1),
        query,
        orQuery: formatOr([formatValue([iso(a)]), formatValue([iso(b)])]),
      };
      return c;
    })
    .filter(holds);
}

// ---- numbers and quantities -----------------------------------------------------------------------------------

const PREFIX_CASES: readonly Prefix[] = ['gt', 'ge', 'lt', 'le', 'ne'];

function numericTriple(p: Prefix, v: number, gap: number): [number, number, number] {
  if (p === 'ne') return [v + gap, v - gap, v];
  const side = p === 'lt' || p === 'le' ? -1 : 1;
  return [v + side * gap, v + side * 2 * gap, v - side * gap];
}

export function arbitraryNumberCase(): fc.Arbitrary<SearchCase<number>> {
  return fc
    .record({ p: fc.constantFrom(...PREFIX_CASES), v: fc.integer({ min: -1_000_000, max: 1_000_000 }), gap: fc.integer({ min: 10, max: 100_000 }) })
    .map(({ p, v, gap }) => {
      const [a, b, x] = numericTriple(p, v, gap);
      return {
        type: 'number' as const,
        match: a,
        secondMatch: b,
        decoy: x,
        query: formatValue([String(v)], p),
        orQuery: formatOr([String(a), String(b)]),
      };
    })
    .filter(holds);
}

const UCUM = 'http://unitsofmeasure.org';

export interface QuantityValue {
  value: number;
  unit: string;
  system: string;
  code: string;
}

const mg = (value: number, code = 'mg'): QuantityValue => ({ value, unit: code, system: UCUM, code });

export function arbitraryQuantityCase(): fc.Arbitrary<SearchCase<QuantityValue>> {
  return fc
    .record({
      p: fc.constantFrom(...PREFIX_CASES),
      v: fc.integer({ min: 0, max: 100_000 }),
      gap: fc.integer({ min: 10, max: 10_000 }),
      unitDecoy: fc.boolean(),
    })
    .map(({ p, v, gap, unitDecoy }) => {
      const [a, b, x] = numericTriple(p, v, gap);
      return {
        type: 'quantity' as const,
        match: mg(a),
        secondMatch: mg(b),
        // A unit-only decoy catches servers that ignore system|code.
        decoy: unitDecoy ? mg(a, 'kg') : mg(x),
        query: formatValue([String(v), UCUM, 'mg'], p),
        orQuery: formatOr([formatValue([String(a), UCUM, 'mg']), formatValue([String(b), UCUM, 'mg'])]),
      };
    })
    .filter(holds);
}

// ---- strings --------------------------------------------------------------------------------------------------

// Stems written with the official ʻ (U+02BB); queries retype them in other cases but keep the apostrophe as written:
// that its other shapes (ʼ ' ‘ ’ `) are the same letter is Uzbek usage, which neither R5 nor the platform's page states
// (the advisory capability search:string-uzbek-apostrophes checks it on its own).
const LATIN_STEMS = ['Oʻgʻil', 'Gʻayrat', 'Shahno', 'Oʻrinbo', 'Toshpoʻlat', 'Mahliyo', 'Dilnoʻza', 'Qodirjon'];
const CYRILLIC_STEMS = ['Шаҳноз', 'Ўлмас', 'Тошкент', 'Ғайрат', 'Қодиржон', 'Гулчеҳр', 'Ўзбекистон', 'Ҳилол'];

export type StringElement = 'string' | 'HumanName' | 'Address';

function stringElement(element: StringElement, text: string): unknown {
  if (element === 'HumanName') return { family: text };
  if (element === 'Address') return { city: text };
  return text;
}

const suffix = fc.string({ unit: fc.constantFrom(...'abdegiklmnoprstuvxyz'), minLength: 1, maxLength: 4 });

/** Prefix queries in another case; the decoy is a name from another stem. */
export function arbitraryStringCase(element: StringElement): fc.Arbitrary<SearchCase> {
  const stems = [...LATIN_STEMS, ...CYRILLIC_STEMS];
  return fc
    .record({
      stem: fc.constantFrom(...stems),
      other: fc.constantFrom(...stems),
      s1: suffix,
      s2: suffix,
      cut: fc.integer({ min: 3, max: 12 }),
      upper: fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
    })
    .filter(({ stem, other }) => stem !== other)
    .map(({ stem, other, s1, s2, cut, upper }) => {
      const retype = (text: string) => [...text].map((ch, i) => (upper[i % 16] ? ch.toUpperCase() : ch.toLowerCase())).join('');
      const a = stem + s1, b = stem + s2 + s1;
      return {
        type: 'string' as const,
        match: stringElement(element, a),
        secondMatch: stringElement(element, b),
        decoy: stringElement(element, other + s1),
        query: formatValue([retype([...stem].slice(0, cut).join(''))]),
        orQuery: formatOr([formatValue([retype(a)]), formatValue([retype(b)])]),
      };
    })
    .filter(holds);
}

// ---- tokens, references, uris ---------------------------------------------------------------------------------

const slug = fc.string({ unit: fc.constantFrom(...'abcdefghijkmnpqrstuvwxyz23456789'), minLength: 6, maxLength: 10 });

export type TokenElement = 'Coding' | 'CodeableConcept' | 'Identifier' | 'code';

function tokenElement(element: TokenElement, system: string, code: string): unknown {
  switch (element) {
    case 'Coding':
      return { system, code };
    case 'CodeableConcept':
      return { coding: [{ system, code }] };
    case 'Identifier':
      return { system, value: code };
    case 'code':
      return code;
  }
}

/**
 * system|code pairs; the decoy has the match's code in another system, so a server that ignores the system fails.
 * For `code` elements (no system in the data) the query is plain codes and the decoy another code.
 */
export function arbitraryTokenCase(element: TokenElement): fc.Arbitrary<SearchCase> {
  return fc
    .record({ ns: slug, c1: slug, c2: slug, c3: slug })
    .filter(({ c1, c2, c3 }) => new Set([c1, c2, c3].map((c) => c.toLowerCase())).size === 3)
    .map(({ ns, c1, c2, c3 }) => {
      const sys = `https://dhp.uz/fhir/test/CodeSystem/${ns}`;
      const other = `${sys}-other`;
      const plain = element === 'code';
      const alt = (code: string) => (plain ? formatValue([code]) : formatValue([sys, code]));
      const query = formatOr([alt(c1), alt(c2)]);
      return {
        type: 'token' as const,
        match: tokenElement(element, sys, c1),
        secondMatch: tokenElement(element, sys, c2),
        decoy: plain ? c3 : tokenElement(element, other, c1),
        query,
        orQuery: query,
      };
    })
    .filter(holds);
}

export function arbitraryReferenceCase(type = 'Patient', decoyType = 'Practitioner'): fc.Arbitrary<SearchCase> {
  return fc
    .record({ id1: slug, id2: slug })
    .filter(({ id1, id2 }) => id1 !== id2)
    .map(({ id1, id2 }) => {
      const query = formatOr([`${type}/${id1}`, `${type}/${id2}`].map((r) => formatValue([r])));
      return {
        type: 'reference' as const,
        match: { reference: `${type}/${id1}` },
        secondMatch: { reference: `${type}/${id2}` },
        decoy: { reference: `${decoyType}/${id1}` },
        query,
        orQuery: query,
      };
    })
    .filter(holds);
}

export function arbitraryUriCase(): fc.Arbitrary<SearchCase<string>> {
  return fc
    .record({ a: slug, b: slug })
    .filter(({ a, b }) => a !== b)
    .map(({ a, b }) => {
      const m = `https://dhp.uz/fhir/test/${a}`, s = `https://dhp.uz/fhir/test/${b}`;
      const query = formatOr([formatValue([m]), formatValue([s])]);
      // A decoy that only extends the match catches servers that treat a plain uri search as starts-with.
      return { type: 'uri' as const, match: m, secondMatch: s, decoy: `${m}/extra`, query, orQuery: query };
    })
    .filter(holds);
}
