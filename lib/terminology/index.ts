// The harness's terminology, independent of every server it judges: what a ValueSet expands to, how two codes of a
// hierarchy relate, what a CodeSystem holds. The terminology suite compares servers against it; search modifiers
// that need terminology (:in, :not-in, :below, :above) can use the same answers.
import { catalogue } from './catalogue.ts';
import type { CodeSystemModel, Subsumption } from './code-system.ts';
import { Expander, type Expansion } from './expand.ts';

export type { Concept, Designation, Subsumption } from './code-system.ts';
export type { CodeSystemModel } from './code-system.ts';
export type { Expansion, Member } from './expand.ts';
export { catalogue } from './catalogue.ts';

let expander: Expander | undefined;

/** The expansion of a UZ Core ValueSet (throws for a ValueSet the IG does not define). */
export function expandValueSet(url: string): Expansion {
  expander ??= new Expander(catalogue());
  return expander.expand(url);
}

/** A CodeSystem of UZ Core (complete or supplement) or of hl7.fhir.r5.core; undefined for any other system. */
export function codeSystem(url: string): CodeSystemModel | undefined {
  return catalogue().codeSystem(url);
}

/** How code A relates to code B in `system`; undefined when the harness does not hold that system completely. */
export function subsumes(system: string, a: string, b: string): Subsumption | undefined {
  const cs = catalogue().completeCodeSystem(system);
  if (!cs?.concept(a) || !cs.concept(b)) return undefined;
  return cs.subsumes(a, b);
}
