// The reference server's fault switches: realistic ways a real FHIR server gets the platform's rules wrong.
// One named table, so the self-tests can prove that each suite catches exactly what it claims to catch.

export interface FaultDef {
  name: string;
  /** What the server then does wrong, in one sentence. */
  description: string;
  /** A fault that needs an argument is written `name=arg` (e.g. `ignore-param=Observation:code`). */
  arg?: string;
}

export const FAULTS = [
  { name: 'if-match-ignored', description: 'PUT applies the write whatever version If-Match names (lost update); a missing If-Match is still refused.' },
  { name: 'if-match-optional', description: 'PUT without If-Match is accepted instead of 412.' },
  { name: 'strong-etag', description: 'ETag is sent strong ("n") instead of weak (W/"n").' },
  { name: 'version-not-incremented', description: 'An update keeps the old meta.versionId and ETag.' },
  { name: 'conflict-409', description: 'A version clash (stale If-Match) answers 409 Conflict instead of 412; a missing If-Match is still 412.' },
  { name: 'precondition-no-outcome', description: 'A 412 carries an empty body instead of the OperationOutcome.' },
  { name: 'transaction-partial', description: 'A failing transaction keeps the entries processed before the failing one.' },
  { name: 'urn-uuid-unresolved', description: 'urn:uuid references inside a transaction are stored as sent, not rewritten.' },
  { name: 'ignore-param', arg: '<Type>:<param>', description: 'The named search parameter is silently ignored (results come back unfiltered).' },
  { name: 'date-boundary', description: 'Date comparators are off at the boundary: gt behaves as ge and lt as le.' },
  { name: 'token-system-ignored', description: 'Token search system|code matches on the code alone.' },
  { name: 'paging-repeats', description: 'Each next page starts with the last entry of the previous page.' },
  { name: 'token-wrong-secret', description: 'The token endpoint issues a token for a wrong client_secret.' },
  { name: 'api-no-auth', description: 'The FHIR API accepts requests with a missing, garbage or expired Bearer token.' },
  { name: 'must-support-dropped', arg: '<Type>.<element>', description: 'The named Must Support element is dropped on write (default Observation.performer).' },
  { name: 'validate-code-always-true', description: '$validate-code (CodeSystem and ValueSet) answers result=true for any code of a system or ValueSet it knows.' },
  { name: 'expand-ignores-filter', description: 'ValueSet/$expand ignores the filter parameter (every code comes back).' },
  { name: 'supplements-ignored', description: 'CodeSystem supplements are never applied: no uz/ru designations or displays from them (useSupplement is accepted and ignored).' },
] as const satisfies readonly FaultDef[];

export type FaultName = (typeof FAULTS)[number]['name'];

/** Active faults: name → argument ('' when the fault takes none). */
export type FaultSet = ReadonlyMap<FaultName, string>;

/** Parses `--fault` values; throws on an unknown name or a missing argument. */
export function parseFaults(specs: readonly string[]): FaultSet {
  const out = new Map<FaultName, string>();
  for (const spec of specs.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const [name, ...rest] = spec.split('=');
    const def: FaultDef | undefined = FAULTS.find((f) => f.name === name);
    if (!def) throw new Error(`unknown fault "${name}"; known: ${FAULTS.map((f) => f.name).join(', ')}`);
    const arg = rest.join('=');
    if (def.arg && !arg && def.name === 'ignore-param') throw new Error(`fault "${name}" needs an argument ${def.arg}`);
    out.set(def.name as FaultName, arg);
  }
  return out;
}
