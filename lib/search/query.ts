// Search-value syntax (escapes, OR lists, prefixes, modifiers): the one place the oracle reads and writes query strings.
//
// Deliberate duplication: server/search/ implements the same rules independently; the two check each other,
// so nothing here may be imported from server/.
import type { SearchParamType } from '../matrix/types.ts';

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';
export const PREFIXES: readonly Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

/** One OR-alternative of a search value. */
export interface ParsedValue {
  /** The alternative as sent, still escaped, prefix included. */
  raw: string;
  /** Only for date, number and quantity; absent when the value carries none (which means `eq`). */
  prefix?: Prefix;
  /** The value without its prefix, escapes undone. */
  value: string;
  /** `value` split on unescaped `|`, each part unescaped (token system|code, quantity n|system|code, canonical url|version). */
  parts: string[];
}

/** Extra context a matcher may need; every field is optional. */
export interface MatchOptions {
  /** Reference instant for `ap` on dates (default: the current time). */
  now?: Date;
  /** Token codes compare case-sensitively (set for `_id`, which the spec says is always case sensitive). */
  caseSensitive?: boolean;
}

export type Matcher = (targetNodes: unknown[], query: ParsedValue, modifier?: string, options?: MatchOptions) => boolean;

/** Thrown for syntax or modifiers the oracle cannot judge (terminology, hierarchies, full-text): the suite reports not-run. */
export class UnsupportedSearchError extends Error {
  override name = 'UnsupportedSearchError';
}

const PREFIXED_TYPES: ReadonlySet<SearchParamType> = new Set(['date', 'number', 'quantity']);

/** Splits on `sep` where it is not escaped by `\`; pieces keep their escapes. */
export function splitUnescaped(text: string, sep: ',' | '|' | '$'): string[] {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
    } else if (ch === sep) {
      pieces.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  pieces.push(current);
  return pieces;
}

// "The parameter value xx\xx is illegal": only \\ \, \$ \| are escapes.
export function unescapeValue(text: string): string {
  return text.replace(/\\(.?)/g, (whole, next: string) => {
    if (next === '\\' || next === ',' || next === '$' || next === '|') return next;
    throw new SyntaxError(`illegal escape ${JSON.stringify(whole)} in search value ${JSON.stringify(text)}`);
  });
}

export function escapeValue(text: string): string {
  return text.replace(/[\\,$|]/g, (ch) => '\\' + ch);
}

/** One OR-alternative (escaped, as returned by `splitOr`) → ParsedValue; prefixes are recognised only for date/number/quantity. */
export function parseValue(alternative: string, type?: SearchParamType): ParsedValue {
  let prefix: Prefix | undefined;
  let body = alternative;
  // A prefix is two letters followed by the start of a number or year, so a token like "gtx" is never mistaken for one.
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)(?=[-+.\d])/.exec(alternative);
  if (type !== undefined && PREFIXED_TYPES.has(type) && m) {
    prefix = m[1] as Prefix;
    body = alternative.slice(2);
  }
  return { raw: alternative, prefix, value: unescapeValue(body), parts: splitUnescaped(body, '|').map(unescapeValue) };
}

/** Splits a raw parameter value on unescaped `,` (OR). */
export function splitOr(rawValue: string): string[] {
  return splitUnescaped(rawValue, ',');
}

export function parseQuery(rawValue: string, type?: SearchParamType): ParsedValue[] {
  return splitOr(rawValue).map((alt) => parseValue(alt, type));
}

/** `name:modifier` → its parts; the modifier is everything after the first `:` (`subject:Patient`, `code:not`). */
export function parseParamName(key: string): { name: string; modifier?: string } {
  const colon = key.indexOf(':');
  return colon < 0 ? { name: key } : { name: key.slice(0, colon), modifier: key.slice(colon + 1) };
}

export function formatParamName(name: string, modifier?: string): string {
  return modifier ? `${name}:${modifier}` : name;
}

/** Parts → one alternative: each part escaped, joined with `|`, prefix in front. URL-encoding is the caller's. */
export function formatValue(parts: readonly string[], prefix?: Prefix): string {
  return (prefix ?? '') + parts.map(escapeValue).join('|');
}

/** Already-formatted alternatives → an OR list. */
export function formatOr(alternatives: readonly string[]): string {
  return alternatives.join(',');
}

/** Already-formatted component values → one composite alternative. */
export function formatComposite(components: readonly string[]): string {
  return components.join('$');
}
