// Terminology capabilities generated from the IG's own terminology (spec/ig) and the systems its examples use:
// one per UZ Core CodeSystem, ValueSet, ConceptMap and supplement and per operation the platform's CapabilityStatement
// declares for it, plus one per international code system (scripts/matrix/terminology.json says which).
import type { Capability, Tier } from '../../lib/matrix/types.ts';
import { catalogue } from '../../lib/terminology/index.ts';
import { terminologyId, UNKNOWN_SYSTEM_ID } from '../../lib/terminology/ids.ts';
import { EXAMPLE_CODES_MAX } from '../../lib/checks/terminology-plan.ts';

export interface Family { name: string; tier: Tier; systems?: string[]; prefixes?: string[]; except?: string[]; source: string }

const CS_SOURCE = "platform CapabilityStatement (CodeSystem $validate-code, $lookup, $subsumes); the IG's CodeSystem";
const VS_SOURCE = "platform CapabilityStatement (ValueSet $expand, $validate-code); the IG's ValueSet";

/** The family an example's system belongs to (first match), if any. */
export function familyOf(system: string, families: readonly Family[]): Family | undefined {
  return families.find((f) => (f.systems?.includes(system) || f.prefixes?.some((p) => system.startsWith(p))) && !f.except?.some((p) => system.startsWith(p)));
}

export function terminologyCapabilities(families: readonly Family[]): { capabilities: Capability[]; generatedFrom: string } {
  const cat = catalogue();
  const cap = (id: string, tier: Tier, title: string, source: string): Capability => ({ id, tier, suite: 'terminology', title, source });
  const label = (url: string) => url.split('/').pop()!;
  const out: Capability[] = [];
  for (const url of cat.completeCodeSystemUrls()) {
    const cs = cat.codeSystem(url)!;
    out.push(cap(terminologyId('uz-core', 'validate-code', url), 'SHALL',
      `CodeSystem/$validate-code knows ${cs.name ?? label(url)}: one of its codes is valid with its display, an unknown code is not (GET and POST)`, CS_SOURCE));
    out.push(cap(terminologyId('uz-core', 'lookup', url), 'SHALL',
      `CodeSystem/$lookup returns the display of a ${cs.name ?? label(url)} code and an OperationOutcome for an unknown one (GET and POST)`, CS_SOURCE));
    if (cs.hierarchical) {
      out.push(cap(terminologyId('uz-core', 'subsumes', url), 'SHALL',
        `CodeSystem/$subsumes follows the ${cs.name ?? label(url)} hierarchy: subsumes, subsumed-by, equivalent, not-subsumed`, CS_SOURCE));
    }
  }
  for (const url of cat.valueSetUrls()) {
    const name = cat.valueSet(url)?.name ?? label(url);
    out.push(cap(terminologyId('uz-core', 'expand', url), 'SHALL',
      `ValueSet/$expand of ${name} returns its codes (as the harness expands the IG), honouring filter, count/offset and displayLanguage`, VS_SOURCE));
    out.push(cap(terminologyId('uz-core', 'validate-code-vs', url), 'SHALL',
      `ValueSet/$validate-code against ${name}: a member is valid with its display, a non-member is not (GET and POST)`, VS_SOURCE));
  }
  for (const url of cat.conceptMapUrls()) {
    out.push(cap(terminologyId('uz-core', 'translate', url), 'SHALL',
      `ConceptMap/$translate with ${cat.conceptMap(url)?.name ?? label(url)} maps a source code to its target, and says when a code has no mapping`,
      "platform CapabilityStatement (ConceptMap $translate); the IG's ConceptMap"));
  }
  for (const url of cat.supplementUrls()) {
    const sup = cat.codeSystem(url)!;
    out.push(cap(terminologyId('uz-core', 'designation', url), 'SHOULD',
      `$lookup with useSupplement ${sup.name ?? label(url)} and displayLanguage uz/ru returns the supplement's translations of ${sup.supplements}`,
      "the IG's uz/ru translation supplement; R5 CodeSystem $lookup displayLanguage and useSupplement"));
  }
  for (const [system, codes] of [...cat.exampleCodings()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const family = familyOf(system, families);
    if (!family) continue;
    out.push(cap(terminologyId('international', 'validate-code', system), family.tier,
      `CodeSystem/$validate-code knows ${family.name} ${system}: ${codes.size > EXAMPLE_CODES_MAX ? `${EXAMPLE_CODES_MAX} of the ${codes.size} codes` : `the ${codes.size} code(s)`} the IG examples use are valid, an unknown code is not`, family.source));
  }
  out.push(cap(UNKNOWN_SYSTEM_ID, 'SHALL', 'A terminology operation on an unknown code system or ValueSet answers a clear OperationOutcome (not a 500)',
    'R5 operations (operations.html: errors are returned as an OperationOutcome); $validate-code: "The server must know the code system"'));
  const { version, commit } = cat.ig;
  return { capabilities: out, generatedFrom: `spec/ig (UZ Core ${version}, ${commit}): CodeSystems, ValueSets, ConceptMaps, supplements and the codes of the examples; hl7.fhir.r5.core CodeSystems` };
}
