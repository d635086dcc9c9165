// Per-kind index extraction: fhirpath result nodes (with their FHIR types) → normalised index values.
// Independent of lib/search (the harness oracle): never import from there.
//
// What each kind takes (anything else a param's expression yields is not indexed):
// - token: Coding (system, code, display), CodeableConcept (each coding; its text as a text-only value), Identifier
//   (system, value, type.text), ContactPoint (value), Quantity (system, code), code/string/id/uri/boolean/… (value).
// - string: string/markdown/code/…; HumanName (family, given, prefix, suffix, text); Address (line, city, district,
//   state, postalCode, country, text).
// - date: date/dateTime/instant at their precision; Period (open start/end = -∞/+∞); Timing: every event[] and the
//   repeat.boundsPeriod (boundsDuration/boundsRange are not dates and are skipped). Age/Range/string onsets skipped.
// - number: decimal/integer kinds as points; Quantity.value; Range as [low.value, high.value].
// - quantity: Quantity and its profiles (Age, Duration, Count, Distance, SimpleQuantity, MoneyQuantity) as points;
//   Money (currency as code, system urn:iso:std:iso:4217); Range [low, high] with low's (or high's) unit.
//   SampledData is ignored.
// - reference: Reference.reference (Type/id, absolute …/Type/id, urn:…, with _history stripped), Reference.identifier;
//   canonical/uri/string values (a canonical `url|version` keeps its version apart).
// - uri: uri/url/canonical/string values.

import fhirpath from 'fhirpath';
import { type DateRange, NEG_INF, POS_INF, parseDateRange } from './dates.ts';
import { normaliseString } from './normalize.ts';
import { parseReference } from './values.ts';
import type { ValueKind } from './params.ts';

export interface TokenRow { system: string | null; code: string | null; text: string | null }
export interface StringRow { norm: string; raw: string }
export interface RangeRow { low: number; high: number }
export interface QuantityRow extends RangeRow { system: string | null; code: string | null; unit: string | null }
export interface RefRow {
  rtype: string | null; rid: string | null; url: string | null; version: string | null;
  identSystem: string | null; identValue: string | null;
}
export interface UriRow { uri: string }

export type Rows =
  | { kind: 'token'; rows: TokenRow[] }
  | { kind: 'string'; rows: StringRow[] }
  | { kind: 'date'; rows: RangeRow[] }
  | { kind: 'number'; rows: RangeRow[] }
  | { kind: 'quantity'; rows: QuantityRow[] }
  | { kind: 'reference'; rows: RefRow[] }
  | { kind: 'uri'; rows: UriRow[] };

type Obj = Record<string, unknown>;
interface Typed { type: string; value: unknown }

const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Duration', 'Count', 'Distance', 'SimpleQuantity', 'MoneyQuantity']);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Pairs each result node with its FHIR type name (without `FHIR.` / `System.`), guessing from shape when unknown. */
export function typedValues(nodes: unknown[]): Typed[] {
  const types = fhirpath.types(nodes);
  const values = fhirpath.resolveInternalTypes(nodes) as unknown[];
  return values.map((value, i) => {
    const t = (types[i] ?? '').replace(/^(FHIR|System)\./, '');
    return { type: t && t !== 'Element' && t !== 'BackboneElement' ? t : guessType(value), value };
  });
}

function guessType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'decimal';
  if (typeof v === 'boolean') return 'boolean';
  if (!isObj(v)) return '';
  if ('coding' in v) return 'CodeableConcept';
  if ('reference' in v || ('identifier' in v && 'display' in v)) return 'Reference';
  if ('start' in v || 'end' in v) return 'Period';
  if ('value' in v && ('unit' in v || 'code' in v) && typeof v.value === 'number') return 'Quantity';
  if ('system' in v && 'code' in v) return 'Coding';
  if ('system' in v && 'value' in v) return 'Identifier';
  return '';
}

function tokens({ type, value }: Typed): TokenRow[] {
  // System.Boolean (an expression's own result, e.g. `deceased != false`) arrives as type 'Boolean'.
  if (type === 'boolean' || typeof value === 'boolean') return [{ system: null, code: String(value), text: null }];
  if (typeof value === 'string' || typeof value === 'number') return [{ system: null, code: String(value), text: null }];
  if (!isObj(value)) return [];
  switch (type) {
    case 'Coding':
      return value.code === undefined && !str(value.display) ? [] : [{ system: str(value.system), code: str(value.code), text: str(value.display) }];
    case 'CodeableConcept': {
      const rows = arr(value.coding).flatMap((c) => tokens({ type: 'Coding', value: c }));
      if (str(value.text)) rows.push({ system: null, code: null, text: str(value.text) });
      return rows;
    }
    case 'Identifier': {
      const typeText = isObj(value.type) ? str(value.type.text) : null;
      return str(value.value) || typeText ? [{ system: str(value.system), code: str(value.value), text: typeText }] : [];
    }
    case 'ContactPoint':
      return str(value.value) ? [{ system: null, code: str(value.value), text: null }] : [];
    default:
      if (QUANTITY_TYPES.has(type)) return str(value.code) ? [{ system: str(value.system), code: str(value.code), text: str(value.unit) }] : [];
      return [];
  }
}

