// Where the harness's terminology comes from: the compiled IG (spec/ig, read through lib/spec/files.ts) and the
// official HL7 CodeSystems of hl7.fhir.r5.core (npm). Only reading and indexing here; no FHIR semantics.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readSpecJson } from '../spec/files.ts';

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

let r5Dir: string | undefined;
/**
 * The hl7.fhir.r5.core CodeSystem with this canonical, if the package has one. The package names its files
 * CodeSystem-<last path segment>.json; the url inside is checked, so a name clash cannot pass for a match.
 */
export function r5CodeSystem(url: string): Json | undefined {
  if (!url.startsWith('http://hl7.org/fhir/')) return undefined;
  r5Dir ??= dirname(createRequire(import.meta.url).resolve('hl7.fhir.r5.core/package.json'));
  const file = join(r5Dir, `CodeSystem-${url.replace(/\/$/, '').split('/').pop()}.json`);
  if (!existsSync(file)) return undefined;
  const cs = JSON.parse(readFileSync(file, 'utf8')) as Json;
  return cs.resourceType === 'CodeSystem' && cs.url === url ? cs : undefined;
}
