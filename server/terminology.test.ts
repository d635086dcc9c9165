// The reference server's terminology: the IG's CodeSystems, ValueSets, ConceptMaps and supplements, HL7's CodeSystems
// and the fragments of LOINC/SNOMED CT/… loaded into SQLite on first use; the playground's "not loaded" answers; the
// three terminology fault switches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMatrix } from './index.ts';
import { type TestClient, startTestServer, withFaults } from './test-support.ts';

const T = 'https://terminology.dhp.uz/fhir/core';
const EDUCATION = `${T}/CodeSystem/education-cs`;
const EDUCATION_VS = `${T}/ValueSet/education-vs`;
const LAB_PAN = `${T}/CodeSystem/lab-pan-cs`;
const GENDER = 'http://hl7.org/fhir/administrative-gender';
const GENDER_SUPPLEMENT = `${T}/CodeSystem/administrative-gender-cs`;
const GENDER_VS = `${T}/ValueSet/administrative-gender-vs`;
const ALLERGENS_CM = `${T}/ConceptMap/allergen-code-to-snomed`;
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const out = (p: { parameter?: { name: string; [k: string]: unknown }[] }, name: string) => p.parameter?.find((x) => x.name === name);
const matrix = loadMatrix();

async function server(opts: Parameters<typeof startTestServer>[0] = {}) {
  return startTestServer({ auth: false, matrix, ...opts });
}

