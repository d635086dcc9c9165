// What R5 requires of a resource type (min ≥ 1), read from the base StructureDefinition snapshots of hl7.fhir.r5.core:
// the server's own reading, used to reduce an example to the least a valid instance carries (platform-records.ts).
import { r5Snapshot } from './r5-package.ts';

/**
 * `value` (a resource of `type`, or one of its backbone elements at `path`) with only the elements R5 requires,
 * backbone elements reduced the same way; datatypes (Reference, CodeableConcept…) are kept whole.
 */
export function requiredOnly(type: string, value: Record<string, unknown>, path = type): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of r5Snapshot(type)) {
    const name = e.id.slice(path.length + 1);
    if (!e.id.startsWith(`${path}.`) || name.includes('.') || (e.min ?? 0) < 1 || value[name] === undefined) continue;
    const backbone = e.type?.some((t) => t.code === 'BackboneElement');
    const reduce = (v: unknown) => (backbone && v && typeof v === 'object' ? requiredOnly(type, v as Record<string, unknown>, e.id) : structuredClone(v));
    out[name] = Array.isArray(value[name]) ? (value[name] as unknown[]).map(reduce) : reduce(value[name]);
  }
  return out;
}
