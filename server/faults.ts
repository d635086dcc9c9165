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
  { name: 'version-non-integer', description: 'versionIds are opaque ids ("a3b1") instead of the platform\'s integers; locking itself stays correct.' },
  { name: 'version-mismatch-text', description: 'A version clash answers 412 with an error/invalid OperationOutcome whose text is not the page\'s "Version is mismatch".' },
  { name: 'metadata-bundle', description: 'GET /metadata answers a Bundle instead of the CapabilityStatement.' },
  { name: 'paging-no-next', description: 'A searchset reports the right total but carries no next link: only the first page can be read.' },
  { name: 'exact-case-insensitive', description: 'String :exact compares without regard to case (Zm…Alpha = zM…aLPHA).' },
  { name: 'string-mid-word', description: 'Default string search matches the value anywhere, not only at its start (as :contains does).' },
  { name: 'period-eq-overlap', description: 'Date eq matches a target range that overlaps the search range instead of one it fully contains (a Period across midnight matches the day).' },
  { name: 'create-200', description: 'A REST create answers 200 OK instead of 201 Created (Location and ETag still sent).' },
  { name: 'create-no-location', description: 'A REST create answers 201 without the Location header.' },
  { name: 'required-not-enforced', description: 'Writes claiming a UZ Core profile are not checked for its required (min ≥ 1) elements; patterns, bindings and maximums still are.' },
  { name: 'undeclared-delete-accepted', description: 'DELETE is carried out on types whose CapabilityStatement entry does not declare delete (CodeSystem, ValueSet, …).' },
  { name: 'validate-code-always-true', description: '$validate-code (CodeSystem and ValueSet) answers result=true for any code of a system or ValueSet it knows.' },
  { name: 'expand-ignores-filter', description: 'ValueSet/$expand ignores the filter parameter (every code comes back).' },
  { name: 'include-ignored', description: '_include and _revinclude (and their :iterate forms) are silently ignored: only the matches come back.' },
  { name: 'chain-ignored', description: 'Chained parameters (subject:Patient.identifier=…, subject.identifier=…) are silently ignored: results come back unfiltered by them.' },
  { name: 'missing-inverted', description: ':missing=true returns the resources that have a value for the parameter, :missing=false those without one.' },
  { name: 'has-ignored', description: '_has (reverse chaining) is silently ignored: results come back unfiltered by it.' },
  { name: 'platform-expressions', description: "The CapabilityStatement documents the platform's own search expressions, including those that name elements R5 does not have (Claim.subject…)." },
  { name: 'modifiers-ignored', description: 'The :text, :identifier and :of-type modifiers are silently ignored: the param is left out and results come back unfiltered by it.' },
  { name: 'in-ignored', description: 'The terminology token modifiers :in, :not-in, :below and :above are silently ignored: results come back unfiltered by them.' },
  { name: 'shaping-ignored', description: '_summary, _elements and _sort are silently ignored, and _count=0 is read as no _count (a full first page).' },
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
