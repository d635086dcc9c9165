// Quantity search semantics: the number rules of number.ts plus a unit filter.
//
// Deliberate duplication of server/search/ (never imported): two independent implementations check each other.
//
// Choice: units compare literally — no UCUM conversion. The spec lets a server normalise ("may choose to perform a
// search based on canonical units"), so the suite plants and queries in one unit only.
import { fromNumber } from './decimal.ts';
import { isRecord } from './json.ts';
import { matchesMissing } from './missing.ts';
import { compareNumber, parseNumberValue } from './number.ts';
import type { NumberInterval } from './number.ts';
import { UnsupportedSearchError } from './query.ts';
import type { ParsedValue } from './query.ts';

interface UnitFilter {
  system: string;
  code: string;
}

function unitMatches(q: Record<string, unknown>, unit: UnitFilter | undefined): boolean {
  if (!unit) return true;
  // "[parameter]=[prefix][number]|[system]|[code] matches a quantity with the given unit"
  if (unit.system !== '') return q.system === unit.system && q.code === unit.code;
  // "5.4||mg: ... where the unit - either the code (code) or the stated human unit (unit) are "mg""
  return unit.code === '' || q.code === unit.code || q.unit === unit.code;
}

// A stored comparator ("<5") makes the quantity an open interval; it is not a point at 5.
function quantityInterval(q: Record<string, unknown>): NumberInterval | undefined {
  const v = typeof q.value === 'number' ? fromNumber(q.value) : undefined;
  if (!v) return undefined;
  if (q.comparator === '<' || q.comparator === '<=') return { lo: null, hi: v };
  if (q.comparator === '>' || q.comparator === '>=') return { lo: v, hi: null };
  return { lo: v, hi: v };
}

function interval(node: unknown, unit: UnitFilter | undefined): NumberInterval | undefined {
  if (!isRecord(node)) return undefined;
  if ('value' in node) return unitMatches(node, unit) ? quantityInterval(node) : undefined;
  // Range: each present bound must carry the unit.
  const low = isRecord(node.low) ? node.low : undefined;
  const high = isRecord(node.high) ? node.high : undefined;
  if (!low && !high) return undefined;
  if ((low && !unitMatches(low, unit)) || (high && !unitMatches(high, unit))) return undefined;
  const lo = low && typeof low.value === 'number' ? fromNumber(low.value) ?? null : null;
  const hi = high && typeof high.value === 'number' ? fromNumber(high.value) ?? null : null;
  return lo === null && hi === null ? undefined : { lo, hi };
}

export function matches(targetNodes: unknown[], query: ParsedValue, modifier?: string): boolean {
  if (modifier === 'missing') return matchesMissing(targetNodes, query);
  if (modifier !== undefined) throw new UnsupportedSearchError(`quantity parameters take no :${modifier} modifier`);
  if (query.parts.length !== 1 && query.parts.length !== 3) {
    throw new SyntaxError(`quantity value is n, n|system|code or n||code: ${JSON.stringify(query.raw)}`);
  }
  const v = parseNumberValue(query.parts[0]);
  const unit = query.parts.length === 3 ? { system: query.parts[1], code: query.parts[2] } : undefined;
  return targetNodes.some((node) => {
    const t = interval(node, unit);
    return t !== undefined && compareNumber(query.prefix ?? 'eq', v, t);
  });
}