describe('terminology, conformant profile', () => {
  let c: TestClient;
  beforeAll(async () => { c = await server(); });
  afterAll(() => c.server.close());

  it('CodeSystem/$validate-code: a UZ Core code is valid with its display, an unknown one is not, via GET and a Parameters POST', async () => {
    const ok = await c.call('GET', `/CodeSystem/$validate-code?${q({ url: EDUCATION, code: 'regis0005.00008' })}`);
    expect(ok.status).toBe(200);
    expect(out(ok.body, 'result')!.valueBoolean).toBe(true);
    expect(out(ok.body, 'display')!.valueString).toBe("Oliy ma'lumot");
    const post = await c.call('POST', '/CodeSystem/$validate-code', { body: { resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: EDUCATION }, { name: 'coding', valueCoding: { system: EDUCATION, code: 'zz' } }] } });
    expect(out(post.body, 'result')!.valueBoolean).toBe(false);
    expect(out(post.body, 'message')!.valueString).toMatch(/Unknown code "zz"/);
    expect(out(post.body, 'issues')).toBeDefined();
  });

  it('validates the external systems it holds: an HL7 CodeSystem of hl7.fhir.r5.core and the LOINC fragment', async () => {
    const hl7 = await c.call('GET', `/CodeSystem/$validate-code?${q({ url: GENDER, code: 'female' })}`);
    expect(out(hl7.body, 'display')!.valueString).toBe('Female');
    const loinc = await c.call('GET', `/CodeSystem/$validate-code?${q({ url: 'http://loinc.org', code: '8480-6' })}`);
    expect(out(loinc.body, 'result')!.valueBoolean).toBe(true);
  });

  it('an unknown code system or ValueSet is a 404 OperationOutcome', async () => {
    for (const path of [`/CodeSystem/$validate-code?${q({ url: 'http://example.org/none', code: 'x' })}`, `/ValueSet/$expand?${q({ url: 'http://example.org/none' })}`]) {
      const res = await c.call('GET', path);
      expect(res.status).toBe(404);
      expect(res.body.issue[0].code).toBe('not-found');
    }
  });

  it('CodeSystem/$lookup: display, uz/ru designations of a requested supplement, 404 for an unknown code', async () => {
    const uz = await c.call('GET', `/CodeSystem/$lookup?${q({ system: GENDER, code: 'male', displayLanguage: 'uz', useSupplement: GENDER_SUPPLEMENT })}`);
    expect(out(uz.body, 'display')!.valueString).toBe('erkak');
    expect(uz.body.parameter.filter((p: { name: string }) => p.name === 'designation').length).toBeGreaterThanOrEqual(2);
    const plain = await c.call('GET', `/CodeSystem/$lookup?${q({ system: GENDER, code: 'male' })}`);
    expect(out(plain.body, 'display')!.valueString).toBe('Male');
    expect((await c.call('GET', `/CodeSystem/$lookup?${q({ system: GENDER, code: 'nope' })}`)).status).toBe(404);
    expect((await c.call('GET', `/CodeSystem/$lookup?${q({ system: GENDER, code: 'male', useSupplement: `${T}/CodeSystem/none` })}`)).status).toBe(404);
  });

  it('CodeSystem/$subsumes follows nesting and the parent property', async () => {
    const outcome = async (codeA: string, codeB: string) => out((await c.call('GET', `/CodeSystem/$subsumes?${q({ system: LAB_PAN, codeA, codeB })}`)).body, 'outcome')!.valueCode;
    expect(await outcome('lab-pan-A', 'lab-pan-1')).toBe('subsumes');
    expect(await outcome('lab-pan-1', 'lab-pan-A')).toBe('subsumed-by');
    expect(await outcome('lab-pan-1', 'lab-pan-1')).toBe('equivalent');
    expect(await outcome('lab-pan-1', 'lab-pan-2')).toBe('not-subsumed');
  });

  it('ValueSet/$expand: every code, filter, count/offset paging, displayLanguage from the declared supplement', async () => {
    const all = await c.call('GET', `/ValueSet/$expand?${q({ url: GENDER_VS })}`);
    const codes = all.body.expansion.contains.map((x: { code: string }) => x.code);
    expect(codes.sort()).toEqual(['female', 'male', 'other', 'unknown']);
    expect(all.body.expansion.total).toBe(4);
    const filtered = await c.call('GET', `/ValueSet/$expand?${q({ url: GENDER_VS, filter: 'fem' })}`);
    expect(filtered.body.expansion.contains.map((x: { code: string }) => x.code)).toEqual(['female']);
    const page = await c.call('POST', '/ValueSet/$expand', { body: { resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: GENDER_VS }, { name: 'offset', valueInteger: 1 }, { name: 'count', valueInteger: 2 }] } });
    expect(page.body.expansion.contains.map((x: { code: string }) => x.code)).toEqual(all.body.expansion.contains.slice(1, 3).map((x: { code: string }) => x.code));
    const uz = await c.call('GET', `/ValueSet/$expand?${q({ url: GENDER_VS, displayLanguage: 'uz' })}`);
    expect(uz.body.expansion.contains.find((x: { code: string }) => x.code === 'male').display).toBe('erkak');
  });

  it('ValueSet/$validate-code: a member is valid, a code outside the ValueSet is not', async () => {
    const member = await c.call('GET', `/ValueSet/$validate-code?${q({ url: EDUCATION_VS, system: EDUCATION, code: 'regis0005.00008' })}`);
    expect(out(member.body, 'result')!.valueBoolean).toBe(true);
    const other = await c.call('GET', `/ValueSet/$validate-code?${q({ url: EDUCATION_VS, system: EDUCATION, code: 'zz' })}`);
    expect(out(other.body, 'result')!.valueBoolean).toBe(false);
    expect(out(other.body, 'message')!.valueString).toMatch(/not in the ValueSet/);
  });

  it('ConceptMap/$translate maps a source code and says when there is no mapping', async () => {
    const hit = await c.call('GET', `/ConceptMap/$translate?${q({ url: ALLERGENS_CM, system: `${T}/CodeSystem/allergen-codes-cs`, sourceCode: 'aller-0010-00001' })}`);
    expect(out(hit.body, 'result')!.valueBoolean).toBe(true);
    const match = hit.body.parameter.find((p: { name: string }) => p.name === 'match');
    expect(match.part.find((p: { name: string }) => p.name === 'concept').valueCoding).toMatchObject({ system: 'http://snomed.info/sct', code: '256277009' });
    const miss = await c.call('GET', `/ConceptMap/$translate?${q({ url: ALLERGENS_CM, system: `${T}/CodeSystem/allergen-codes-cs`, sourceCode: 'zz' })}`);
    expect(out(miss.body, 'result')!.valueBoolean).toBe(false);
  });

  it('a CodeSystem and ValueSet written through the REST API are used, and an update is picked up', async () => {
    const url = 'http://example.org/fhir/CodeSystem/colours';
    const cs = { resourceType: 'CodeSystem', url, status: 'active', content: 'complete', concept: [{ code: 'red', display: 'Red' }] };
    const created = await c.call('POST', '/CodeSystem', { body: cs });
    expect(created.status).toBe(201);
    const check = async (code: string) => out((await c.call('GET', `/CodeSystem/$validate-code?${q({ url, code })}`)).body, 'result')!.valueBoolean;
    expect(await check('red')).toBe(true);
    expect(await check('blue')).toBe(false);
    const id = created.body.id;
    const updated = await c.call('PUT', `/CodeSystem/${id}`, { body: { ...cs, id, concept: [...cs.concept, { code: 'blue', display: 'Blue' }] }, headers: { 'If-Match': 'W/"1"' } });
    expect(updated.status).toBe(200);
    expect(await check('blue')).toBe(true);
  });
});

