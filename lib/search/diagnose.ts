// Why a search check failed: "unfiltered" (the server ignored the parameter — what must not match came back, and
// with it typically everything this run tagged) or "wrong" (it filtered, incorrectly). The kind decides whether a
// target's expected gap excuses the failure; the message says what the self link and the server's CapabilityStatement show.
import { CheckFailure, type FailureKind } from '../verdicts.ts';

export interface SearchObservation {
  /** `name[:modifier]=value` as sent. */
  query: string;
  /** The parameter name without modifier (what the self link and /metadata are checked for). */
  param: string;
  resourceType: string;
  /** Ids the search returned (all pages, deduplicated). */
  returned: readonly string[];
  /** Planted resources that must not match (by the oracle) but came back. */
  unexpected: readonly string[];
  /** Planted resources that must match but did not come back. */
  missing: readonly string[];
  /** Returned resources (not planted for this check) that the oracle says do not match. */
  imprecise: readonly string[];
  /**
   * How many resources of this type the suite planted for this type, and how many of them came back: an ignored
   * parameter returns them all. (Counted on the suite's own fixtures, not on `_tag`, so fixtures other suite files
   * create concurrently under the same run tag cannot blur the count.)
   */
  planted?: { total: number; returned: number; /** What the reason calls them: 'planted' (default), or 'found' (what the target held, judge-found.ts). */ as?: 'planted' | 'found' };
  /** The searchset's self link. */
  selfLink?: string;
  /** Whether the server's CapabilityStatement declares the parameter for the type (undefined: /metadata gave none). */
  declared?: boolean;
  /** The first page's Bundle.total. */
  total?: number;
  /** Set when not every page could be read (`returned 100 of total 147; no next link (search:paging)…`): missing ones are not judged. */
  truncated?: string;
  /** The server's fhirVersion when it is not R5 (the parameter's expression is R5's). */
  fhirVersion?: string;
  /** The parameter's FHIRPath expression (named for servers that are not R5). */
  expression?: string;
  /** For a server that is not R5: the expression's elements R4 lacks (r4-elements.ts). */
  r5Only?: readonly string[];
}

export interface Diagnosis {
  kind: Extract<FailureKind, 'unfiltered' | 'wrong'>;
  message: string;
}

/** Whether the self link carries the parameter (with or without a modifier); undefined without a self link. */
export function selfKeepsParam(selfLink: string | undefined, param: string): boolean | undefined {
  if (!selfLink) return undefined;
  let query: string;
  try {
    query = new URL(selfLink, 'http://x/').search;
  } catch {
    return undefined;
  }
  return [...new URLSearchParams(query).keys()].some((k) => k === param || k.startsWith(`${param}:`));
}

/** The first few ids, and how many more. */
export const list = (ids: readonly string[], n = 5) => `${ids.slice(0, n).join(', ')}${ids.length > n ? ` … (+${ids.length - n})` : ''}`;

/** undefined when the search was right. */
export function diagnose(o: SearchObservation): Diagnosis | undefined {
  if (!o.unexpected.length && !o.missing.length && !o.imprecise.length) return undefined;
  const keeps = selfKeepsParam(o.selfLink, o.param);
  const everything = o.planted !== undefined && o.planted.total > 0 && o.planted.returned >= o.planted.total;
  // Pages the server does not link hide the rest of "everything": Bundle.total still counts it.
  const everythingByTotal = o.truncated !== undefined && o.planted !== undefined && o.planted.total > 0 && (o.total ?? 0) >= o.planted.total;
  const ignored = (o.unexpected.length > 0 || o.imprecise.length > 0) && (keeps === false || everything || everythingByTotal);
  const as = o.planted?.as ?? 'planted';
  const facts = [
    `${o.resourceType}?${o.query} returned ${o.returned.length} resources${o.planted ? ` (${o.planted.returned} of the ${o.planted.total} ${as === 'found' ? 'found in the target' : 'planted'} for ${o.resourceType})` : ''}`,
    o.unexpected.length ? `including ${o.unexpected.length} ${as} that must not match (${list(o.unexpected)})` : '',
    o.missing.length ? `missing ${o.missing.length} ${as} that must match (${list(o.missing)})` : '',
    o.imprecise.length ? `with ${o.imprecise.length} returned that do not match by the oracle (${list(o.imprecise)})` : '',
    o.truncated ?? '',
  ].filter(Boolean);
  const self = keeps === undefined ? 'the searchset has no self link' : keeps ? `the self link keeps ${o.param}` : `the self link drops ${o.param} (the server did not apply it)`;
  const kind = ignored ? 'unfiltered' : 'wrong';
  // A parameter the server does not declare: that is the first thing to say (and nothing about declarations when
  // /metadata was no CapabilityStatement: then nobody knows).
  const undeclared = o.declared === false;
  const head = undeclared
    ? `${ignored ? 'unfiltered' : 'wrong'}: ${o.resourceType}.${o.param} is not declared by the server's CapabilityStatement; ${ignored ? 'returned unfiltered results' : 'the search filtered, incorrectly'}`
    : ignored ? 'unfiltered: the parameter was ignored' : 'wrong: the search filtered, incorrectly';
  const tail = [
    self,
    o.declared === true ? `the server's CapabilityStatement declares ${o.resourceType}.${o.param}` : '',
    o.fhirVersion
      ? `the server is FHIR ${o.fhirVersion}, not R5: ${o.r5Only?.length ? `the expression uses R5-only ${o.r5Only.join(', ')}` : `the parameter is R5's (${o.expression ?? 'no expression'})`}`
      : '',
  ].filter(Boolean);
  return { kind, message: `${head} — ${facts.join(', ')}; ${tail.join('; ')}` };
}

/** Throws the CheckFailure a failed search deserves; returns when the search was right. */
export function assertSearch(o: SearchObservation): void {
  const d = diagnose(o);
  if (d) throw new CheckFailure(d.message, d.kind, { missing: o.missing, mustNotReturn: o.unexpected }, { returned: o.returned.length, imprecise: o.imprecise });
}
