// Where the harness's terminology comes from: the compiled IG (spec/ig, through lib/spec/ig.ts) and the
// official HL7 CodeSystems of hl7.fhir.r5.core (npm). Only reading and indexing here; no FHIR semantics.
import { r5PackageFile } from '../spec/r5.ts';

/** A resource as read from JSON: only what the terminology code reads is typed. */
export type Json = Record<string, any>;

/**
 * The hl7.fhir.r5.core CodeSystem with this canonical, if the package has one. The package names its files
 * CodeSystem-<last path segment>.json; the url inside is checked, so a name clash cannot pass for a match.
 */
export function r5CodeSystem(url: string): Json | undefined {
  if (!url.startsWith('http://hl7.org/fhir/')) return undefined;
  const cs = r5PackageFile<Json>(`CodeSystem-${url.replace(/\/$/, '').split('/').pop()}.json`);
  return cs?.resourceType === 'CodeSystem' && cs.url === url ? cs : undefined;
}
