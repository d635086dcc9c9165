// The platform's terminology operations, one capability per UZ Core CodeSystem, ValueSet, ConceptMap and supplement and
// per international code system the IG's examples use (the matrix lists them; lib/checks/terminology-plan.ts picks the
// codes, lib/checks/terminology.ts judges the answers against the harness's own reading of the IG). The checks are
// read-only and independent: all concurrent, bounded by the run's limit on requests in flight.
import { describe } from 'vitest';
import * as t from '../lib/checks/terminology.ts';
import { type Plan, planFor } from '../lib/checks/terminology-plan.ts';
import { session } from '../lib/run/session.ts';
import { parseTerminologyId, UNKNOWN_SYSTEM_ID } from '../lib/terminology/ids.ts';
import { capabilityTest, type Check } from '../lib/vitest/capability.ts';

const REQUIREMENTS: [group: string, requirement: string][] = [
  ['uz-core:validate-code', 'CodeSystem/$validate-code: "True if the concept details supplied are valid", with a valid display; false with a message otherwise'],
  ['uz-core:lookup', 'CodeSystem/$lookup: the display of a concept, an error for a code the system does not have'],
  ['uz-core:subsumes', 'CodeSystem/$subsumes: "the subsumption relationship between code A and code B"'],
  ['uz-core:expand', 'ValueSet/$expand: the codes of the ValueSet, restricted by filter, paged by count/offset, displayed in displayLanguage'],
  ['uz-core:validate-code-vs', 'ValueSet/$validate-code: members are valid, other codes are not'],
  ['uz-core:translate', 'ConceptMap/$translate: the mapped concepts of a source code; result false where there is none'],
  ['uz-core:designation', 'CodeSystem/$lookup with useSupplement and displayLanguage: the uz/ru translations of the IG\'s supplements'],
  ['international:validate-code', 'International code systems (LOINC, SNOMED CT, ICD-10, HL7) "already validate" (API access page)'],
];

type Runner<P> = (client: t.Requester, plan: P) => Promise<string[] | void>;
const CHECKS: { [Op in Plan['op']]: Runner<Extract<Plan, { op: Op }>['plan']> } = {
  'validate-code': t.checkValidateCode,
  lookup: t.checkLookup,
  subsumes: t.checkSubsumes,
  designation: t.checkDesignation,
  expand: t.checkExpand,
  'validate-code-vs': t.checkValidateCodeInValueSet,
  translate: t.checkTranslate,
  international: t.checkInternational,
};

const s = session();
/** DHP_TERMINOLOGY_IDS=uz-core:expand,international restricts the suite to ids under those prefixes (self-tests, quick runs). */
const only = s.env.terminologyIds?.map((x) => `terminology:${x}`);
const capabilities = s.matrix.capabilities.filter((c) => c.suite === 'terminology' && (!only?.length || only.some((p) => c.id === p || c.id.startsWith(`${p}:`))));

const check = (id: string) => async (c: Check) => {
  const parsed = parseTerminologyId(id);
  if (!parsed) return t.checkUnknownSystem(c.client, `https://dhp-conformance.invalid/${s.draw(id).hex(4)}`);
  const plan = planFor(parsed, s.draw(id));
  // TypeScript cannot tie CHECKS[plan.op] to plan.plan through the union; the table's type already does.
  for (const note of (await (CHECKS[plan.op] as Runner<typeof plan.plan>)(c.client, plan.plan)) ?? []) c.note(note);
};

for (const [group, requirement] of REQUIREMENTS) {
  describe.concurrent(requirement, () => {
    for (const cap of capabilities.filter((c) => c.id.startsWith(`terminology:${group}:`))) capabilityTest(cap.id, cap.title, check(cap.id));
  });
}

describe.concurrent('An unknown code system or ValueSet is answered with an OperationOutcome, never a 500', () => {
  const cap = capabilities.find((c) => c.id === UNKNOWN_SYSTEM_ID);
  if (cap) capabilityTest(cap.id, cap.title, check(cap.id));
});
