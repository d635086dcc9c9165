// The terminology checks' own logic: what counts as "the server does not know this" (the not-loaded failure kind), and
// the plans they draw from the IG (reproducible from the seed, and able to fail: a filter word that some members lack,
// a not-subsumed pair, a code outside the CodeSystem).
import { describe, expect, test } from 'vitest';
import type { FhirResponse } from '../client/http.ts';
import { draw } from '../run/seed.ts';
import { codeSystem } from '../terminology/index.ts';
import { unknownContent } from './terminology.ts';
import { codeSystemPlan, designationPlan, displaysIn, expandPlan, matchesWord, subsumesPlan, translatePlan, valueSetCodePlan } from './terminology-plan.ts';

const T = 'https://terminology.dhp.uz/fhir/core';
const answer = (status: number, body: unknown) => ({ status, body, text: JSON.stringify(body), headers: {}, retried: false, exchange: {} }) as unknown as FhirResponse;
const oo = (code: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: 'x' }] });
const validation = (extra: object[]) => ({ resourceType: 'Parameters', parameter: [{ name: 'result', valueBoolean: false }, ...extra] });

describe('unknownContent: the answers that mean "this server does not have that terminology"', () => {
  test.for([
    ['404 not-found', answer(404, oo('not-found')), true],
    ['400 not-supported', answer(400, oo('not-supported')), true],
    ['result false, x-unknown-system', answer(200, validation([{ name: 'x-unknown-system', valueCanonical: 'urn:x' }])), true],
    ['result false, issues not-found', answer(200, validation([{ name: 'issues', resource: oo('not-found') }])), true],
    ['result false, "Unknown code system"', answer(200, validation([{ name: 'message', valueString: "Unknown code system 'https://terminology.dhp.uz/fhir/core/CodeSystem/x'" }])), true],
    ['404 processing "Unable to find ValueSet"', answer(404, oo('processing')), true],
    ['result false, "CodeSystem <url> is not known"', answer(200, validation([{ name: 'message', valueString: 'CodeSystem https://terminology.dhp.uz/fhir/core/CodeSystem/x is not known' }])), true],
    ['400 processing, worded', answer(400, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', diagnostics: 'HAPI-0000: Unable to find ValueSet https://x' }] }), true],
    ['result false for an unknown code', answer(200, validation([{ name: 'message', valueString: "Unknown code 'zz' in the CodeSystem https://x" }, { name: 'issues', resource: oo('code-invalid') }])), false],
    ['a 500', answer(500, oo('exception')), false],
    ['a 400 invalid', answer(400, oo('invalid')), false],
  ] as const)('%s → %s', ([, res, unknown]) => {
    expect(!!unknownContent(res)).toBe(unknown);
  });
});

describe('plans', () => {
  const d = (label: string) => draw(1, label);

  test('the same seed draws the same plan', () => {
    const url = `${T}/CodeSystem/education-cs`;
    expect(codeSystemPlan(url, d(url))).toEqual(codeSystemPlan(url, d(url)));
  });

  test('a CodeSystem plan: a code with its display, and a code the system does not have', () => {
    const url = `${T}/CodeSystem/mahalla-cs`;
    const p = codeSystemPlan(url, d(url));
    expect(codeSystem(url)!.concept(p.valid.code)!.display).toBe(p.valid.display);
    expect(codeSystem(url)!.concept(p.invalid)).toBeUndefined();
  });

  test('a subsumes plan exercises transitivity and has a not-subsumed pair', () => {
    const url = `${T}/CodeSystem/identifier-domain-cs`.replace(T, 'https://dhp.uz/fhir/core');
    const p = subsumesPlan(url);
    const cs = codeSystem(url)!;
    expect(cs.subsumes(p.ancestor, p.descendant)).toBe('subsumes');
    expect(cs.ancestors(p.descendant).size).toBeGreaterThan(1);
    expect(cs.subsumes(p.descendant, p.unrelated)).toBe('not-subsumed');
  });

  test('an expand plan: a filter word its member has and others lack; a language that only the supplement provides', () => {
    const url = `${T}/ValueSet/administrative-gender-vs`;
    const p = expandPlan(url, d(url));
    expect(matchesWord(p.filter!.member, p.filter!.word)).toBe(true);
    expect(p.filter!.matching).toBeLessThan(p.expansion.members.length);
    expect(p.language).toEqual({ code: 'uz', supplementDependent: true });
    const male = p.expansion.members.find((m) => m.code === 'male')!;
    expect([displaysIn(male, 'uz'), displaysIn(male, 'uz', false)]).toEqual([['erkak'], []]);
  });

  test('a ValueSet plan takes its non-member from the same system where the harness holds it whole', () => {
    const url = `${T}/ValueSet/international-countries-vs`;
    const p = valueSetCodePlan(url, d(url));
    expect(p.nonMember.system).toBe(p.member.system);
    expect(p.nonMember.code).toBe('182');
  });

  test('a translate plan names every target of its source code; a designation plan asks uz first', () => {
    const cm = `${T}/ConceptMap/allergen-code-to-snomed`;
    expect(translatePlan(cm, d(cm)).targets.length).toBeGreaterThan(0);
    const sup = `${T}/CodeSystem/administrative-gender-cs`;
    expect(designationPlan(sup, d(sup)).byLanguage.map(([l]) => l)).toEqual(['uz', 'ru']);
  });

  test('a designation plan asks in no language the code system itself translates the code into (R5 does not say which a server shows)', () => {
    // publication-status has its own ru designations ("черновик"); the supplement's are "Черновик"….
    const sup = `${T}/CodeSystem/publication-status-cs`;
    for (let seed = 0; seed < 20; seed++) {
      const p = designationPlan(sup, draw(seed, sup));
      const base = codeSystem(p.system)!.concept(p.code)!;
      expect(p.byLanguage.length).toBeGreaterThan(0);
      for (const [language] of p.byLanguage) expect(base.designations.filter((x) => x.language === language)).toEqual([]);
    }
  });
});
