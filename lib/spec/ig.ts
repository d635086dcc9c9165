// The compiled IG (spec/ig: UZ Core as JSON) as the harness reads it: its index and its resource files, each parsed
// once, for the profiles suite and the terminology catalogue alike.
import { readSpecJson } from './files.ts';

export interface IgProfile {
  url: string;
  id: string;
  title: string;
  type: string;
  /** Element ids (slice names after `:`) from the differential. */
  mustSupport: string[];
  /** min ≥ 1 in the profile's differential. */
  required: string[];
  /** Top-level elements with min ≥ 1 in the base R5 resource. */
  baseRequired: string[];
  bindings: { path: string; strength: string; valueSet: string }[];
  file: string;
}

export interface IgExample { resourceType: string; id: string; profile?: string[]; title?: string; file: string }

export interface IgEntry { url: string; id: string; file: string; content?: string; supplements?: string }

export interface IgIndex {
  source: { repo: string; commit: string; igId: string; igVersion: string; canonical: string; terminologyCanonical: string };
  profiles: IgProfile[];
  examples: IgExample[];
  codeSystems: (IgEntry & { content: string })[];
  valueSets: IgEntry[];
  conceptMaps: IgEntry[];
  extensions: IgEntry[];
}

export const IG_DIR = 'ig';

let index: IgIndex | undefined;
export function igIndex(): IgIndex {
  index ??= readSpecJson<IgIndex>(`${IG_DIR}/index.json`);
  return index;
}

/** A resource file of the IG, parsed afresh: for a reader that keeps a model of its own (the large CodeSystems). */
export function readIgResource(file: string): Record<string, any> {
  return readSpecJson<Record<string, any>>(`${IG_DIR}/resources/${file}`);
}

const files = new Map<string, Record<string, any>>();
/** A resource file of the IG (`StructureDefinition-uz-core-patient.json`), parsed once and kept. */
export function igResource(file: string): Record<string, any> {
  let r = files.get(file);
  if (!r) files.set(file, (r = readIgResource(file)));
  return r;
}
