// Date search semantics: every value is a time range, and prefixes are relations between the search range and the target range.
//
// Deliberate duplication of server/search/ (never imported): two independent implementations check each other.
//
// Choices the spec leaves open, fixed here:
// - A value without a time zone (including date-only values) is read as UTC. The spec says "the servers local
//   time zone should be assumed"; the suite therefore plants times away from day boundaries in every zone.
// - Instants and dateTimes get the range of their written precision (seconds → 1 s wide, .123 → 1 ms wide),
//   not width 0: JSON carries no type, and the difference only shows at sub-precision boundaries.
// - "range above/below the search value" is the range above/below the whole search range (HAPI and Firely agree):
//   gt2013-01-14 does not match 2013-01-14T10:00, ge2013-01-14 does.
// - Several target values: the resource matches if any one does (also for ne).
// - ap widens the search range on both sides by 10% of the gap between `now` and it, with no floor: the value's
//   own precision already gives it width.
import { isRecord } from './json.ts';
import { matchesMissing } from './missing.ts';
import { UnsupportedSearchError } from './query.ts';
import type { MatchOptions, ParsedValue } from './query.ts';

/** Half-open [lo, hi) in epoch milliseconds; ±Infinity for an open end. */
export interface DateRange {
  lo: number;
  hi: number;
}

const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

// Date.UTC maps years 0–99 to 1900–1999; FHIR years are literal. Shifting by one Gregorian cycle (400 years,
// exactly 146097 days) sidesteps that and keeps Date.UTC's month/day overflow (month 12 = next January).
const CYCLE_MS = 146_097 * 86_400_000;
function utc(year: number, month: number, day = 1, h = 0, mi = 0, s = 0, ms = 0): number {
  return Date.UTC(year + 400, month, day, h, mi, s, ms) - CYCLE_MS;
}

/** The implicit range of a date, dateTime or instant string (search value or target), or undefined when it is not one. */
export function rangeOf(value: string): DateRange | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  if (mo === undefined) return { lo: utc(year, 0), hi: utc(year + 1, 0) };
  const month = Number(mo) - 1;
  if (month > 11) return undefined;
  if (d === undefined) return { lo: utc(year, month), hi: utc(year, month + 1) };
  const day = Number(d);
  if (day < 1 || day > new Date(utc(year, month + 1, 0)).getUTCDate()) return undefined;
  if (h === undefined) return { lo: utc(year, month, day), hi: utc(year, month, day + 1) };
  const hour = Number(h), minute = Number(mi), second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const digits = frac ?? '';
  const ms = Number((digits + '000').slice(0, 3));
  const width = s === undefined ? 60_000 : digits.length === 0 ? 1000 : 10 ** Math.max(0, 3 - digits.length);
  let offsetMin = 0;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    offsetMin = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const lo = utc(year, month, day, hour, minute, second, ms) - offsetMin * 60_000;
  return { lo, hi: lo + width };
}

function periodRange(p: Record<string, unknown>): DateRange | undefined {
  const start = typeof p.start === 'string' ? rangeOf(p.start) : undefined;
  const end = typeof p.end === 'string' ? rangeOf(p.end) : undefined;
  if (!start && !end) return undefined;
  // Spec: "Implicitly, a missing lower boundary is "less than" any actual date. A missing upper boundary is "greater than" any actual date."
  return { lo: start ? start.lo : -Infinity, hi: end ? end.hi : Infinity };
}

// Spec (Timing): "the specified scheduling details are ignored and only the outer limits matter".
function timingRange(t: Record<string, unknown>): DateRange | undefined {
  const ranges: DateRange[] = [];
  for (const e of Array.isArray(t.event) ? t.event : []) {
    const r = typeof e === 'string' ? rangeOf(e) : undefined;
    if (r) ranges.push(r);
  }
  const bounds = isRecord(t.repeat) && isRecord(t.repeat.boundsPeriod) ? periodRange(t.repeat.boundsPeriod) : undefined;
  if (bounds) ranges.push(bounds);
  if (ranges.length === 0) return undefined;
  return { lo: Math.min(...ranges.map((r) => r.lo)), hi: Math.max(...ranges.map((r) => r.hi)) };
}

/** The range of one target node: a date/dateTime/instant string, a Period, or a Timing; undefined when it has none. */
export function targetRange(node: unknown): DateRange | undefined {
  if (typeof node === 'string') return rangeOf(node);
  if (!isRecord(node)) return undefined;
  if ('event' in node || 'repeat' in node || 'code' in node) return timingRange(node);
  return periodRange(node);
}

// Spec: "the recommended value for the approximation is 10% of the stated value (or for a date, 10% of the gap between now and the date)".
function approximately(search: DateRange, now: number): DateRange {
  const gap = now < search.lo ? search.lo - now : now >= search.hi ? now - search.hi : 0;
  return { lo: search.lo - gap / 10, hi: search.hi + gap / 10 };
}

/** The prefix relation between one search range and one target range (R5 search, "Prefixes", range column). */
export function compareRanges(prefix: string, s: DateRange, t: DateRange, now: number): boolean {
  // "the range of the search value fully contains the range of the target value"
  const contains = s.lo <= t.lo && t.hi <= s.hi;
  // "the range above the search value intersects (i.e. overlaps) with the range of the target value"
  const aboveOverlaps = t.hi > s.hi;
  // "the range below the search value intersects (i.e. overlaps) with the range of the target value"
  const belowOverlaps = t.lo < s.lo;
  switch (prefix) {
    case 'eq':
      return contains;
    // "the range of the search value does not fully contain the range of the target value"
    case 'ne':
      return !contains;
    case 'gt':
      return aboveOverlaps;
    case 'lt':
      return belowOverlaps;
    // "the range above the search value intersects (i.e. overlaps) with the range of the target value, or the range of the search value fully contains the range of the target value"
    case 'ge':
      return aboveOverlaps || contains;
    // "the range below the search value intersects (i.e. overlaps) with the range of the target value or the range of the search value fully contains the range of the target value"
    case 'le':
      return belowOverlaps || contains;
    // "the range of the search value does not overlap with the range of the target value, and the range above the search value contains the range of the target value"
    case 'sa':
      return t.lo >= s.hi;
    // "the range of the search value does not overlap with the range of the target value, and the range below the search value contains the range of the target value"
    case 'eb':
      return t.hi <= s.lo;
    // "the range of the search value overlaps with the range of the target value" (after widening, see approximately)
    case 'ap': {
      const w = approximately(s, now);
      return t.lo < w.hi && t.hi > w.lo;
    }
    default:
      throw new SyntaxError(`unknown prefix ${prefix}`);
  }
}

export function matches(targetNodes: unknown[], query: ParsedValue, modifier?: string, options?: MatchOptions): boolean {
  if (modifier === 'missing') return matchesMissing(targetNodes, query);
  if (modifier !== undefined) throw new UnsupportedSearchError(`date parameters take no :${modifier} modifier`);
  const search = rangeOf(query.value);
  if (!search) throw new SyntaxError(`not a FHIR date: ${JSON.stringify(query.value)}`);
  const now = (options?.now ?? new Date()).getTime();
  return targetNodes.some((node) => {
    const target = targetRange(node);
    return target !== undefined && compareRanges(query.prefix ?? 'eq', search, target, now);
  });
}
