// String search semantics as R5 states them, Cyrillic included, so the oracle judges DHP servers fairly.
//
// Deliberate duplication of server/search/ (never imported): two independent implementations check each other.
//
// Folding (default and :contains), in this order:
// 1. NFD, combining marks dropped, lower-cased: case- and accent-insensitive, Cyrillic too (Ўзбекистон ~ ўзбекистон;
//    ў, й and ё also lose their marks, so they meet у, и and е — R5: "This search is insensitive to casing and included
//    combining characters, like accents or other diacritical marks").
// 2. Punctuation dropped, whitespace runs collapsed to one space, ends trimmed (R5: "Punctuation and non-significant
//    whitespace (e.g. repeated space characters, tab vs space) SHOULD also be ignored").
// The Uzbek apostrophe letters (oʻ, gʻ typed as ʻ ʼ ' ‘ ’ `) are NOT made equal here: neither R5 nor the platform's page
// says so. The advisory capability search:string-uzbek-apostrophes checks that on its own (apostrophes.ts).
import { isRecord, stringsOf } from './json.ts';
import { matchesMissing } from './missing.ts';
import { UnsupportedSearchError } from './query.ts';
import type { ParsedValue } from './query.ts';

export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\p{P}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Default string match: the target equals or starts with the value, both folded. */
export function startsWithFolded(target: string, value: string): boolean {
  return fold(target).startsWith(fold(value));
}

const NAME_PARTS = ['family', 'given', 'prefix', 'suffix', 'text'];
const ADDRESS_PARTS = ['line', 'city', 'district', 'state', 'postalCode', 'country', 'text'];
// Elements that are codes or metadata, not text, in complex types the spec did not list.
const NOT_TEXT = new Set(['id', 'use', 'type', 'system', 'url', 'period']);

// "When a string search parameter refers to the types HumanName and Address, the search covers the elements of type
// string, and does not cover elements such as use and period."
function stringsOfNode(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (!isRecord(node)) return [];
  const keys = Object.keys(node);
  const parts = keys.some((k) => NAME_PARTS.includes(k) && k !== 'text')
    ? NAME_PARTS
    : keys.some((k) => ADDRESS_PARTS.includes(k) && k !== 'text')
      ? ADDRESS_PARTS
      : keys.filter((k) => !NOT_TEXT.has(k));
  const strings = parts.flatMap((k) => stringsOf(node[k]));
  // "For robust search, servers should search the parts of a family name independently. E.g. searching either
  // "Carreno" or "Quinones" should match a family name of "Carreno Quinones"."
  if (typeof node.family === 'string') strings.push(...node.family.split(/\s+/).slice(1));
  return strings;
}

export function matches(targetNodes: unknown[], query: ParsedValue, modifier?: string): boolean {
  if (modifier === 'missing') return matchesMissing(targetNodes, query);
  const strings = targetNodes.flatMap(stringsOfNode);
  switch (modifier) {
    // "By default, a field matches a string query if the value of the field equals or starts with the supplied
    // parameter value, after both have been normalized by case and combining characters."
    case undefined:
      return strings.some((s) => startsWithFolded(s, query.value));
    // "The :contains modifier returns results that include the supplied parameter value anywhere within the field being searched."
    case 'contains': {
      const needle = fold(query.value);
      return strings.some((s) => fold(s).includes(needle));
    }
    // "The :exact modifier returns results that match the entire supplied parameter, including casing and accents."
    // NFC on both sides: precomposed and decomposed spellings of one accented letter are the same text.
    case 'exact': {
      const wanted = query.value.normalize('NFC');
      return strings.some((s) => s.normalize('NFC') === wanted);
    }
    // ":text ... advanced text handling" is server-defined (thesaurus, proximity): nothing to predict.
    case 'text':
      throw new UnsupportedSearchError('string :text is full-text search; its results are server-defined');
    default:
      throw new UnsupportedSearchError(`string parameters take no :${modifier} modifier`);
  }
}
