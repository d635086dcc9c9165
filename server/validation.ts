// Write-time checks: the body's shape, and the UZ Core elements the profiles make mandatory, as one data table.
import type { Resource } from 'fhir/r5.js';
import { FhirError, badRequest, issue, outcome } from './outcomes.ts';

const PROFILE_BASE = 'https://dhp.uz/fhir/core/StructureDefinition/';

interface RequiredRule {
  type: string;
  /** Top-level element; `x[x]` matches any choice type of x. */
  path: string;
  min: number;
  profile: string;
}

/** Mandatory elements of the UZ Core profiles for the types the harness writes (IG facts §5). */
export const REQUIRED_RULES: readonly RequiredRule[] = [
  { type: 'Observation', path: 'status', min: 1, profile: 'uz-core-observation' },
  { type: 'Observation', path: 'code', min: 1, profile: 'uz-core-observation' },
  { type: 'Condition', path: 'subject', min: 1, profile: 'uz-core-condition' },
  { type: 'Encounter', path: 'status', min: 1, profile: 'uz-core-encounter' },
  { type: 'EpisodeOfCare', path: 'status', min: 1, profile: 'uz-core-episodeofcare' },
  { type: 'EpisodeOfCare', path: 'patient', min: 1, profile: 'uz-core-episodeofcare' },
  { type: 'Patient', path: 'identifier', min: 1, profile: 'uz-core-patient' },
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
