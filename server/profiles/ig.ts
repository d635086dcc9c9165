// The server's own reader of the IG (spec/ig): profile summaries, StructureDefinition differentials and the codes of
// the ValueSets it can expand from the IG's complete CodeSystems. Everything is read on first use and kept, so the
// server starts without touching the IG and pays for a profile only when a write claims it.
import { readIgJson as readIg } from '../ig-files.ts';

export interface ProfileSummary { url: string; id: string; type: string; baseRequired: string[]; file: string }

export interface ElementDefinition {
  id: string;
  sliceName?: string;
  min?: number;
  max?: string;
  type?: { code: string; profile?: string[] }[];
  slicing?: { discriminator: { type: string; path: string }[] };
  binding?: { strength: string; valueSet?: string };
  [key: string]: unknown;
}

interface Index {
  profiles: ProfileSummary[];
  examples: { resourceType: string; id: string; file: string }[];
  codeSystems: { url: string; content: string; file: string }[];
  valueSets: { url: string; file: string }[];
}

let index: Index | undefined;
const ig = (): Index => (index ??= readIg<Index>('index.json'));

export function profileFor(url: string): ProfileSummary | undefined {
  return ig().profiles.find((p) => p.url === url.split('|')[0]);
}

const elements = new Map<string, ElementDefinition[]>();
export function differentialOf(p: ProfileSummary): ElementDefinition[] {
  let els = elements.get(p.url);
  if (!els) elements.set(p.url, (els = readIg<{ differential: { element: ElementDefinition[] } }>(`resources/${p.file}`).differential.element));
  return els;
}

interface Concept { code: string; concept?: Concept[]; property?: { code: string; valueCoding?: { system?: string; code?: string }; valueString?: string; valueCode?: string; valueBoolean?: boolean }[] }
interface Include { system?: string; concept?: { code: string }[]; filter?: { property: string; op: string; value: string }[]; valueSet?: string[] }

const all = (cs: Concept[] | undefined): Concept[] => (cs ?? []).flatMap((c) => [c, ...all(c.concept)]);
const valueOf = (p: NonNullable<Concept['property']>[number]) => (p.valueCoding ? `${p.valueCoding.system}#${p.valueCoding.code}` : String(p.valueString ?? p.valueCode ?? p.valueBoolean));

/** `system|code` of every code of the ValueSet, or null when the IG alone cannot say (external systems, other filters). */
const expansions = new Map<string, Set<string> | null>();
export function valueSetCodes(url: string, depth = 0): Set<string> | null {
  const key = url.split('|')[0]!;
  if (expansions.has(key)) return expansions.get(key)!;
  const vs = ig().valueSets.find((v) => v.url === key);
  let out: Set<string> | null = null;
  if (vs && depth < 5) {
    const compose = readIg<{ compose?: { include?: Include[]; exclude?: Include[] } }>(`resources/${vs.file}`).compose;
    const part = (inc: Include): Set<string> | null => {
      const codes = new Set<string>();
      for (const nested of inc.valueSet ?? []) {
        const n = valueSetCodes(nested, depth + 1);
        if (!n) return null;
        n.forEach((c) => codes.add(c));
      }
      if (!inc.system) return codes;
      if (inc.concept?.length) { inc.concept.forEach((c) => codes.add(`${inc.system}|${c.code}`)); return codes; }
      const cs = ig().codeSystems.find((c) => c.url === inc.system && c.content === 'complete');
      if (!cs) return null;
      let concepts = all(readIg<{ concept?: Concept[] }>(`resources/${cs.file}`).concept);
      for (const f of inc.filter ?? []) {
        if (f.op !== '=') return null;
        concepts = concepts.filter((c) => (c.property ?? []).some((p) => p.code === f.property && valueOf(p) === f.value));
      }
      concepts.forEach((c) => codes.add(`${inc.system}|${c.code}`));
      return codes;
    };
    out = new Set();
    for (const inc of compose?.include ?? []) {
      const p = part(inc);
      if (!p) { out = null; break; }
      p.forEach((c) => out!.add(c));
    }
    if (out) for (const exc of compose?.exclude ?? []) part(exc)?.forEach((c) => out!.delete(c));
  }
  expansions.set(key, out);
  return out;
}

/** The IG's example instances of `type`, as published (ids and references as the IG wrote them). */
export function examplesOf(type: string): Record<string, unknown>[] {
  return ig().examples.filter((e) => e.resourceType === type).map((e) => readIg<Record<string, unknown>>(`resources/${e.file}`));
}
