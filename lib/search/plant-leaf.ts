// Leaf values per search-parameter type: the match/second/decoy values a leaf element gets, the labelled queries
// that tell them apart, and each value's form as a composite component.
import type { SearchParamType } from '../matrix/types.ts';
import { codesOf, type ElementInfo } from './model.ts';
import { Unplantable } from './plant-path.ts';
import { digits } from './plant-required.ts';
import type { Variant } from './plant-variants.ts';
import type { PlantContext, Resolved, SubQuery } from './plant.ts';

const UCUM = 'http://unitsofmeasure.org';
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
// The match lies on the last day of a year, written in Tashkent time (+05:00): 2011-12-31T09:00Z, inside that day in
// every server zone from -08:59 to +14:00 (R5: "Where both search parameters and resource element date times do not
// have time zones, the servers local time zone should be assumed" — so a zone-less day is the server's day).
const DATES: Record<Variant, string> = { decoy: '2001-02-03T04:05:06Z', match: '2011-12-31T14:00:00+05:00', second: '2016-07-08T09:10:11Z' };
const DAYS: Record<Variant, string> = { decoy: '2001-02-03', match: '2011-12-31', second: '2016-07-08' };
// Crosses midnight, the month's and the year's end (09:30Z on 12-31 to 13:00Z on 01-01): it overlaps 2011-12-31 and
// 2012-01-01 and lies inside neither, in every zone from -08:59 to +14:00.
const ACROSS = { start: '2011-12-31T14:30:00+05:00', end: '2012-01-01T18:00:00+05:00' };
// Its local date (2015-01-01, +05:00) is a year after its UTC date (2014-12-31T21:30Z); queried with a third zone.
const ZONED = '2015-01-01T02:30:00+05:00';
const ZONED_QUERY = 'lt2014-12-31T17:00:00-05:00';
const QTY: Record<Variant, number> = { decoy: 2.1, match: 5.4, second: 7.5 };
const NUM: Record<Variant, number> = { decoy: 3, match: 11, second: 22 };

/** A further planted value that only a specific wrong implementation mistakes for (or against) a match. */
export interface Extra {
  value: unknown;
  /** The wrong implementation it tells from a correct one (said in a failure's reason). */
  catches: string;
}

interface LeafPlan {
  values: Record<Variant, unknown>;
  /** Further named values, planted in resources of their own (judged by the oracle like the three variants). */
  extras?: Record<string, Extra>;
  /** Token leaf with a system: the decoy has the match's code under another system. */
  systemDecoy?: boolean;
  queries: SubQuery[];
  /** The value of one variant as a composite component (`S|c`, `5.4|ucum|mg`, `2011-05-06`…). */
  component(v: Variant, r: Resolved): string;
}