describe('terminology, playground profile (UZ Core not loaded)', () => {
  let c: TestClient;
  beforeAll(async () => { c = await server({ profile: 'playground' }); });
  afterAll(() => c.server.close());

  it('answers UZ Core CodeSystems, ValueSets, ConceptMaps and supplements as unknown (404 not-found)', async () => {
    for (const path of [
      `/CodeSystem/$validate-code?${q({ url: EDUCATION, code: 'regis0005.00008' })}`,
      `/CodeSystem/$lookup?${q({ system: EDUCATION, code: 'regis0005.00008' })}`,
      `/CodeSystem/$subsumes?${q({ system: LAB_PAN, codeA: 'lab-pan-A', codeB: 'lab-pan-1' })}`,
      `/ValueSet/$expand?${q({ url: GENDER_VS })}`,
      `/ValueSet/$validate-code?${q({ url: EDUCATION_VS, system: EDUCATION, code: 'regis0005.00008' })}`,
      `/ConceptMap/$translate?${q({ url: ALLERGENS_CM, system: `${T}/CodeSystem/allergen-codes-cs`, sourceCode: 'aller-0010-00001' })}`,
      `/CodeSystem/$lookup?${q({ system: GENDER, code: 'male', displayLanguage: 'uz', useSupplement: GENDER_SUPPLEMENT })}`,
    ]) {
      const res = await c.call('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body.issue[0].code).toBe('not-found');
    }
  });

  it('still validates the international systems', async () => {
    const loinc = await c.call('GET', `/CodeSystem/$validate-code?${q({ url: 'http://loinc.org', code: '8480-6' })}`);
    expect(out(loinc.body, 'result')!.valueBoolean).toBe(true);
    const lookup = await c.call('GET', `/CodeSystem/$lookup?${q({ system: GENDER, code: 'male', displayLanguage: 'uz' })}`);
    expect(out(lookup.body, 'display')!.valueString).toBe('Male');
  });
});

describe('terminology fault switches', () => {
  const withFault = (fault: string, fn: (c: TestClient) => Promise<void>) => withFaults([fault], fn, { matrix });

  it('validate-code-always-true: unknown codes and non-members come back valid', async () => {
    await withFault('validate-code-always-true', async (c) => {
      expect(out((await c.call('GET', `/CodeSystem/$validate-code?${q({ url: EDUCATION, code: 'zz' })}`)).body, 'result')!.valueBoolean).toBe(true);
      expect(out((await c.call('GET', `/ValueSet/$validate-code?${q({ url: EDUCATION_VS, system: EDUCATION, code: 'zz' })}`)).body, 'result')!.valueBoolean).toBe(true);
      expect((await c.call('GET', `/CodeSystem/$validate-code?${q({ url: 'http://example.org/none', code: 'x' })}`)).status).toBe(404);
    });
  });

  it('expand-ignores-filter: every code comes back whatever the filter', async () => {
    await withFault('expand-ignores-filter', async (c) => {
      const res = await c.call('GET', `/ValueSet/$expand?${q({ url: GENDER_VS, filter: 'fem' })}`);
      expect(res.body.expansion.total).toBe(4);
    });
  });

  it('supplements-ignored: no uz/ru displays from supplements', async () => {
    await withFault('supplements-ignored', async (c) => {
      const res = await c.call('GET', `/CodeSystem/$lookup?${q({ system: GENDER, code: 'male', displayLanguage: 'uz', useSupplement: GENDER_SUPPLEMENT })}`);
      expect(out(res.body, 'display')!.valueString).toBe('Male');
      const vs = await c.call('GET', `/ValueSet/$expand?${q({ url: GENDER_VS, displayLanguage: 'uz' })}`);
      expect(vs.body.expansion.contains.find((x: { code: string }) => x.code === 'male').display).toBe('Male');
    });
  });
});
