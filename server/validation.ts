// Write-time checks: the body's shape; a resource claiming UZ Core profiles is validated against them in full
// (server/profiles); one claiming none is held to the elements the base resources make mandatory, as one data table.
import type { Resource } from 'fhir/r5.js';
import type { FaultSet } from './faults.ts';
import { FhirError, badRequest, issue, outcome } from './outcomes.ts';
import { claimedProfiles, validateAgainst } from './profiles/validate.ts';

const PROFILE_BASE = 'https://dhp.uz/fhir/core/StructureDefinition/';

interface RequiredRule {
  type: string;
  /** Top-level element; `x[x]` matches any choice type of x. */
  path: string;
  min: number;
  profile: string;
}

/**
 * Mandatory elements of the types the harness writes (IG facts §5), for a resource that claims no UZ Core profile: the
 * base resources' minimums. (Patient.identifier is UZ Core's own: the IG's example-patient, which claims nothing, has none.)
 */
export const REQUIRED_RULES: readonly RequiredRule[] = [
  { type: 'Observation', path: 'status', min: 1, profile: 'uz-core-observation' },
  { type: 'Observation', path: 'code', min: 1, profile: 'uz-core-observation' },
  { type: 'Condition', path: 'subject', min: 1, profile: 'uz-core-condition' },
  { type: 'Encounter', path: 'status', min: 1, profile: 'uz-core-encounter' },
  { type: 'EpisodeOfCare', path: 'status', min: 1, profile: 'uz-core-episodeofcare' },
  { type: 'EpisodeOfCare', path: 'patient', min: 1, profile: 'uz-core-episodeofcare' },
  { type: 'Procedure', path: 'status', min: 1, profile: 'uz-core-procedure' },
  { type: 'Procedure', path: 'subject', min: 1, profile: 'uz-core-procedure' },
  { type: 'Immunization', path: 'status', min: 1, profile: 'uz-core-immunization' },
  { type: 'Immunization', path: 'vaccineCode', min: 1, profile: 'uz-core-immunization' },
  { type: 'Immunization', path: 'patient', min: 1, profile: 'uz-core-immunization' },
  { type: 'Immunization', path: 'occurrence[x]', min: 1, profile: 'uz-core-immunization' },
];

/** HTTP status of a profile violation (the platform answers 400, not 422). */
export const PROFILE_VIOLATION_STATUS = 400;

function countOf(resource: Record<string, unknown>, path: string): number {
  const keys = path.endsWith('[x]')
    ? Object.keys(resource).filter((k) => k.startsWith(path.slice(0, -3)) && /^[A-Z]/.test(k.slice(path.length - 3)))
    : [path];
  let n = 0;
  for (const k of keys) {
    const v = resource[k];
    if (Array.isArray(v)) n += v.filter((x) => x !== null && x !== undefined).length;
    else if (v !== undefined && v !== null && v !== '') n += 1;
  }
  return n;
}

/** Parses and checks that a request body is a resource of the expected type. */
export function asResource(body: unknown, expectedType: string): Resource {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('structure', 'The body must be a JSON object (a FHIR resource)');
  }
  const rt = (body as { resourceType?: unknown }).resourceType;
  if (rt !== expectedType) {
    throw badRequest('invalid', `resourceType ${JSON.stringify(rt ?? null)} does not match the expected ${expectedType}`);
  }
  return body as Resource;
}

/** Throws the first profile violation, worded as the platform's validator words it. */
export function checkRequired(resource: Resource): void {
  const issues = REQUIRED_RULES.filter((r) => r.type === resource.resourceType)
    .map((r) => ({ r, found: countOf(resource as unknown as Record<string, unknown>, r.path) }))
    .filter(({ r, found }) => found < r.min)
    .map(({ r, found }) =>
      issue(
        'required',
        `${r.type}.${r.path}: minimum required = ${r.min}, but only found ${found} (from ${PROFILE_BASE}${r.profile})`,
        [`${r.type}.${r.path}`],
      ),
    );
  if (issues.length) throw new FhirError(PROFILE_VIOLATION_STATUS, outcome(issues));
}

/**
 * Which rules apply: the UZ Core profiles the resource claims in meta.profile, all of them (a claim is a promise the
 * server holds the writer to); without a claim, the mandatory elements above. The type's own declared profiles are
 * not imposed on unclaimed resources: the platform's examples and other clients' minimal resources claim nothing.
 */
export function validateWrite(resource: Resource, faults: FaultSet): void {
  const claimed = claimedProfiles(resource);
  if (!claimed.length) return checkRequired(resource);
  const issues = claimed.flatMap((p) => validateAgainst(p, resource, { skipMinimums: faults.has('required-not-enforced') }));
  if (issues.length) throw new FhirError(PROFILE_VIOLATION_STATUS, outcome(issues));
}
