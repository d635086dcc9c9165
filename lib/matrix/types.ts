// The shape of capabilities.json. Pure types: the reference server may import these (type-only).

export type Tier = 'SHALL' | 'SHOULD' | 'MAY';

export type SearchParamType =
  | 'number' | 'date' | 'string' | 'token' | 'reference'
  | 'composite' | 'quantity' | 'uri' | 'special';

/** One component of a composite search parameter. */
export interface CompositeComponent {
  /** Name of the component parameter (a search parameter of the same resource, or its R5 code). */
  param: string;
  /** Its type (resolved from the component parameter). */
  type: Exclude<SearchParamType, 'composite' | 'special'>;
  /** FHIRPath relative to each node selected by the composite's base `expression`. */
  expression: string;
}

export interface SearchParam {
  /** The name a client sends, exactly as declared (case-sensitive: `partOf` ≠ `partof`). */
  name: string;
  type: SearchParamType;
  /**
   * FHIRPath over the resource (e.g. `Observation.effective.ofType(Period)`, `Resource.meta.tag`).
   * For composites: the base each component is evaluated on (`Observation | Observation.component`).
   * null when no source gives one (the search suite reports such a param as not-run).
   */
  expression: string | null;
  /** Where `expression` comes from: the platform's own CS, the R5 base definitions, the IG facts, or derived (scripts/matrix/derived-expressions.json, with a note). */
  expressionSource: 'server' | 'r5' | 'ig' | 'derived' | 'none';
  /** Declared by the platform's server-generated CapabilityStatement. */
  declaredByServer: boolean;
  /** Declared by the IG repository's CapabilityStatement. */
  declaredByIg: boolean;
  /** R5 target resource types (reference params). */
  targets?: string[];
  /** Comparators the R5 definition allows (date, number, quantity). */
  comparators?: string[];
  /** Modifiers the R5 definition allows. */
  modifiers?: string[];
  components?: CompositeComponent[];
  /** The platform CapabilityStatement's expression when it names elements R5 lacks (`expression` is then R5's, or null). */
  platformExpression?: string;
  tier: Tier;
  /** `search:<Type>:<name>` */
  capability: string;
  note?: string;
}

export interface ResourceCapability {
  type: string;
  inServerCS: boolean;
  inIgCS: boolean;
  profiles: string[];
  /** Interactions the platform declares (server CS; the IG CS for types the server lacks). */
  interactions: string[];
  conditionalCreate: boolean;
  operations: { name: string; definition: string }[];
  searchParams: SearchParam[];
  /** `_include`, `_revinclude` and their `:iterate` forms: result parameters, not filters. */
  resultParams: string[];
}

export type GapKind = 'unfiltered' | 'not-enabled' | 'not-loaded' | 'other';

export interface ExpectedGap {
  /** A capability id; it also covers every sub-capability `<id>:…`. */
  capability: string;
  kind: GapKind;
  reason: string;
  ticket?: string;
  /** ISO date the gap was first recorded. */
  since: string;
}

export interface TargetConfig {
  description: string;
  /** FHIR base URL; absent for the embedded server (its URL is known only once it listens). */
  baseUrl?: string;
  tokenUrl?: string;
  /** Name of the environment variable that may override baseUrl (vendor). */
  baseUrlEnv?: string;
  tokenUrlEnv?: string;
  /** How the client authenticates at the token endpoint. */
  clientAuth: 'client_secret_post' | 'client_secret_basic';
  /** The harness never writes to a read-only target. */
  readOnly: boolean;
  embedded?: boolean;
  /** Embedded target: profile → which target's gaps it reproduces (null = none). */
  profiles?: Record<string, { gapsOf: string | null }>;
  defaultProfile?: string;
  /** Use another target's gap list instead of an own one. */
  gapsOf?: string;
  gaps?: ExpectedGap[];
  /** Capabilities the target's documentation says work (the availability table's "do filter" rows): never gaps. */
  confirmed?: { capability: string; note: string; since: string; /** The availability table's row. */ ticket?: string }[];
}

export interface Capability {
  id: string;
  tier: Tier;
  /** Which suite verifies it. */
  suite: 'auth' | 'concurrency' | 'transactions' | 'search' | 'availability' | 'terminology' | 'must-support' | 'interactions' | 'profiles';
  title: string;
  /** Where the requirement is written. */
  source: string;
  /**
   * Prerequisite capabilities, judged first (the CLI's preflight): when one fails, this capability cannot be judged
   * and is reported `blocked` naming it — one root cause, one failure.
   */
  requires?: string[];
  /**
   * Why no check of the harness judges this capability (e.g. a Must Support element the harness cannot populate).
   * Such an id is never claimed by a check; results.json reports it not-run with this reason.
   */
  notTested?: string;
}

export interface Matrix {
  $schema?: string;
  matrixVersion: string;
  fhirVersion: string;
  ig: { id: string; canonical: string };
  generatedFrom: Record<string, string>;
  tierRules: string[];
  capabilities: Capability[];
  resources: ResourceCapability[];
  targets: Record<string, TargetConfig>;
}
