// Token search semantics: [code], [system]|[code], |[code], [system]| against Coding, CodeableConcept, Identifier and primitives.
//
// Deliberate duplication of server/search/ (never imported): two independent implementations check each other.
//
// Choices:
// - Codes and identifier values compare case-insensitively unless options.caseSensitive (set for _id): the spec says
//   "When in doubt, servers SHOULD treat tokens in a case-insensitive manner". Systems compare exactly.
// - Primitives (code, boolean, id, uri, string) have no system to compare, so the system part of the value is ignored
//   for them ("the system is defined in the value set (though it's not usually needed)").
// - Any object with a string `value` is read as an Identifier; a ContactPoint therefore also matches on its value,
//   which is what the spec asks ("ContactPoint.value").
// - :not negates per OR-alternative here; evaluate.ts ANDs the alternatives so that the negation "applies to the set".
// - :of-type compares the Identifier.value like a code (case-insensitively unless caseSensitive); the type coding exactly.
import { isRecord } from './json.ts';
import { matchesMissing } from './missing.ts';
import { UnsupportedSearchError } from './query.ts';
import type { MatchOptions, ParsedValue } from './query.ts';
import { startsWithFolded } from './string.ts';
import { expandValueSet, subsumes } from '../terminology/index.ts';

interface Pair {
  /** undefined: the element has no place for a system (primitives); null: the element could have one but has none. */
  system: string | null | undefined;
  code: string;
}

function codingPair(c: Record<string, unknown>): Pair | undefined {
  return typeof c.code === 'string' ? { system: typeof c.system === 'string' ? c.system : null, code: c.code } : undefined;
}

function pairsOf(node: unknown): Pair[] {
  if (typeof node === 'string' || typeof node === 'boolean' || typeof node === 'number') {
    return [{ system: undefined, code: String(node) }];
  }
  if (!isRecord(node)) return [];
  if (Array.isArray(node.coding)) {
    return node.coding.flatMap((c) => (isRecord(c) ? codingPair(c) ?? [] : []));
  }
  if (typeof node.value === 'string') {
    return [{ system: typeof node.system === 'string' ? node.system : null, code: node.value }];
  }
  const pair = codingPair(node);
  return pair ? [pair] : [];
}

// ":text ... CodeableConcept.text, Coding.display, or Identifier.type.text"
function textsOf(node: unknown): string[] {
  if (!isRecord(node)) return [];
  const texts: string[] = [];
  if (typeof node.text === 'string') texts.push(node.text);
  if (typeof node.display === 'string') texts.push(node.display);
  for (const c of Array.isArray(node.coding) ? node.coding : []) {
    if (isRecord(c) && typeof c.display === 'string') texts.push(c.display);
  }
  if (isRecord(node.type)) texts.push(...textsOf(node.type));
  return texts;
}

/** `system|code` of every member of a ValueSet the harness expands completely, and `*|code` for codes read without a system. */
function membersOf(url: string): Set<string> {
  let expansion;
  try {
    expansion = expandValueSet(url);
  } catch {
    throw new UnsupportedSearchError(`:in/:not-in ${url}: not a ValueSet of the IG the harness can expand`);
  }
  if (!expansion.complete) throw new UnsupportedSearchError(`:in/:not-in ${url}: the harness cannot expand it completely (${expansion.open.join('; ')})`);
  return new Set(expansion.members.flatMap((m) => [`${m.system}|${m.code}`, `*|${m.code}`]));
}

