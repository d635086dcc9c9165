// Per-kind SQL conditions for ONE search value (already split on `,`; a composite component already split on `$`).
// The condition is over the columns of that kind's idx_ table (see store.ts). Throws badValue on a malformed value.
// Independent of lib/search (the harness oracle): never import from there.

import type { FaultSet } from '../faults.ts';
import { type Cond, prefixCondition } from './compare.ts';
import { parseDateRange } from './dates.ts';
import { badValue } from './errors.ts';
import { normaliseString } from './normalize.ts';
import type { ValueKind } from './params.ts';
import { parseNumber, parseReference, parseToken, splitEscaped, splitPrefix, unescapeValue } from './values.ts';

export interface MatchCtx {
  faults: FaultSet;
  /** Epoch ms used by `ap` on dates. */
  now: number;
  /** The param name as sent, for error messages. */
  param: string;
}

const DAY = 86_400_000;

export function valueCondition(kind: ValueKind, modifier: string | undefined, raw: string, ctx: MatchCtx): Cond {
  switch (kind) {
    case 'token': return tokenCond(modifier, raw, ctx);
    case 'string': return stringCond(modifier, raw, ctx);
    case 'date': return dateCond(raw, ctx);
    case 'number': return numberCond(raw, ctx);
    case 'quantity': return quantityCond(raw, ctx);
    case 'reference': return referenceCond(modifier, raw, ctx);
    case 'uri': return uriCond(modifier, raw);
  }
}

const startsWith = (col: string, q: string): Cond => ({ sql: `substr(${col}, 1, length(?)) = ?`, args: [q, q] });

/** Token system/code condition over the given columns (shared by token params and Reference :identifier). */
function tokenColumns(raw: string, ctx: MatchCtx, systemCol: string, codeCol: string): Cond {
  const t = parseToken(raw);
  if (t.system === null && t.code === undefined) throw badValue(ctx.param, raw, 'neither system nor code');
  // "[parameter]=[code]: the value of [code] matches a Coding.code or Identifier.value irrespective of the value of
  //  the system property"
  if (t.system === undefined) return { sql: `${codeCol} = ?`, args: [t.code] };
  // "[parameter]=|[code]: the value of [code] matches a Coding.code or Identifier.value, and the Coding/Identifier has
  //  no system property"
  if (t.system === null) return { sql: `(${systemCol} IS NULL AND ${codeCol} = ?)`, args: [t.code] };
  // "[parameter]=[system]|: any element where the value of [system] matches the system property of the Identifier or
  //  Coding"
  if (t.code === undefined) return { sql: `${systemCol} = ?`, args: [t.system] };
  // Fault token-system-ignored: system|code matches on the code alone.
  if (ctx.faults.has('token-system-ignored')) return { sql: `${codeCol} = ?`, args: [t.code] };
  // "[parameter]=[system]|[code]: the value of [code] matches a Coding.code or Identifier.value, and the value of
  //  [system] matches the system property of the Identifier or Coding"
  return { sql: `(${systemCol} = ? AND ${codeCol} = ?)`, args: [t.system, t.code] };
}

function tokenCond(modifier: string | undefined, raw: string, ctx: MatchCtx): Cond {
  // ":text — the search parameter is processed as a string search against the text associated with the code/value -
  //  either CodeableConcept.text, Coding.display, or Identifier.type.text" (string search = normalised starts-with)
  if (modifier === 'text') return startsWith('text', normaliseString(unescapeValue(raw)));
  // (:not reuses this condition and negates it at resource level, see engine.ts)
  return tokenColumns(raw, ctx, 'system', 'code');
}

function stringCond(modifier: string | undefined, raw: string, ctx: MatchCtx): Cond {
  const v = unescapeValue(raw);
  // ":exact — the search parameter value matches the whole string, including casing and accents"
  if (modifier === 'exact') {
    // Fault exact-case-insensitive: :exact ignores case (SQLite's lower() folds ASCII only, which is what the fault needs).
    if (ctx.faults.has('exact-case-insensitive')) return { sql: 'lower(raw) = lower(?)', args: [v] };
    return { sql: 'raw = ?', args: [v] };
  }
  // ":contains — the search parameter value matches anywhere within the string being searched" (normalised);
  // fault string-mid-word: the default search does the same.
  if (modifier === 'contains' || (modifier === undefined && ctx.faults.has('string-mid-word'))) {
    return { sql: 'instr(norm, ?) > 0', args: [normaliseString(v)] };
  }
  // "By default, a field matches a string query if the value of the field equals or starts with the supplied
  //  parameter value, after both have been normalized by case and accent."
  return startsWith('norm', normaliseString(v));
}

function dateCond(raw: string, ctx: MatchCtx): Cond {
  let { prefix, rest } = splitPrefix(unescapeValue(raw));
  const r = parseDateRange(rest);
  if (!r) throw badValue(ctx.param, raw, 'not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.sss]][Z|±hh:mm])');
  // Fault date-boundary: gt behaves as ge and lt as le.
  if (ctx.faults.has('date-boundary')) prefix = prefix === 'gt' ? 'ge' : prefix === 'lt' ? 'le' : prefix;
  const range = { sl: r.low, sh: r.high + 1 };
  // Fault period-eq-overlap: eq as "the target overlaps the search range" (ranges are closed [low, high]).
  if (prefix === 'eq' && ctx.faults.has('period-eq-overlap')) return { sql: '(low < ? AND high >= ?)', args: [range.sh, range.sl] };
  // ap on dates: "10% of the gap between now and the date", at least one day, added on both sides.
  const delta = Math.max(0.1 * Math.abs(ctx.now - r.low), DAY);
  return prefixCondition(prefix, range, { sl: range.sl - delta, sh: range.sh + delta });
}

