// The harness's reader of the official R5 definitions (npm hl7.fhir.r5.core): each file parsed once, whoever asks
// (the search planner's element model, the terminology catalogue's HL7 CodeSystems).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let dir: string | undefined;
const files = new Map<string, unknown>();

/** A file of the package by name (`StructureDefinition-Patient.json`), parsed once; undefined when there is none. */
export function r5PackageFile<T>(name: string): T | undefined {
  if (!files.has(name)) {
    dir ??= dirname(createRequire(import.meta.url).resolve('hl7.fhir.r5.core/package.json'));
    const file = join(dir, name);
    files.set(name, existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);
  }
  return files.get(name) as T | undefined;
}