function positive(targetNodes: unknown[], query: ParsedValue, caseSensitive: boolean): boolean {
  if (query.parts.length > 2) throw new SyntaxError(`token value has more than one |: ${JSON.stringify(query.raw)}`);
  const [system, code] = query.parts.length === 2 ? query.parts : [undefined, query.parts[0]];
  const same = caseSensitive ? (a: string, b: string) => a === b : (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return targetNodes.flatMap(pairsOf).some((p) => {
    // "[system]|: any element where the value of [system] matches the system property of the Identifier or Coding"
    if (code !== '' && !same(p.code, code)) return false;
    // "[code]: the value of [code] matches a Coding.code or Identifier.value irrespective of the value of the system property"
    if (system === undefined || p.system === undefined) return true;
    // "|[code]: ... and the Coding/Identifier has no system property"
    if (system === '') return p.system === null;
    // "[system]|[code]: ... and the value of [system] matches the system property of the Identifier or Coding"
    return p.system === system;
  });
}

export function matches(targetNodes: unknown[], query: ParsedValue, modifier?: string, options?: MatchOptions): boolean {
  const caseSensitive = options?.caseSensitive ?? false;
  switch (modifier) {
    case undefined:
      return positive(targetNodes, query, caseSensitive);
    case 'missing':
      return matchesMissing(targetNodes, query);
    // "Tests whether the value in a resource does not match the specified parameter value. Note that this includes
    // resources that have no value for the parameter."
    case 'not':
      return !positive(targetNodes, query, caseSensitive);
    // ":text ... matches the supplied parameter value using basic string matching (begins with or is, case-insensitive)"
    case 'text':
      return targetNodes.flatMap(textsOf).some((t) => startsWithFolded(t, query.value));
    // ":of-type — The search parameter has the format system|code|value, where the system and code refer to an
    // Identifier.type.coding.system and .code, and match if any of the type codes match. All 3 parts must be present."
    case 'of-type': {
      if (query.parts.length !== 3 || query.parts.some((x) => x === '')) throw new SyntaxError(`:of-type needs system|code|value, got ${JSON.stringify(query.raw)}`);
      const [system, code, value] = query.parts as [string, string, string];
      const same = caseSensitive ? value : value.toLowerCase();
      return targetNodes.some((n) => isRecord(n) && typeof n.value === 'string' && (caseSensitive ? n.value : n.value.toLowerCase()) === same
        && isRecord(n.type) && Array.isArray(n.type.coding) && n.type.coding.some((c) => isRecord(c) && c.system === system && c.code === code));
    }
    // ":in — the search parameter is a URI (relative or absolute) that identifies a value set, and the search parameter
    // tests whether the coding is in the specified value set"; ":not-in — … tests whether the coding is not in the
    // specified value set". Judged by the harness's own expansion of the IG's ValueSet (lib/terminology).
    case 'in':
    case 'not-in': {
      const members = membersOf(query.value);
      const inSet = targetNodes.flatMap(pairsOf).some((p) => p.system !== null && members.has(`${p.system ?? '*'}|${p.code}`));
      return modifier === 'in' ? inSet : !inSet;
    }
    // ":below — tests whether the value in a resource is subsumed by the specified value (is-a, or hierarchical
    // relationships)"; ":above — … subsumes the specified value". Judged by the harness's own reading of the CodeSystem.
    case 'below':
    case 'above': {
      if (query.parts.length !== 2 || !query.parts[0] || !query.parts[1]) throw new UnsupportedSearchError(`:${modifier} is judged on system|code only, got ${JSON.stringify(query.raw)}`);
      const [system, code] = query.parts as [string, string];
      if (subsumes(system, code, code) === undefined) throw new UnsupportedSearchError(`:${modifier} ${system}|${code}: a code the harness does not hold in a complete CodeSystem`);
      return targetNodes.flatMap(pairsOf).some((p) => {
        if (p.system === null || (p.system !== undefined && p.system !== system)) return false;
        const rel = modifier === 'below' ? subsumes(system, code, p.code) : subsumes(system, p.code, code);
        return rel === 'equivalent' || rel === 'subsumes';
      });
    }
    // text-advanced is beyond a literal oracle.
    case 'code-text':
    case 'text-advanced':
      throw new UnsupportedSearchError(`token :${modifier} is not judged by the oracle`);
    default:
      throw new UnsupportedSearchError(`token parameters take no :${modifier} modifier`);
  }
}
