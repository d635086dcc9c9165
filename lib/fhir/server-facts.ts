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

/** Whether the server declares search parameter `param` on `type`: undefined when /metadata gave no CapabilityStatement. */
export function declaresSearchParam(facts: ServerFacts, type: string, param: string): boolean | undefined {
  if (!facts.isCapabilityStatement) return undefined;
  return facts.types[type]?.searchParams.includes(param) ?? false;
}
