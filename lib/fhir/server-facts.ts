// What the server says about itself in /metadata, read once per run: its FHIR version, its software, and the
// types, interactions and search parameters it declares. A check that fails on something the server does not
// declare says so first; a server that is not R5 is named once for the whole run, not in every reason.

export interface DeclaredType {
  interactions: string[];
  searchParams: string[];
  operations: string[];
}

export interface ServerFacts {
  /** GET [base]/metadata answered 200 with a CapabilityStatement. */
  isCapabilityStatement: boolean;
  /** What /metadata answered instead, when it was not a CapabilityStatement (e.g. `200 Bundle`, `404`, `200 text/html`). */
  answered?: string;
  /** CapabilityStatement.fhirVersion, e.g. `5.0.0` or `4.0.1`. */
  fhirVersion?: string;
  software?: { name?: string; version?: string };
  /** rest[mode=server].resource by type. */
  types: Record<string, DeclaredType>;
}

/** True when the server declares an R5 fhirVersion (5.0.x); undefined when it does not say. */
export function isR5(facts: ServerFacts): boolean | undefined {
  return facts.fhirVersion ? /^5\.0(\.|$)/.test(facts.fhirVersion) : undefined;
}

interface CsLike {
  resourceType?: string;
  fhirVersion?: string;
  software?: { name?: string; version?: string };
  rest?: { mode?: string; resource?: { type?: string; interaction?: { code?: string }[]; searchParam?: { name?: string }[]; operation?: { name?: string }[] }[] }[];
}

/** The facts of one /metadata answer (status, content type and parsed body). */
export function serverFactsOf(status: number, contentType: string | undefined, body: unknown): ServerFacts {
  const cs = body as CsLike | undefined;
  if (status !== 200 || cs?.resourceType !== 'CapabilityStatement') {
    const what = cs && typeof cs === 'object' && typeof cs.resourceType === 'string' ? cs.resourceType : (contentType?.split(';')[0] ?? 'no body');
    return { isCapabilityStatement: false, answered: `${status} ${what}`, types: {} };
  }
  const types: Record<string, DeclaredType> = {};
  for (const rest of (cs.rest ?? []).filter((r) => (r.mode ?? 'server') === 'server')) {
    for (const r of rest.resource ?? []) {
      if (!r.type) continue;
      const t = (types[r.type] ??= { interactions: [], searchParams: [], operations: [] });
      t.interactions.push(...(r.interaction ?? []).map((i) => i.code).filter((c): c is string => !!c));
      t.searchParams.push(...(r.searchParam ?? []).map((p) => p.name).filter((n): n is string => !!n));
      t.operations.push(...(r.operation ?? []).map((o) => o.name).filter((n): n is string => !!n));
    }
  }
  return { isCapabilityStatement: true, fhirVersion: cs.fhirVersion, software: cs.software && { name: cs.software.name, version: cs.software.version }, types };
}

/**
 * The run-level warnings about the server itself, each said once per run (never repeated in every reason):
 * /metadata is not a CapabilityStatement; the server is not FHIR 5.0.x (R5-only elements will be missing).
 */
export function factsWarnings(facts: ServerFacts, metadataUrl: string): string[] {
  if (!facts.isCapabilityStatement) {
    return [`GET ${metadataUrl} answered ${facts.answered}, not a CapabilityStatement: what the server declares (types, interactions, search parameters, fhirVersion) is unknown for this run; server:capability-statement fails, and no reason will say "declared" or "not declared"`];
  }
  const r5 = isR5(facts);
  if (r5 === false) return [`the server declares fhirVersion ${facts.fhirVersion}, not 5.0.x: the platform is FHIR R5, so R5-only elements and search parameters will be missing (failures on them name the R5-only element)`];
  if (r5 === undefined) return [`the server's CapabilityStatement declares no fhirVersion: it is judged as FHIR R5`];
  return [];
}

/** R5-only, for a reason: names the element or parameter as R5-only when the server declared another FHIR version. */
export function r5OnlyNote(facts: ServerFacts, what: string): string {
  return isR5(facts) === false ? ` (${what} is R5-only; the server declares fhirVersion ${facts.fhirVersion})` : '';
}

/** Whether the server declares search parameter `param` on `type`: undefined when /metadata gave no CapabilityStatement. */
export function declaresSearchParam(facts: ServerFacts, type: string, param: string): boolean | undefined {
  if (!facts.isCapabilityStatement) return undefined;
  return facts.types[type]?.searchParams.includes(param) ?? false;
}
