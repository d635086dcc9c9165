// Where the harness's terminology comes from: the compiled IG (spec/ig, read through lib/spec/files.ts) and the
// official HL7 CodeSystems of hl7.fhir.r5.core (npm). Only reading and indexing here; no FHIR semantics.
import { readSpecJson } from '../spec/files.ts';
import { r5PackageFile } from '../spec/r5.ts';

export interface IgEntry { url: string; id: string; file: string; content?: string; supplements?: string }
export interface IgIndex {
  source: { commit: string; igVersion: string; igId: string; terminologyCanonical: string; canonical: string };
  codeSystems: IgEntry[];
  valueSets: IgEntry[];
  conceptMaps: IgEntry[];
  examples: { resourceType: string; id: string; file: string }[];
}

/** A resource as read from JSON: only what the terminology code reads is typed. */
export type Json = Record<string, any>;

let index: IgIndex | undefined;
export function igIndex(): IgIndex {
  index ??= readSpecJson<IgIndex>('ig/index.json');
  return index;
}

export function igResource(file: string): Json {
  return readSpecJson<Json>(`ig/resources/${file}`);
}

/**
 * The hl7.fhir.r5.core CodeSystem with this canonical, if the package has one. The package names its files
 * CodeSystem-<last path segment>.json; the url inside is checked, so a name clash cannot pass for a match.
 */
export function r5CodeSystem(url: string): Json | undefined {
  if (!url.startsWith('http://hl7.org/fhir/')) return undefined;
  const cs = r5PackageFile<Json>(`CodeSystem-${url.replace(/\/$/, '').split('/').pop()}.json`);
  return cs?.resourceType === 'CodeSystem' && cs.url === url ? cs : undefined;
}
