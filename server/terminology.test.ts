// $validate-code and $expand from stored CodeSystems/ValueSets, and the playground's "not loaded" gap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestClient, startTestServer } from './test-support.ts';

const UZ_CS = 'https://terminology.dhp.uz/fhir/core/CodeSystem/encounter-type-cs';
const UZ_VS = 'https://terminology.dhp.uz/fhir/core/ValueSet/encounter-type-vs';
const INTL_CS = 'http://example.org/fhir/CodeSystem/colours';
const INTL_VS = 'http://example.org/fhir/ValueSet/warm-colours';

async function load(c: TestClient) {
  const cs = (url: string) => ({
    resourceType: 'CodeSystem', url, status: 'active', content: 'complete',
    concept: [{ code: 'a', display: 'Alpha', concept: [{ code: 'a1', display: 'Alpha one' }] }, { code: 'b', display: 'Beta' }],
  });
  for (const body of [
    cs(UZ_CS),
    cs(INTL_CS),
    { resourceType: 'ValueSet', url: UZ_VS, status: 'active', compose: { include: [{ system: UZ_CS }], exclude: [{ system: UZ_CS, concept: [{ code: 'b' }] }] } },
    { resourceType: 'ValueSet', url: INTL_VS, status: 'active', compose: { include: [{ system: INTL_CS, concept: [{ code: 'b', display: 'Beta' }] }] } },
  ]) {
    expect((await c.call('POST', `/${body.resourceType}`, { body })).status).toBe(201);
  }
}

const param = (p: { parameter: { name: string; valueBoolean?: boolean }[] }, name: string) => p.parameter.find((x) => x.name === name);

describe('terminology, conformant profile', () => {
  let c: TestClient;
  beforeAll(async () => {
    c = await startTestServer({ auth: false });
    await load(c);
  });
  afterAll(() => c.server.close());

  it('CodeSystem/$validate-code finds nested codes and rejects unknown ones', async () => {
    const ok = await c.call('GET', `/CodeSystem/$validate-code?url=${encodeURIComponent(UZ_CS)}&code=a1`);
    expect(ok.status).toBe(200);
    expect(ok.body.resourceType).toBe('Parameters');
    expect(param(ok.body, 'result')!.valueBoolean).toBe(true);
    const bad = await c.call('GET', `/CodeSystem/$validate-code?url=${encodeURIComponent(UZ_CS)}&code=zz`);
    expect(param(bad.body, 'result')!.valueBoolean).toBe(false);
    expect(param(bad.body, 'message')).toBeDefined();
  });

  it('ValueSet/$validate-code honours include and exclude, via GET and a Parameters POST', async () => {
    const get = await c.call('GET', `/ValueSet/$validate-code?url=${encodeURIComponent(UZ_VS)}&system=${encodeURIComponent(UZ_CS)}&code=a`);
    expect(param(get.body, 'result')!.valueBoolean).toBe(true);
    const post = await c.call('POST', '/ValueSet/$validate-code', {
      body: { resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: UZ_VS }, { name: 'code', valueCode: 'b' }, { name: 'system', valueUri: UZ_CS }] },
    });
    expect(param(post.body, 'result')!.valueBoolean).toBe(false);
  });

  it('ValueSet/$expand lists the concepts', async () => {
    const res = await c.call('GET', `/ValueSet/$expand?url=${encodeURIComponent(UZ_VS)}`);
    expect(res.status).toBe(200);
    expect(res.body.expansion.contains.map((x: { code: string }) => x.code)).toEqual(['a', 'a1']);
    expect(res.body.expansion.total).toBe(2);
  });

  it('404 for an unknown ValueSet', async () => {
    const res = await c.call('GET', '/ValueSet/$expand?url=http://example.org/nope');
    expect(res.status).toBe(404);
    expect(res.body.issue[0].code).toBe('not-found');
  });
});

describe('terminology, playground profile (UZ Core not loaded)', () => {
  let c: TestClient;
  beforeAll(async () => {
    c = await startTestServer({ auth: false, profile: 'playground' });
    await load(c);
  });
  afterAll(() => c.server.close());

  it('answers 404 "not loaded" for UZ Core canonicals even though they are stored', async () => {
    for (const path of [
      `/CodeSystem/$validate-code?url=${encodeURIComponent(UZ_CS)}&code=a`,
      `/ValueSet/$validate-code?url=${encodeURIComponent(UZ_VS)}&code=a`,
      `/ValueSet/$expand?url=${encodeURIComponent(UZ_VS)}`,
      `/ValueSet/$validate-code?url=${encodeURIComponent(INTL_VS)}&system=${encodeURIComponent(UZ_CS)}&code=a`,
    ]) {
      const res = await c.call('GET', path);
      expect(res.status).toBe(404);
      expect(res.body.issue[0].code).toBe('not-found');
      expect(res.body.issue[0].diagnostics).toMatch(/not loaded/);
    }
  });

  it('still validates and expands other code systems', async () => {
    const res = await c.call('GET', `/ValueSet/$validate-code?url=${encodeURIComponent(INTL_VS)}&system=${encodeURIComponent(INTL_CS)}&code=b`);
    expect(param(res.body, 'result')!.valueBoolean).toBe(true);
    expect((await c.call('GET', `/ValueSet/$expand?url=${encodeURIComponent(INTL_VS)}`)).body.expansion.total).toBe(1);
  });
});
