// _summary=true: which top-level elements of a resource type R5 marks as summary elements (isSummary in the base
// StructureDefinition, npm hl7.fhir.r5.core), read once per type. The server's own reading, independent of the harness's.
import { r5Snapshot } from './r5-package.ts';

const cache = new Map<string, { names: Set<string>; choices: string[] }>();

function summaryOf(type: string): { names: Set<string>; choices: string[] } {
  let known = cache.get(type);
  if (known) return known;
  known = { names: new Set(['resourceType', 'id', 'meta']), choices: [] };
  for (const e of r5Snapshot(type)) {
    const parts = e.path.split('.');
    if (parts.length !== 2 || !e.isSummary) continue;
    if (parts[1]!.endsWith('[x]')) known.choices.push(parts[1]!.slice(0, -3));
    else known.names.add(parts[1]!);
  }
  cache.set(type, known);
  return known;
}

/** Whether `key` (a JSON property of a `type` resource, `deceasedBoolean` for a choice) is a summary element. */
export function isSummaryElement(type: string, key: string): boolean {
  const s = summaryOf(type);
  return s.names.has(key) || s.choices.some((c) => key.startsWith(c) && /^[A-Z]/.test(key.slice(c.length)));
}
