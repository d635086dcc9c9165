// Terminology capability ids: `terminology:<scope>:<operation>:<canonical>`. UZ Core content shares the prefix
// `terminology:uz-core`, so one expected gap covers all of it (a gap covers every `<id>:…`, lib/matrix/gaps.ts).
export const TERMINOLOGY_OPERATIONS = ['validate-code', 'lookup', 'subsumes', 'expand', 'validate-code-vs', 'translate', 'designation'] as const;
export type TerminologyOperation = (typeof TERMINOLOGY_OPERATIONS)[number];
export type TerminologyScope = 'uz-core' | 'international';

export const UZ_CORE_PREFIX = 'terminology:uz-core';
export const UNKNOWN_SYSTEM_ID = 'terminology:unknown-system';

export const terminologyId = (scope: TerminologyScope, op: TerminologyOperation, canonical: string) => `terminology:${scope}:${op}:${canonical}`;

export interface ParsedTerminologyId { scope: TerminologyScope; op: TerminologyOperation; canonical: string }

/** The parts of a per-canonical terminology id; undefined for any other id. */
export function parseTerminologyId(id: string): ParsedTerminologyId | undefined {
  const m = /^terminology:(uz-core|international):([a-z-]+):(.+)$/.exec(id);
  if (!m || !(TERMINOLOGY_OPERATIONS as readonly string[]).includes(m[2]!)) return undefined;
  return { scope: m[1] as TerminologyScope, op: m[2] as TerminologyOperation, canonical: m[3]! };
}
