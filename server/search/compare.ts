// The R5 prefix table as SQL over a target range [low, high] (closed) against a search range [sl, sh) (half-open).
// Used for date (ms), number and quantity. Independent of lib/search (the harness oracle): never import from there.
//
// Target ranges: a date is its precision range in whole ms (closed: high = next unit - 1), a Period is
// [start.low, end.high] with open ends at NEG_INF/POS_INF; a stored number/quantity is a point [v, v] (the stored
// value's own precision is not kept — fhirpath hands it over as a JS number).
// Search ranges: the implicit precision range of the value, half-open: 2020 → [2020-01-01, 2021-01-01),
// 100 → [99.5, 100.5).
//
// "The range above the search value" is [sh, +∞) and "the range below the search value" is (-∞, sl).

import type { Prefix } from './values.ts';

export interface Cond {
  sql: string;
  args: unknown[];
}

export interface SearchRange {
  sl: number;
  sh: number;
}

/** Condition on columns `low`/`high` (qualified by `alias.` when given). ap uses the widened range `ap`. */
export function prefixCondition(prefix: Prefix, r: SearchRange, ap: SearchRange, alias = ''): Cond {
  const low = `${alias}low`;
  const high = `${alias}high`;
  // "eq: the range of the search value fully contains the range of the target value"
  const eq: Cond = { sql: `(${low} >= ? AND ${high} < ?)`, args: [r.sl, r.sh] };
  switch (prefix) {
    case 'eq':
      return eq;
    // "ne: the range of the search value does not fully contain the range of the target value"
    case 'ne':
      return { sql: `NOT ${eq.sql}`, args: eq.args };
    // "gt: the range above the search value intersects (i.e. overlaps) with the range of the target value"
    case 'gt':
      return { sql: `(${high} >= ?)`, args: [r.sh] };
    // "lt: the range below the search value intersects (i.e. overlaps) with the range of the target value"
    case 'lt':
      return { sql: `(${low} < ?)`, args: [r.sl] };
    // "ge: the range above the search value intersects (i.e. overlaps) with the range of the target value,
    //  or the range of the search value fully contains the range of the target value"
    case 'ge':
      return { sql: `((${high} >= ?) OR ${eq.sql})`, args: [r.sh, ...eq.args] };
    // "le: the range below the search value intersects (i.e. overlaps) with the range of the target value
    //  or the range of the search value fully contains the range of the target value"
    case 'le':
      return { sql: `((${low} < ?) OR ${eq.sql})`, args: [r.sl, ...eq.args] };
    // "sa: the range of the search value does not overlap with the range of the target value,
    //  and the range above the search value contains the range of the target value"
    case 'sa':
      return { sql: `(${low} >= ?)`, args: [r.sh] };
    // "eb: the range of the search value does not overlap with the range of the target value,
    //  and the range below the search value contains the range of the target value"
    case 'eb':
      return { sql: `(${high} < ?)`, args: [r.sl] };
    // "ap: the range of the search value overlaps with the range of the target value" — after widening the search
    // range by the approximation ("the recommended value for the approximation is 10% of the stated value (or for a
    // date, 10% of the gap between now and the date)"); see approxRange callers for the widths.
    case 'ap':
      return { sql: `(${low} < ? AND ${high} >= ?)`, args: [ap.sh, ap.sl] };
  }
}
