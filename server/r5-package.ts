// The server's own reading of the R5 definitions (npm hl7.fhir.r5.core): each file parsed once, whoever asks. The
// harness reads the same package through lib/; the two readings stay independent on purpose.
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

export interface SnapshotElement { id: string; path: string; min?: number; isSummary?: boolean; type?: { code: string }[] }

/** The snapshot elements of a resource type's base StructureDefinition ([] for a type R5 does not define). */
export function r5Snapshot(type: string): SnapshotElement[] {
  return r5PackageFile<{ snapshot?: { element: SnapshotElement[] } }>(`StructureDefinition-${type}.json`)?.snapshot?.element ?? [];
}