function numberRange(text: string, raw: string, ctx: MatchCtx) {
  const { prefix, rest } = splitPrefix(text);
  const n = parseNumber(rest);
  if (!n) throw badValue(ctx.param, raw, 'not a number');
  // "When a comparison prefix in the set gt, lt, ge, le, sa & eb is provided, the implicit precision of the number is
  //  ignored, and they are treated as if they have arbitrarily high precision" (R5 search.html, number): the search
  //  range shrinks to [v, v+ε) — ge8 must not match 7.5, gt8 must match 8.2.
  const exact = prefix === 'gt' || prefix === 'lt' || prefix === 'ge' || prefix === 'le' || prefix === 'sa' || prefix === 'eb';
  const range = exact ? { sl: n.value, sh: n.value + Math.max(1e-12, Math.abs(n.value) * 1e-12) } : { sl: n.low, sh: n.high };
  // ap on numbers: "10% of the stated value", added on both sides of the implicit precision range.
  const delta = 0.1 * Math.abs(n.value);
  return { prefix, range, ap: { sl: n.low - delta, sh: n.high + delta } };
}

function numberCond(raw: string, ctx: MatchCtx): Cond {
  const { prefix, range, ap } = numberRange(unescapeValue(raw), raw, ctx);
  return prefixCondition(prefix, range, ap);
}

function quantityCond(raw: string, ctx: MatchCtx): Cond {
  // "[parameter]=[prefix][number]|[system]|[code]"; "[parameter]=[prefix][number]" (any unit);
  // "[parameter]=[prefix][number]||[code]: ... the system is ignored and the code matches either the code or unit".
  const parts = splitEscaped(raw, '|').map(unescapeValue);
  if (parts.length !== 1 && parts.length !== 3) throw badValue(ctx.param, raw, 'expected number, number|system|code or number||code');
  const { prefix, range, ap } = numberRange(parts[0], raw, ctx);
  const num = prefixCondition(prefix, range, ap);
  if (parts.length === 1) return num;
  const [, system, code] = parts;
  if (!system && !code) return num;
  if (!system) return { sql: `(${num.sql} AND (code = ? OR unit = ?))`, args: [...num.args, code, code] };
  if (!code) return { sql: `(${num.sql} AND system = ?)`, args: [...num.args, system] };
  return { sql: `(${num.sql} AND system = ? AND code = ?)`, args: [...num.args, system, code] };
}

function referenceCond(modifier: string | undefined, raw: string, ctx: MatchCtx): Cond {
  // ":identifier — the search parameter value is a token [system]|[code] matched against Reference.identifier"
  if (modifier === 'identifier') return tokenColumns(raw, ctx, 'ident_system', 'ident_value');
  const v = unescapeValue(raw);
  const r = parseReference(v);
  // ":[type] — the search parameter value is the id of a resource of the named type" (subject:Patient=23)
  if (modifier) {
    if (r.rtype && r.rtype !== modifier) return { sql: '0', args: [] };
    const rid = r.rid ?? v;
    return { sql: '(rtype = ? AND rid = ?)', args: [modifier, rid] };
  }
  // "[parameter]=[url]" with a canonical: "[url]|[version]" matches that version only; no version, every version.
  if (r.version !== undefined) return { sql: '(url = ? AND version = ?)', args: [r.url, r.version] };
  // "[parameter]=[type]/[id]" and "[parameter]=[url]": an absolute URL ending in Type/id matches the stored reference
  // to that Type/id (the server base is not compared — kept simple), or the same URL exactly.
  if (r.rtype && r.url) return { sql: '((rtype = ? AND rid = ?) OR url = ?)', args: [r.rtype, r.rid, r.url] };
  if (r.rtype) return { sql: '(rtype = ? AND rid = ?)', args: [r.rtype, r.rid] };
  // "[parameter]=[id]: the logical [id] of a resource" (any type)
  if (r.rid) return { sql: '(rid = ? OR url = ?)', args: [r.rid, r.rid] };
  return { sql: 'url = ?', args: [r.url] };
}

function uriCond(modifier: string | undefined, raw: string): Cond {
  const v = unescapeValue(raw);
  // ":below — the search parameter value is a prefix of the target uri"
  if (modifier === 'below') return { sql: 'substr(uri, 1, length(?)) = ?', args: [v, v] };
  // ":above — the target uri is a prefix of the search parameter value"
  if (modifier === 'above') return { sql: 'substr(?, 1, length(uri)) = uri', args: [v] };
  // "The uri parameter refers to an element that contains a URI ... matches are exact (e.g. case, accent and
  //  whitespace sensitive)"
  return { sql: 'uri = ?', args: [v] };
}