const swapCase = (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

export const LEAF_TYPES: Record<Exclude<SearchParamType, 'composite' | 'special'>, readonly string[]> = {
  token: ['CodeableConcept', 'Coding', 'Identifier', 'ContactPoint', 'code', 'string', 'id', 'uri', 'boolean', 'CodeableReference', 'canonical'],
  string: ['string', 'markdown', 'HumanName', 'Address'],
  date: ['dateTime', 'date', 'instant', 'Period', 'Timing'],
  reference: ['Reference', 'canonical', 'CodeableReference', 'uri', 'url', 'string'],
  uri: ['uri', 'url', 'canonical', 'oid', 'uuid'],
  quantity: ['Quantity', 'Age', 'Duration', 'Distance', 'Count', 'SimpleQuantity', 'Money', 'Range'],
  number: ['decimal', 'integer', 'positiveInt', 'unsignedInt', 'integer64'],
};

export const q = (label: string, value: (r: Resolved) => string, modifier?: string): SubQuery => ({ label, value, modifier });
const esc = (s: string) => s.replace(/[\\,$|]/g, (c) => `\\${c}`);

export function leafPlan(ptype: SearchParamType, leaf: string, el: ElementInfo, ctx: PlantContext, refType?: string, refContains?: string): LeafPlan {
  const u = ctx.unique;
  switch (ptype) {
    case 'token': {
      if (leaf === 'boolean') {
        const values = { match: true, second: true, decoy: false };
        return { values, queries: [q('true', () => 'true'), q(':not=true', () => 'true', 'not')], component: (v) => String(values[v]) };
      }
      const withSystem = ['CodeableConcept', 'Coding', 'Identifier', 'CodeableReference'].includes(leaf);
      if (withSystem) {
        const s1 = `https://dhp-conformance.test/cs/${u}`, s2 = `https://dhp-conformance.test/cs/${u}-other`;
        const c1 = `m${u}`, c2 = `s${u}`;
        const pairs: Record<Variant, { system?: string; code: string }> = { match: { system: s1, code: c1 }, second: { code: c2 }, decoy: { system: s2, code: c1 } };
        // Only the match carries text (Coding.display, CodeableConcept.text, Identifier.type.text) and, for an
        // Identifier, a type coding: what :text and :of-type tell it from the rest by.
        const text = `Tx${u}Label`;
        const make = (p: { system?: string; code: string }, labelled = false): unknown => {
          if (leaf === 'Identifier') return { ...(p.system ? { system: p.system } : {}), value: p.code, ...(labelled ? { type: { coding: [{ system: V2_0203, code: 'MR' }], text } } : {}) };
          const coding = { ...(p.system ? { system: p.system } : {}), code: p.code, ...(labelled ? { display: text } : {}) };
          if (leaf === 'Coding') return coding;
          if (leaf === 'CodeableReference') return { concept: { coding: [coding] } };
          return { coding: [coding], ...(labelled ? { text } : {}) };
        };
        return {
          systemDecoy: true,
          values: { match: make(pairs.match, true), second: make(pairs.second), decoy: make(pairs.decoy) },
          // The decoy already is the match's code in another system; this is the match's system with another code.
          extras: { 'other-code': { value: make({ system: s1, code: `o${u}` }), catches: 'system|code matched on the system alone' } },
          queries: [
            q('system|code', () => `${esc(s1)}|${esc(c1)}`),
            q('system|code,|code (OR)', () => `${esc(s1)}|${esc(c1)},|${esc(c2)}`),
            q('code without system', () => esc(c1)),
            q('|code (no system)', () => `|${esc(c2)}`),
            q('system|', () => `${esc(s1)}|`),
            q(':not=system|code', () => `${esc(s1)}|${esc(c1)}`, 'not'),
            // R5 search-modifier-code text: "searches text associated with the code/value - either CodeableConcept.text,
            // Coding.display, Identifier.type.text" — basic string matching: a prefix, in another case.
            q(':text', () => `tx${u}lab`, 'text'),
            ...(leaf === 'Identifier' ? [q(':of-type', () => `${V2_0203}|MR|${esc(c1)}`, 'of-type')] : []),
          ],
          component: (v) => (v === 'second' ? `|${esc(c2)}` : `${esc(s1)}|${esc(c1)}`),
        };
      }
      const bound = leaf === 'code' ? codesOf(el.requiredValueSet).map((c) => c.code) : [];
      // codes[0] is what required-element filling writes; the planted values avoid it.
      const codes: Record<Variant, string> = bound.length >= 4 && new Set(bound.slice(1, 4)).size === 3
        ? { match: bound[1]!, second: bound[2]!, decoy: bound[3]! }
        : { match: `m${u}`, second: `s${u}`, decoy: `d${u}` };
      const mk = (c: string): unknown => (leaf === 'ContactPoint' ? { system: 'other', value: c } : leaf === 'uri' || leaf === 'canonical' ? `http://example.org/${c}` : c);
      const vals = { match: mk(codes.match), second: mk(codes.second), decoy: mk(codes.decoy) };
      const text = (v: Variant) => esc(leaf === 'uri' || leaf === 'canonical' ? `http://example.org/${codes[v]}` : codes[v]);
      return {
        values: vals,
        queries: [q('code', () => text('match')), q('code,code (OR)', () => `${text('match')},${text('second')}`), q(':not=code', () => text('match'), 'not')],
        component: (v) => text(v),
      };
    }
    case 'string': {
      const vals: Record<Variant, string> = { match: `Zm${u}Alpha`, second: `Zs${u}Beta`, decoy: `Zd${u}Gamma` };
      const mk = (s: string): unknown => (leaf === 'HumanName' ? { family: s } : leaf === 'Address' ? { city: s } : s);
      return {
        values: { match: mk(vals.match), second: mk(vals.second), decoy: mk(vals.decoy) },
        extras: {
          // R5: "The :exact modifier returns results that match the entire supplied parameter, including casing and accents."
          'case-only': { value: mk(swapCase(vals.match)), catches: ':exact compared without regard to case' },
          // R5: "This search is insensitive to casing and included combining characters, like accents or other
          // diacritical marks" — é, Ö, Cyrillic й and ё decompose to a base letter and a combining mark.
          accented: { value: mk(`Zé${u}Öйёx`), catches: 'accents (combining marks) not folded' },
          // R5: "a field matches a string query if the value of the field equals or starts with the supplied parameter
          // value" — the query's text inside a word, not at the start of the value.
          'mid-word': { value: mk(`Kzm${u}Alpha`), catches: 'string search matching anywhere in the value, not at its start' },
        },
        queries: [
          q('prefix, any case', () => `zm${u}`),
          q('prefix,prefix (OR)', () => `zm${u},zs${u}`),
          q(':exact', () => vals.match, 'exact'),
          q(':contains', () => `${u}alph`.toLowerCase(), 'contains'),
          q('prefix without accents', () => `ze${u}oие`),
        ],
        component: (v) => (v === 'match' ? `zm${u}` : v === 'second' ? `zs${u}` : `zd${u}`),
      };
    }
    case 'date': {
      const src = leaf === 'date' ? DAYS : DATES;
      const mk = (s: string): unknown => (leaf === 'Period' ? { start: s, end: s } : leaf === 'Timing' ? { event: [s] } : s);
      const exact = src.match;
      // A range that overlaps 2011-12-31 without lying inside it: a Period (Timing bounds) across midnight, or for
      // dateTime/date a value of month precision (its range is the whole of 2011-12). An instant has no such form.
      const straddle = leaf === 'Period' ? ACROSS : leaf === 'Timing' ? { repeat: { boundsPeriod: ACROSS } } : leaf === 'instant' ? undefined : '2011-12';
      const extras: Record<string, Extra> = {};
      if (straddle !== undefined) extras.straddle = { value: straddle, catches: 'a date range compared by overlap where R5 asks containment (eq, ne), or sa/eb read as gt/lt' };
      if (leaf !== 'date') extras.zoned = { value: mk(ZONED), catches: 'time zone offsets ignored (wall-clock times compared)' };
      return {
        values: { match: mk(src.match), second: mk(src.second), decoy: mk(src.decoy) },
        extras,
        queries: [
          q('eq day', () => DAYS.match),
          q('day,day (OR)', () => `${DAYS.match},${DAYS.second}`),
          ...(['gt', 'lt', 'ge', 'le', 'sa', 'eb'] as const).map((p) => q(p, () => `${p}${exact}`)),
          // R5 prefixes over ranges: "eq: the range of the search value fully contains the range of the target value"
          q('eq month', () => DAYS.match.slice(0, 7)),
          // "ne: the range of the search value does not fully contain the range of the target value"
          q('ne day', () => `ne${DAYS.match}`),
          // "sa: the range of the search value does not overlap with the range of the target value, and the range
          // above the search value contains the range of the target value"
          q('sa day', () => `sa${DAYS.match}`),
          // "eb: the range of the search value does not overlap with the range of the target value, and the range
          // below the search value contains the range of the target value" (the day after the match's)
          q('eb day', () => 'eb2012-01-01'),
          // "ap: the range of the search value overlaps with the range of the target value" (widened by the approximation)
          q('ap day', () => `ap${DAYS.match}`),
          ...(extras.zoned ? [q('lt, another zone', () => ZONED_QUERY)] : []),
        ],
        component: (v) => DAYS[v],
      };
    }
    case 'reference': {
      if (leaf === 'Reference' || leaf === 'CodeableReference' || leaf === 'string') {
        const targets = refType ? [refType] : el.targets.length ? el.targets : [];
        // `where(reference.contains('/Patient'))` cannot hold for a relative `Patient/id`: plant absolute (external) references.
        const external = refContains !== undefined && refType !== undefined && !`${refType}/x`.includes(refContains);
        const ph: Record<Variant, string> = external
          ? { match: `https://dhp-conformance.test/fhir/${refType}/m${u}`, second: `https://dhp-conformance.test/fhir/${refType}/s${u}`, decoy: `https://dhp-conformance.test/fhir/${refType}/d${u}` }
          : { match: ctx.target(targets, 0), second: ctx.target(targets, 1), decoy: ctx.target(targets, 2) };
        // A Reference match also carries an identifier and a display: what :identifier and :text tell it by.
        const labelled = leaf === 'Reference' && !external;
        const ident = { system: `https://dhp-conformance.test/ids/${u}`, value: `r${u}` };
        const mk = (p: string, label = false): unknown => (leaf === 'CodeableReference' ? { reference: { reference: p } } : leaf === 'string' ? p
          : { reference: p, ...(label && labelled ? { identifier: ident, display: `Rd${u}Name` } : {}) });
        return {
          values: { match: mk(ph.match, true), second: mk(ph.second), decoy: mk(ph.decoy) },
          queries: [
            q('Type/id', (r) => r.ref(ph.match)),
            q('Type/id,Type/id (OR)', (r) => `${r.ref(ph.match)},${r.ref(ph.second)}`),
            q('id', (r) => r.ref(ph.match).split('/').pop()!),
            // R5 search-modifier-code identifier: "The search parameter applies to the identifier on the resource, not the
            // reference"; text: "… or Reference.display".
            ...(labelled ? [q(':identifier', () => `${esc(ident.system)}|${esc(ident.value)}`, 'identifier'), q(':text', () => `rd${u}`, 'text')] : []),
          ],
          component: (v, r) => r.ref(ph[v]),
        };
      }
      const urls: Record<Variant, string> = {
        match: `http://example.org/fhir/StructureDefinition/m${u}`, second: `http://example.org/fhir/StructureDefinition/s${u}`, decoy: `http://example.org/fhir/StructureDefinition/d${u}`,
      };
      return {
        values: urls,
        queries: [q('canonical url', () => urls.match), q('url,url (OR)', () => `${urls.match},${urls.second}`)],
        component: (v) => urls[v],
      };
    }
    case 'uri': {
      const hier = leaf === 'uri' || leaf === 'url' || leaf === 'canonical';
      const vals: Record<Variant, string> = hier
        ? { match: `http://example.org/fhir/${u}/m/x`, second: `http://example.org/fhir/${u}/s/x`, decoy: `http://example.org/fhir/${u}/d/x` }
        : leaf === 'oid' ? { match: `urn:oid:1.2.${digits(u, 6)}.1`, second: `urn:oid:1.2.${digits(u, 6)}.2`, decoy: `urn:oid:1.2.${digits(u, 6)}.3` }
          : { match: `urn:uuid:${uuidish(u, '1')}`, second: `urn:uuid:${uuidish(u, '2')}`, decoy: `urn:uuid:${uuidish(u, '3')}` };
      return {
        values: vals,
        queries: [
          q('exact', () => vals.match),
          q('uri,uri (OR)', () => `${vals.match},${vals.second}`),
          ...(hier ? [q(':below', () => `http://example.org/fhir/${u}/m`, 'below'), q(':above', () => `${vals.match}/y`, 'above')] : []),
        ],
        component: (v) => vals[v],
      };
    }
    case 'quantity': {
      if (leaf === 'Money') {
        const mk = (n: number) => ({ value: n, currency: 'UZS' });
        return {
          values: { match: mk(QTY.match), second: mk(QTY.second), decoy: mk(QTY.decoy) },
          queries: [q('number', () => `${QTY.match}`), q('number,number (OR)', () => `${QTY.match},${QTY.second}`), q('gt', () => `gt${QTY.match}`), q('lt', () => `lt${QTY.match}`)],
          component: (v) => `${QTY[v]}`,
        };
      }
      const q1 = (n: number, code = 'mg', system = UCUM) => ({ value: n, unit: code, system, code });
      // A Range planted as [n, n]: the quantity search's range semantics then reduce to the value's.
      const mk = (n: number, code?: string, system?: string) => (leaf === 'Range' ? { low: q1(n, code, system), high: q1(n, code, system) } : q1(n, code, system));
      const full = (v: Variant, p = '') => `${p}${QTY[v]}|${UCUM}|mg`;
      return {
        values: { match: mk(QTY.match), second: mk(QTY.second), decoy: mk(QTY.decoy) },
        extras: {
          // R5: "[number]|[system]|[code] matches a quantity by value, system and code".
          'other-unit': { value: mk(QTY.match, 'kg'), catches: 'the unit ignored when system|code is given' },
          'other-system': { value: mk(QTY.match, 'mg', 'https://dhp-conformance.test/units'), catches: 'the unit system ignored when given' },
          // R5: "[parameter]=100: Values that equal 100, to 3 significant figures precision, so range [99.5 ... 100.5)";
          // with gt/lt/ge/le "the implicit precision of the number is ignored".
          'within-precision': { value: mk(5.44), catches: 'eq compared as exact equality, or gt/lt with the implicit precision' },
        },
        queries: [
          q('number|system|code', () => full('match')),
          q('number only', () => `${QTY.match}`),
          q('number||code', () => `${QTY.match}||mg`),
          q('OR', () => `${full('match')},${full('second')}`),
          ...(['gt', 'lt', 'ge', 'le'] as const).map((p) => q(p, () => full('match', p))),
        ],
        component: (v) => full(v),
      };
    }
    case 'number': {
      const values = { match: NUM.match, second: NUM.second, decoy: NUM.decoy };
      return {
        values,
        queries: [q('number', () => `${NUM.match}`), q('OR', () => `${NUM.match},${NUM.second}`), q('gt', () => `gt${NUM.match}`), q('lt', () => `lt${NUM.match}`)],
        component: (v) => `${NUM[v]}`,
      };
    }
  }
  throw new Unplantable(`no values for ${ptype}`);
}

function uuidish(seed: string, last: string): string {
  const d = digits(seed, 12);
  return `00000000-0000-4000-8000-${d.slice(0, 11)}${last}`;
}
