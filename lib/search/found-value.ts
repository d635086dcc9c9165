// A search value taken from what a target already holds, for types the harness may search but not write (judge-found.ts):
// per param, one found resource and the value a client would type to find it again, e.g. `system|code` of its
// CodeableConcept, `Type/id` of its Reference, a dateTime as written. A value counts only when the oracle agrees that
// the resource it came from matches it, so the recall the judge expects is the oracle's, never a guess of this module.
import type { SearchParam, SearchParamType } from '../matrix/types.ts';
import { COMMON_EXPRESSIONS, evaluateParam, resourceMatches } from './evaluate.ts';
import { isRecord, stringsOf } from './json.ts';
import { escapeValue, formatValue, UnsupportedSearchError } from './query.ts';

/** The param types a found value can be derived for (composite and special have no single value to take). */
const FOUND_VALUE_TYPES: ReadonlySet<SearchParamType> = new Set(['string', 'token', 'reference', 'date', 'uri', 'number', 'quantity']);

/** Whether a found value can be taken for `param` at all: a type handled here and an expression to evaluate. */
export function takesFoundValue(param: SearchParam): boolean {
  return FOUND_VALUE_TYPES.has(param.type) && (param.expression !== null || param.name in COMMON_EXPRESSIONS);
}

export interface FoundValue {
  /** The found resource the value came from (what must come back). */
  source: Record<string, any>;
  /** The search value, FHIR-escaped, not URL-encoded. */
  value: string;
}

// HumanName and Address: the parts a string search looks in, in the order a person would type them.
const STRING_PARTS = ['family', 'given', 'text', 'city', 'line', 'district', 'state', 'postalCode', 'country', 'prefix', 'suffix'];
const RELATIVE_REFERENCE = /^([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]+)?$/;

const primitive = (node: unknown): string | undefined => (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean' ? String(node) : undefined);

function tokenValues(node: unknown): string[] {
  const p = primitive(node);
  if (p !== undefined) return [escapeValue(p)];
  if (!isRecord(node)) return [];
  if (Array.isArray(node.coding)) return node.coding.flatMap(tokenValues).slice(0, 2);
  const code = typeof node.code === 'string' ? node.code : typeof node.value === 'string' ? node.value : undefined;
  if (code === undefined) return [];
  const system = typeof node.system === 'string' ? node.system : undefined;
  return system ? [formatValue([system, code]), escapeValue(code)] : [escapeValue(code)];
}

function referenceValues(node: unknown): string[] {
  // A canonical (meta.profile, instantiatesCanonical) is searched with the URL as written.
  if (typeof node === 'string') return [escapeValue(node)];
  if (!isRecord(node) || typeof node.reference !== 'string' || node.reference.startsWith('#')) return [];
  const relative = RELATIVE_REFERENCE.exec(node.reference);
  return [escapeValue(relative ? relative[1]! : node.reference)];
}

function quantityValues(node: unknown): string[] {
  if (!isRecord(node) || typeof node.value !== 'number') return [];
  const n = String(node.value);
  const system = typeof node.system === 'string' ? node.system : '';
  const code = typeof node.code === 'string' ? node.code : '';
  return [...(code ? [formatValue([n, system, code])] : []), n];
}

/** The values a client could search `node` (one node of the param's expression) with, most specific first. */
export function queryValuesOf(node: unknown, type: SearchParamType): string[] {
  switch (type) {
    case 'token': return tokenValues(node);
    case 'reference': return referenceValues(node);
    case 'quantity': return quantityValues(node);
    case 'string': {
      if (typeof node === 'string') return [escapeValue(node)];
      if (!isRecord(node)) return [];
      return STRING_PARTS.flatMap((k) => stringsOf(node[k])).slice(0, 1).map(escapeValue);
    }
    // A date "as written, no prefix" (eq): a Period or Timing has no single value a point search would find it with.
    case 'date': return typeof node === 'string' ? [node] : [];
    case 'uri': return typeof node === 'string' ? [escapeValue(node)] : [];
    case 'number': return typeof node === 'number' ? [String(node)] : typeof node === 'string' ? [node] : [];
    default: return [];
  }
}

/** The first value of `resource` for `param` that the oracle says finds it again (undefined: none). */
export function valueIn(resource: Record<string, any>, param: SearchParam): string | undefined {
  for (const node of evaluateParam(resource, param)) {
    for (const value of queryValuesOf(node, param.type)) {
      try {
        if (resourceMatches(resource, param, value)) return value;
      } catch (e) {
        if (!(e instanceof UnsupportedSearchError)) throw e;
      }
    }
  }
  return undefined;
}

/**
 * One found resource with a value for `param`, and that value: the resources are taken in id order and `pick` (a
 * stream of the run seed) chooses among those that have one, so the same seed and data give the same query.
 */
export function foundValueFor(resources: readonly Record<string, any>[], param: SearchParam, pick: <T>(xs: readonly T[]) => T): FoundValue | undefined {
  const byId = [...resources].sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));
  const candidates = byId.flatMap((source) => {
    const value = valueIn(source, param);
    return value === undefined ? [] : [{ source, value }];
  });
  return candidates.length ? pick(candidates) : undefined;
}
