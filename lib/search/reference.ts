// Reference search semantics: [id], [type]/[id], absolute URLs, canonical url|version, and the :[type], :identifier, :text modifiers.
//
// Deliberate duplication of server/search/ (never imported): two independent implementations check each other.
//
// Choices:
// - The oracle does not know the server's base URL, so an absolute URL ending in [type]/[id] and the relative
//   [type]/[id] match each other whatever the base ("A relative reference resolving to the same value as a specified
//   absolute URL, or vice versa, qualifies as a match"); two absolute URLs must be equal.
// - A versionless query matches versioned targets (Patient/1 ~ Patient/1/_history/2; url ~ url|1.0); a versioned
//   query needs the version: equal, or for canonicals a dotted prefix (url|1.0 ~ url|1.0.2, "partial version").
// - An embedded resource (Bundle composition/message) is read as [resourceType]/[id].
import { isRecord } from './json.ts';
import { matchesMissing } from './missing.ts';
import { UnsupportedSearchError } from './query.ts';
import type { MatchOptions, ParsedValue } from './query.ts';
import { startsWithFolded } from './string.ts';
import { matches as tokenMatches } from './token.ts';

const LITERAL_RE = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([^/]+))?$/;
const isAbsolute = (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s);

interface Literal {
  text: string;
  type?: string;
  id?: string;
  version?: string;
}

function literal(text: string): Literal {
  const m = LITERAL_RE.exec(text);
  return m ? { text, type: m[1], id: m[2], version: m[3] } : { text };
}

/** The reference strings a node carries: Reference.reference, a canonical/uri string, or an embedded resource. */
function referencesOf(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (!isRecord(node)) return [];
  if (typeof node.reference === 'string') return [node.reference];
  if (typeof node.resourceType === 'string' && typeof node.id === 'string') return [`${node.resourceType}/${node.id}`];
  return [];
}

function canonicalMatches(target: string, url: string, version: string): boolean {
  const bar = target.indexOf('|');
  const tUrl = bar < 0 ? target : target.slice(0, bar);
  const tVersion = bar < 0 ? undefined : target.slice(bar + 1);
  if (tUrl !== url) return false;
  return version === '' || (tVersion !== undefined && (tVersion === version || tVersion.startsWith(version + '.')));
}

function literalMatches(target: string, q: string, type: string | undefined): boolean {
  const t = literal(target);
  // "[parameter]=[id] the logical [id] of a resource using a local reference"; with :[type], "the value format is
  // restricted to only [id]" and the type must agree.
  if (!q.includes('/')) return t.id === q && (type === undefined || t.type === type);
  const want = literal(q);
  if (type !== undefined && want.type !== type) return false;
  // "[parameter]=[url] where the [url] is an absolute URL": exact, or the same [type]/[id] written relatively.
  if (isAbsolute(q) && isAbsolute(target)) return target === q || canonicalMatches(target, q, '');
  if (want.type === undefined) return false;
  // "[parameter]=[type]/[id]" and (TU) "[type]/[id]/_history/[version]"
  return t.type === want.type && t.id === want.id && (want.version === undefined || t.version === want.version);
}

function positive(targetNodes: unknown[], query: ParsedValue, type: string | undefined): boolean {
  const targets = targetNodes.flatMap(referencesOf);
  // "[parameter]=[url]|[version] where the search element is a canonical reference"
  if (query.parts.length === 2) return targets.some((t) => canonicalMatches(t, query.parts[0], query.parts[1]));
  if (query.parts.length > 2) throw new SyntaxError(`reference value has more than one |: ${JSON.stringify(query.raw)}`);
  return targets.some((t) => literalMatches(t, query.value, type));
}

export function matches(targetNodes: unknown[], query: ParsedValue, modifier?: string, options?: MatchOptions): boolean {
  if (modifier === undefined) return positive(targetNodes, query, undefined);
  if (modifier === 'missing') return matchesMissing(targetNodes, query);
  // "When the :identifier modifier is used, the search value works as a token search."
  if (modifier === 'identifier') {
    const identifiers = targetNodes.flatMap((n) => (isRecord(n) && isRecord(n.identifier) ? [n.identifier] : []));
    return tokenMatches(identifiers, query, undefined, options);
  }
  // ":text ... Reference.display ... using basic string matching (begins with or is, case-insensitive)"
  if (modifier === 'text') {
    return targetNodes.some((n) => isRecord(n) && typeof n.display === 'string' && startsWithFolded(n.display, query.value));
  }
  // ":[type] ... Tests whether the value in a resource points to a resource of the supplied parameter type."
  if (/^[A-Z][A-Za-z]+$/.test(modifier)) return positive(targetNodes, query, modifier);
  // above/below walk hierarchies of resources (or canonical versions): the oracle sees one resource only.
  throw new UnsupportedSearchError(`reference :${modifier} is not judged by the oracle`);
}
