// Number search semantics: implicit precision for eq/ne/ap, exact comparison for the ordered prefixes; quantity reuses it.
//
// Deliberate duplication of server/search/ (never imported): two independent implementations check each other.
//
// Choices: a target number is a point (JSON keeps no trailing zeros, so its written precision is lost); a Range
// target is the closed interval [low, high] with a missing end open. Several targets: any one matching suffices.
import { add, compare, fromNumber, implicitRange, negate, parseDecimal, tenthOfMagnitude } from './decimal.ts';
import type { Decimal } from './decimal.ts';
import { isRecord } from './json.ts';
import { matchesMissing } from './missing.ts';
import { UnsupportedSearchError } from './query.ts';
import type { ParsedValue } from './query.ts';

/** Closed interval; null = open end. A point target has lo = hi. */
export interface NumberInterval {
  lo: Decimal | null;
  hi: Decimal | null;
}

const le = (a: Decimal, b: Decimal) => compare(a, b) <= 0;
const lt = (a: Decimal, b: Decimal) => compare(a, b) < 0;

/** The prefix relation between search value `v` and one target interval. */
export function compareNumber(prefix: string, v: Decimal, t: NumberInterval): boolean {
  const { lo, hi } = implicitRange(v);
  // Spec table: "[parameter]=100 Values that equal 100, to 3 significant figures precision, so this is actually
  // searching for values in the range [99.5 ... 100.5)" — the search range fully contains the target.
  const contains = t.lo !== null && t.hi !== null && le(lo, t.lo) && lt(t.hi, hi);
  switch (prefix) {
    case 'eq':
      return contains;
    // "ne100: Values that are not equal to 100 (actually, in the range 99.5 to 100.5)"
    case 'ne':
      return !contains;
    // "When a comparison prefix in the set gt, lt, ge, le, sa & eb is provided, the implicit precision of the number
    // is ignored, and they are treated as if they have arbitrarily high precision"
    // "gt100: Values that are greater than exactly 100" (a Range: the part above 100 is not empty)
    case 'gt':
      return t.hi === null || lt(v, t.hi);
    // "lt100: Values that are less than exactly 100"
    case 'lt':
      return t.lo === null || lt(t.lo, v);
    // "ge100: Values that are greater or equal to exactly 100"
    case 'ge':
      return t.hi === null || le(v, t.hi);
    // "le100: Values that are less or equal to exactly 100"
    case 'le':
      return t.lo === null || le(t.lo, v);
    // "the range of the search value does not overlap with the range of the target value, and the range above the search value contains the range of the target value"
    case 'sa':
      return t.lo !== null && lt(v, t.lo);
    // "the range of the search value does not overlap with the range of the target value, and the range below the search value contains the range of the target value"
    case 'eb':
      return t.hi !== null && lt(t.hi, v);
    // "the recommended value for the approximation is 10% of the stated value": the target overlaps
    // v ± 10%, widened to the implicit range when that is larger (ap0.1 still matches 0.14).
    case 'ap': {
      const d = tenthOfMagnitude(v);
      const down = add(v, negate(d));
      const up = add(v, d);
      const wlo = lt(down, lo) ? down : lo;
      const whi = lt(hi, up) ? up : hi;
      return (t.lo === null || le(t.lo, whi)) && (t.hi === null || le(wlo, t.hi));
    }
    default:
      throw new SyntaxError(`unknown prefix ${prefix}`);
  }
}

function toDecimal(x: unknown): Decimal | undefined {
  return typeof x === 'number' ? fromNumber(x) : typeof x === 'string' ? parseDecimal(x) : undefined;
}

/** A number, or a Range of quantities used by a number parameter (RiskAssessment probability). */
function interval(node: unknown): NumberInterval | undefined {
  const point = toDecimal(node);
  if (point) return { lo: point, hi: point };
  if (!isRecord(node) || !('low' in node || 'high' in node)) return undefined;
  const low = isRecord(node.low) ? toDecimal(node.low.value) ?? null : null;
  const high = isRecord(node.high) ? toDecimal(node.high.value) ?? null : null;
  return low === null && high === null ? undefined : { lo: low, hi: high };
}

export function parseNumberValue(text: string): Decimal {
  const v = parseDecimal(text);
  if (!v) throw new SyntaxError(`not a number: ${JSON.stringify(text)}`);
  return v;
}

export function matches(targetNodes: unknown[], query: ParsedValue, modifier?: string): boolean {
  if (modifier === 'missing') return matchesMissing(targetNodes, query);
  if (modifier !== undefined) throw new UnsupportedSearchError(`number parameters take no :${modifier} modifier`);
  const v = parseNumberValue(query.value);
  return targetNodes.some((node) => {
    const t = interval(node);
    return t !== undefined && compareNumber(query.prefix ?? 'eq', v, t);
  });
}
