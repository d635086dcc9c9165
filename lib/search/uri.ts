// URI search semantics: whole-string equality, or path-segment prefix with :below / :above.
//
// Deliberate duplication of server/search/ (never imported): two independent implementations check each other.
import { stringsOf } from './json.ts';
import { matchesMissing } from './missing.ts';
import { UnsupportedSearchError } from './query.ts';
import type { ParsedValue } from './query.ts';

// "the :above and :below modifiers only apply to URLs, and not URNS such as OIDs": for a URN they fall back to equality.
const isUrn = (s: string) => /^urn:/i.test(s);

/** `ancestor` is `descendant` or one of its path-segment ancestors. */
function isAncestorOrSelf(ancestor: string, descendant: string): boolean {
  if (ancestor === descendant) return true;
  if (isUrn(ancestor) || isUrn(descendant)) return false;
  return descendant.startsWith(ancestor.endsWith('/') ? ancestor : ancestor + '/');
}

export function matches(targetNodes: unknown[], query: ParsedValue, modifier?: string): boolean {
  if (modifier === 'missing') return matchesMissing(targetNodes, query);
  const uris = targetNodes.flatMap(stringsOf);
  const q = query.value;
  switch (modifier) {
    // "By default, matches are precise, case and accent sensitive, and the entire URI must match."
    case undefined:
      return uris.includes(q);
    // "search that will return any value sets that have a URL that starts with http://acme.org/fhir/"
    case 'below':
      return uris.some((u) => isAncestorOrSelf(q, u));
    // "search for any value set above a given specific URL"
    case 'above':
      return uris.some((u) => isAncestorOrSelf(u, q));
    // "Tests whether the value in a resource includes the supplied parameter value anywhere within the field being searched."
    case 'contains':
      return uris.some((u) => u.includes(q));
    default:
      throw new UnsupportedSearchError(`uri parameters take no :${modifier} modifier`);
  }
}
