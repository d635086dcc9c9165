// The codes of the IG's ValueSets, expanded from the IG's own CodeSystems (spec/ig): what the harness writes into a
// bound element. A system the IG does not hold (LOINC, ISO 3166, HL7 terminology) expands to "any code of it".
import { codesOf as r5Codes } from '../search/model.ts';
import { igIndex, igResource } from './ig.ts';

export interface Code { system: string; code: string; display?: string }

export interface Expansion {
  codes: Code[];
  /** Codes known to be in it although the ValueSet is not fully known (an IG supplement's, the R5 package's). */
  known?: Code[];
  /** Systems included whole that the IG does not define: any of their codes is in the ValueSet. */
  open: string[];
  /** Every include could be expanded (no unsupported filter, no unknown nested ValueSet). */
  complete: boolean;
}

interface Concept { code: string; display?: string; concept?: Concept[]; property?: { code: string; valueCoding?: { system?: string; code?: string }; valueString?: string; valueCode?: string; valueBoolean?: boolean }[] }
interface Include { system?: string; concept?: { code: string; display?: string }[]; filter?: { property: string; op: string; value: string }[]; valueSet?: string[] }

const propertyValue = (p: NonNullable<Concept['property']>[number]): string =>
  p.valueCoding ? `${p.valueCoding.system}#${p.valueCoding.code}` : String(p.valueString ?? p.valueCode ?? p.valueBoolean ?? '');

function flatten(concepts: Concept[] | undefined): Concept[] {
  return (concepts ?? []).flatMap((c) => [c, ...flatten(c.concept)]);
}

const systems = new Map<string, Concept[] | null>();
/** The concepts of a complete IG CodeSystem; null when the IG has none (or only a supplement / fragment). */
export function systemConcepts(url: string): Concept[] | null {
  if (!systems.has(url)) {
    const cs = igIndex().codeSystems.find((c) => c.url === url && c.content === 'complete');
    systems.set(url, cs ? flatten((igResource(cs.file) as { concept?: Concept[] }).concept) : null);
  }
  return systems.get(url)!;
}

function includeCodes(inc: Include, seen: Set<string>): Expansion {
  const out: Expansion = { codes: [], open: [], complete: true };
  for (const nested of inc.valueSet ?? []) merge(out, expand(nested, seen) ?? { codes: [], open: [], complete: false });
  if (!inc.system) return out;
  if (inc.concept?.length) {
    out.codes.push(...inc.concept.map((c) => ({ system: inc.system!, code: c.code, display: c.display })));
    return out;
  }
  const all = systemConcepts(inc.system);
  if (!all) {
    if (inc.filter?.length) out.complete = false;
    else out.open.push(inc.system);
    out.known = knownCodes(inc.system);
    return out;
  }
  let picked = all;
  for (const f of inc.filter ?? []) {
    if (f.op !== '=') { out.complete = false; continue; }
    picked = picked.filter((c) => (c.property ?? []).some((p) => p.code === f.property && propertyValue(p) === f.value));
  }
  out.codes.push(...picked.map((c) => ({ system: inc.system!, code: c.code, display: c.display })));
  return out;
}

/** Codes of a system the IG does not define whole: the IG's supplements of it, else the R5 package's CodeSystem. */
function knownCodes(system: string): Code[] {
  const supplements = igIndex().codeSystems.filter((c) => c.supplements === system);
  const fromSupplements = supplements.flatMap((c) => flatten((igResource(c.file) as { concept?: Concept[] }).concept).map((x) => ({ system, code: x.code })));
  return fromSupplements.length ? fromSupplements : r5Codes(`http://hl7.org/fhir/ValueSet/${system.split('/').pop()}`).map((c) => ({ system, code: c.code }));
}

function merge(into: Expansion, from: Expansion): void {
  into.codes.push(...from.codes);
  if (from.known?.length) (into.known ??= []).push(...from.known);
  into.open.push(...from.open);
  into.complete &&= from.complete;
}

const expansions = new Map<string, Expansion | undefined>();

/** The ValueSet's codes (an R5 base ValueSet from the hl7.fhir.r5.core package); undefined when neither defines it. */
export function expand(url: string, seen = new Set<string>()): Expansion | undefined {
  const canonical = url.split('|')[0]!;
  if (expansions.has(canonical)) return expansions.get(canonical);
  if (seen.has(canonical)) return { codes: [], open: [], complete: false };
  seen.add(canonical);
  const vs = igIndex().valueSets.find((v) => v.url === canonical);
  let out: Expansion | undefined;
  const r5 = vs ? [] : r5Codes(canonical);
  if (r5.length) out = { codes: r5.map((c) => ({ system: c.system ?? '', code: c.code })), open: [], complete: false };
  if (vs) {
    const compose = (igResource(vs.file) as { compose?: { include?: Include[]; exclude?: Include[] } }).compose;
    out = { codes: [], open: [], complete: true };
    for (const inc of compose?.include ?? []) merge(out, includeCodes(inc, seen));
    for (const exc of compose?.exclude ?? []) {
      const gone = includeCodes(exc, seen);
      const drop = new Set(gone.codes.map((c) => `${c.system}|${c.code}`));
      out.codes = out.codes.filter((c) => !drop.has(`${c.system}|${c.code}`));
    }
  }
  expansions.set(canonical, out);
  return out;
}