function strings({ type, value }: Typed): string[] {
  if (typeof value === 'string') return [value];
  if (!isObj(value)) return [];
  const pick = (keys: string[]) => keys.flatMap((k) => arr(value[k])).filter((v): v is string => typeof v === 'string' && v !== '');
  if (type === 'HumanName') return pick(['family', 'given', 'prefix', 'suffix', 'text']);
  if (type === 'Address') return pick(['line', 'city', 'district', 'state', 'postalCode', 'country', 'text']);
  return [];
}

function dateRanges({ type, value }: Typed): RangeRow[] {
  if (typeof value === 'string') {
    const r = parseDateRange(value);
    return r ? [r] : [];
  }
  if (!isObj(value)) return [];
  if (type === 'Period') {
    const s: DateRange | null = typeof value.start === 'string' ? parseDateRange(value.start) : null;
    const e: DateRange | null = typeof value.end === 'string' ? parseDateRange(value.end) : null;
    if (!s && !e) return [];
    return [{ low: s ? s.low : NEG_INF, high: e ? e.high : POS_INF }];
  }
  if (type === 'Timing') {
    const events = arr(value.event).flatMap((ev) => dateRanges({ type: 'dateTime', value: ev }));
    const repeat = isObj(value.repeat) ? value.repeat : {};
    const bounds = isObj(repeat.boundsPeriod) ? dateRanges({ type: 'Period', value: repeat.boundsPeriod }) : [];
    return [...events, ...bounds];
  }
  return [];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function quantities({ type, value }: Typed): QuantityRow[] {
  if (typeof value === 'number') return [{ low: value, high: value, system: null, code: null, unit: null }];
  if (!isObj(value)) return [];
  if (QUANTITY_TYPES.has(type) || type === 'Money') {
    const v = num(value.value);
    if (v === null) return [];
    if (type === 'Money') return [{ low: v, high: v, system: 'urn:iso:std:iso:4217', code: str(value.currency), unit: null }];
    return [{ low: v, high: v, system: str(value.system), code: str(value.code), unit: str(value.unit) }];
  }
  if (type === 'Range') {
    const lo = isObj(value.low) ? value.low : {};
    const hi = isObj(value.high) ? value.high : {};
    const l = num(lo.value);
    const h = num(hi.value);
    if (l === null && h === null) return [];
    const u = l !== null ? lo : hi;
    return [{ low: l ?? NEG_INF, high: h ?? POS_INF, system: str(u.system), code: str(u.code), unit: str(u.unit) }];
  }
  return [];
}

function refFromString(s: string): RefRow {
  const clean = s.replace(/\/_history\/[^/]+$/, '');
  const r = parseReference(clean);
  return {
    rtype: r.rtype ?? null, rid: r.rid && r.rtype ? r.rid : null,
    url: r.url ?? (r.rtype ? null : clean), version: r.version ?? null, identSystem: null, identValue: null,
  };
}

function references({ type, value }: Typed): RefRow[] {
  if (typeof value === 'string') return value.startsWith('#') ? [] : [refFromString(value)];
  if (!isObj(value) || (type !== 'Reference' && type !== 'CodeableReference')) return [];
  if (type === 'CodeableReference') return isObj(value.reference) ? references({ type: 'Reference', value: value.reference }) : [];
  const rows: RefRow[] = [];
  const ref = str(value.reference);
  if (ref && !ref.startsWith('#')) rows.push(refFromString(ref));
  if (isObj(value.identifier) && str(value.identifier.value)) {
    rows.push({ rtype: null, rid: null, url: null, version: null, identSystem: str(value.identifier.system), identValue: str(value.identifier.value) });
  }
  return rows;
}

/** Index values of one kind from a param's result nodes. */
export function extract(kind: ValueKind, nodes: unknown[]): Rows {
  const typed = typedValues(nodes);
  switch (kind) {
    case 'token':
      return { kind, rows: typed.flatMap(tokens) };
    case 'string':
      return { kind, rows: typed.flatMap(strings).map((raw) => ({ raw, norm: normaliseString(raw) })) };
    case 'date':
      return { kind, rows: typed.flatMap(dateRanges) };
    case 'number':
      return { kind, rows: typed.flatMap(quantities).map(({ low, high }) => ({ low, high })) };
    case 'quantity':
      return { kind, rows: typed.flatMap(quantities) };
    case 'reference':
      return { kind, rows: typed.flatMap(references) };
    case 'uri':
      return { kind, rows: typed.flatMap((t) => (typeof t.value === 'string' && t.value ? [{ uri: t.value }] : [])) };
  }
}

/**
 * Rows for the modifiers that search beside a param's own values: `:of-type` on a token (each Identifier type coding
 * with the identifier's value: system = type system, code = `typeCode|value`) and `:text` on a reference
 * (Reference.display, as a string).
 */
export function modifierRows(kind: ValueKind, nodes: unknown[]): { ofType: TokenRow[]; display: StringRow[] } {
  const ofType: TokenRow[] = [];
  const display: StringRow[] = [];
  for (const { type, value } of typedValues(nodes)) {
    if (!isObj(value)) continue;
    if (kind === 'token' && type === 'Identifier' && str(value.value) && isObj(value.type)) {
      for (const c of arr(value.type.coding)) if (isObj(c) && str(c.code)) ofType.push({ system: str(c.system), code: `${c.code}|${value.value}`, text: null });
    }
    if (kind === 'reference' && type === 'Reference' && str(value.display)) display.push({ raw: value.display as string, norm: normaliseString(value.display as string) });
  }
  return { ofType, display };
}
