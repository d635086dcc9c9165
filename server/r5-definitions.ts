// Canonical SearchParameter URLs of the R5 base spec, so the CapabilityStatement can name each param's definition.
import type { CapabilityStatement } from 'fhir/r5.js';
import { r5PackageFile } from './r5-package.ts';

/** Parameters every resource has; R5 defines them once on Resource. */
const RESOURCE_LEVEL = new Set(['_id', '_lastUpdated', '_profile', '_security', '_source', '_tag', '_language', '_in']);

let cache: Map<string, string> | undefined;

/**
 * `Type:name` → definition URL, read once from the R5 base CapabilityStatement (npm hl7.fhir.r5.core).
 * Without that package the map is empty and the CapabilityStatement simply omits definitions.
 */
function definitions(): Map<string, string> {
  if (cache) return cache;
  cache = new Map();
  let base: CapabilityStatement | undefined;
  try {
    base = r5PackageFile<CapabilityStatement>('CapabilityStatement-base.json');
  } catch {
    return cache;
  }
  for (const r of base?.rest?.[0]?.resource ?? []) {
    for (const p of r.searchParam ?? []) if (p.definition) cache.set(`${r.type}:${p.name}`, p.definition);
  }
  return cache;
}

export function r5Definition(type: string, name: string): string | undefined {
  if (RESOURCE_LEVEL.has(name)) return `http://hl7.org/fhir/SearchParameter/Resource-${name.slice(1)}`;
  return definitions().get(`${type}:${name}`);
}
