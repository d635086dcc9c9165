// The oracle's entry point: does this resource satisfy `name[:modifier]=value` for this search parameter?
//
// Deliberate duplication of server/search/ (never imported): two independent implementations check each other.
import type { SearchParam } from '../matrix/types.ts';
import { compositeMatches } from './composite.ts';
import { matcherFor } from './matchers.ts';
import { evaluateNodes } from './nodes.ts';
import { parseValue, splitOr, UnsupportedSearchError } from './query.ts';
import type { MatchOptions } from './query.ts';

/** Expressions of the parameters every resource has, for matrix entries that carry none. */
export const COMMON_EXPRESSIONS: Readonly<Record<string, string>> = {
  _id: 'Resource.id',
  _lastUpdated: 'Resource.meta.lastUpdated',
  _tag: 'Resource.meta.tag',
  _security: 'Resource.meta.security',
  _profile: 'Resource.meta.profile',
};

export function expressionOf(param: SearchParam): string {
  const expression = param.expression ?? COMMON_EXPRESSIONS[param.name];
  if (!expression) throw new UnsupportedSearchError(`${param.name} has no FHIRPath expression`);
  return expression;
}

/** The nodes the parameter's expression selects in the resource. */
export function evaluateParam(resource: object, param: SearchParam): unknown[] {
  return evaluateNodes(resource, expressionOf(param));
}

/**
 * Whether `resource` satisfies `param.name[:modifier]=rawValue`. `rawValue` is URL-decoded but still FHIR-escaped
 * (`\,` `\$` `\|`); its `,`-alternatives are ORed — except under :not, where they are ANDed, because the spec's negation
 * "applies to the set, not each individual entry" (code:not=a,b: neither a nor b).
 */
export function resourceMatches(
  resource: object,
  param: SearchParam,
  rawValue: string,
  modifier?: string,
  options?: MatchOptions,
): boolean {
  const alternatives = splitOr(rawValue);
  if (param.type === 'special') throw new UnsupportedSearchError(`${param.name} is a special parameter`);
  if (param.type === 'composite') {
    // "Note: Modifiers are not used on composite parameters."
    if (modifier !== undefined) throw new UnsupportedSearchError(`composite ${param.name} takes no modifier`);
    return alternatives.some((alt) => compositeMatches(resource, param, alt, options));
  }
  const nodes = evaluateParam(resource, param);
  const matcher = matcherFor(param.type);
  // "Note that matches on _id are always case sensitive."
  const opts: MatchOptions = param.name === '_id' ? { ...options, caseSensitive: true } : options ?? {};
  const one = (alt: string) => matcher(nodes, parseValue(alt, param.type), modifier, opts);
  return modifier === 'not' ? alternatives.every(one) : alternatives.some(one);
}
