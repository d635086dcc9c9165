// Parsing of search parameter VALUES (not names): escaping, prefixes, numbers, tokens, references.
// Independent of lib/search (the harness oracle): never import from there.
//
// R5 search.html, escaping: "In the rules described above, special rules are defined for the characters $, ,, and |.
// As a consequence, if these characters appear in an actual parameter value, they must be differentiated from their
// use as separator characters. When any of these characters appear in an actual parameter value, they must be
// prepended by the character \, which also must be used to prepend itself."

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';
const PREFIXES = new Set<string>(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

/** Splits on `sep` where it is not escaped by a backslash; the pieces keep their escapes (unescape them last). */
export function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Removes the escaping backslashes: `\,` → `,`, `\\` → `\`. */
export function unescapeValue(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Splits a leading comparison prefix off an ordered value (date, number, quantity). Default eq. */
export function splitPrefix(s: string): { prefix: Prefix; rest: string } {
  if (s.length > 2 && PREFIXES.has(s.slice(0, 2)) && !/[a-zA-Z]/.test(s[2])) {
    return { prefix: s.slice(0, 2) as Prefix, rest: s.slice(2) };
  }
  return { prefix: 'eq', rest: s };
}

export interface NumberValue {
  value: number;
  /** Implicit range of the search value, half-open [low, high). */
  low: number;
  high: number;
}

/**
 * R5 search.html, number: "When a number search is used without a prefix, the search is based on the precision of the
 * number ... 100 ... Values that equal 100, to 3 significant figures precision, so this is actually searching for
 * values in the range 99.5 to 100.5". Exponent form keeps significant figures: 1e2 = [50, 150), 1.0e2 = [95, 105).
 */
export function parseNumber(s: string): NumberValue | null {
  const m = /^([-+]?)(\d+)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(s) ?? /^([-+]?)()\.(\d+)(?:[eE]([-+]?\d+))?$/.exec(s);
  if (!m) return null;
  const value = Number(s);
  if (!Number.isFinite(value)) return null;
  const decimals = (m[3] ?? '').length;
  // half a unit in the last written digit; with an exponent (mantissa × 10^e) that digit is scaled by 10^e
  const exp = m[4] !== undefined ? Number(m[4]) : 0;
  const half = 0.5 * 10 ** (exp - decimals);
  return { value, low: value - half, high: value + half };
}

export interface TokenValue {
  /** undefined: any system; null: no system (`|code`); string: that system. */
  system: string | null | undefined;
  /** undefined: any code (`system|`). */
  code: string | undefined;
}

/** `code`, `system|code`, `|code`, `system|` (pieces unescaped). */
export function parseToken(s: string): TokenValue {
  const parts = splitEscaped(s, '|');
  if (parts.length === 1) return { system: undefined, code: unescapeValue(parts[0]) };
  const system = unescapeValue(parts[0]);
  const code = unescapeValue(parts.slice(1).join('|'));
  return { system: system === '' ? null : system, code: code === '' ? undefined : code };
}

export interface ReferenceValue {
  /** Resource type from `Type/id` or an absolute URL ending in `Type/id`. */
  rtype?: string;
  rid?: string;
  /** The value as a URL (absolute reference, canonical, urn:…), version split off a canonical `url|version`. */
  url?: string;
  version?: string;
}

const TYPE_ID = /^(?:(.*)\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** Parses a stored reference string or a search value. */
export function parseReference(s: string): ReferenceValue {
  const bar = s.indexOf('|');
  if (bar >= 0) return { url: s.slice(0, bar), version: s.slice(bar + 1) || undefined };
  const m = TYPE_ID.exec(s);
  if (m) {
    const base = m[1];
    if (base === undefined) return { rtype: m[2], rid: m[3] };
    if (/^https?:\/\//.test(s)) return { rtype: m[2], rid: m[3], url: s };
  }
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(s)) return { rid: s };
  return { url: s };
}
