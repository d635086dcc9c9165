// Profiles (conformant vs playground gaps), the CapabilityStatement, and search paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilitiesFor } from './capabilities.ts';
import { loadMatrix } from './index.ts';
import { type TestClient, observation, smallMatrix, startTestServer } from './test-support.ts';

describe('playground profile', () => {
  let c: TestClient;
  beforeAll(async () => {
    c = await startTestServer({ auth: false, profile: 'playground' });
  });
  afterAll(() => c.server.close());

  it('answers 404 not-supported for every interaction on a not-enabled endpoint', async () => {
    for (const [method, path, body] of [
      ['GET', '/AuditEvent', undefined],
      ['GET', '/AuditEvent/x', undefined],
      ['POST', '/AuditEvent', { resourceType: 'AuditEvent' }],
    ] as const) {
      const res = await c.call(method, path, { body });
      expect(res.status).toBe(404);
      expect(res.body.issue[0].code).toBe('not-supported');
    }
  });

  it('leaves the gap-listed search params unfiltered, filters the others', async () => {
    await c.call('POST', '/Observation', { body: observation({ effectiveDateTime: '2020-01-01', status: 'amended' }) });
    const all = (await c.call('GET', '/Observation')).body.total;
    expect(all).toBeGreaterThan(0);
    const byDate = await c.call('GET', '/Observation?date=gt2030-01-01');
    expect(byDate.body.total).toBe(all);
    expect(byDate.body.link[0].url).not.toMatch(/date=/);
    expect((await c.call('GET', '/Observation?status=cancelled')).body.total).toBe(0);
  });

  it('keeps enabled types working', async () => {
    expect((await c.call('POST', '/Observation', { body: observation() })).status).toBe(201);
  });

  it('lists only enabled types and server-declared params in its CapabilityStatement', async () => {
    const cs = (await c.call('GET', '/metadata')).body;
    const types = cs.rest[0].resource.map((r: { type: string }) => r.type);
    expect(types).not.toContain('AuditEvent');
    expect(types).toContain('Observation');
    const obs = cs.rest[0].resource.find((r: { type: string }) => r.type === 'Observation');
    expect(obs.searchParam.map((p: { name: string }) => p.name)).toEqual(['_id', 'status']);
  });
});

describe('conformant profile metadata', () => {
  let c: TestClient;
  beforeAll(async () => {
    c = await startTestServer({ auth: false });
  });
  afterAll(() => c.server.close());

  it('is a CapabilityStatement generated from the matrix, and the date param filters', async () => {
    const res = await c.call('GET', '/metadata');
    expect(res.status).toBe(200);
    const cs = res.body;
    expect(cs).toMatchObject({ resourceType: 'CapabilityStatement', kind: 'instance', fhirVersion: '5.0.0', status: 'active' });
    const rest = cs.rest[0];
    expect(rest.interaction).toEqual([{ code: 'transaction' }, { code: 'batch' }]);
    expect(rest.security.service[0].coding[0].code).toBe('OAuth');
    expect(rest.security.extension[0].extension[0]).toEqual({ url: 'token', valueUri: c.server.tokenUrl });
    expect(rest.resource.map((r: { type: string }) => r.type)).toEqual(smallMatrix().resources.map((r) => r.type));
    const obs = rest.resource.find((r: { type: string }) => r.type === 'Observation');
    expect(obs.interaction.map((i: { code: string }) => i.code)).toContain('vread');
    expect(obs.searchParam).toContainEqual({
      name: 'date',
      definition: 'http://hl7.org/fhir/SearchParameter/clinical-date',
      type: 'date',
      documentation: 'expression: Observation.effective\nsubtype: date',
    });
    expect(obs.searchParam).toContainEqual(expect.objectContaining({ name: '_id', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' }));
    await c.call('POST', '/Observation', { body: observation({ effectiveDateTime: '2020-01-01' }) });
    expect((await c.call('GET', '/Observation?date=gt2030-01-01')).body.total).toBe(0);
    expect((await c.call('GET', '/Observation?date=lt2030-01-01')).body.total).toBe(1);
  });
});

describe('the generated matrix (capabilities.json)', () => {
  it('yields the platform gaps under the playground profile and none under conformant', () => {
    const matrix = loadMatrix();
    const playground = capabilitiesFor(matrix, 'playground');
    expect(() => playground.require('AuditEvent')).toThrow(/not enabled/);
    expect(() => playground.require('Observation', 'read')).not.toThrow();
    expect(playground.unfiltered.has('Observation:date')).toBe(true);
    expect(playground.hasGap('terminology:uz-core:validate-code:https://terminology.dhp.uz/fhir/core/CodeSystem/education-cs', 'not-loaded')).toBe(true);
    expect(playground.hasGap('terminology:international:validate-code:http://loinc.org', 'not-loaded')).toBe(false);
    const conformant = capabilitiesFor(matrix, 'conformant');
    expect(conformant.unfiltered.size).toBe(0);
    expect(() => conformant.require('AuditEvent', 'read')).not.toThrow();
  });
});

describe('search paging', () => {
  let c: TestClient;
  beforeAll(async () => {
    c = await startTestServer({ auth: false });
    for (let i = 0; i < 7; i++) await c.call('POST', '/Observation', { body: observation({ status: i % 2 ? 'final' : 'amended' }) });
  });
  afterAll(() => c.server.close());

  const ids = (b: { entry: { resource: { id: string } }[] }) => b.entry.map((e) => e.resource.id);
  const link = (b: { link: { relation: string; url: string }[] }, rel: string) => b.link.find((l) => l.relation === rel)?.url;

  it('pages without gaps or repeats, with total and search.mode', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${c.server.baseUrl}/Observation?_count=3`;
    let pages = 0;
    while (url) {
      const page: { body: { total: number; type: string; entry: { search: { mode: string }; fullUrl: string }[]; link: { relation: string; url: string }[] } } = await c.call('GET', url);
      expect(page.body.type).toBe('searchset');
      expect(page.body.total).toBe(7);
      for (const e of page.body.entry) expect(e.search.mode).toBe('match');
      seen.push(...ids(page.body as never));
      url = link(page.body, 'next');
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    const all = await c.call('GET', '/Observation');
    expect(ids(all.body)).toEqual(seen);
    expect(all.body.entry[0].fullUrl).toBe(`${c.server.baseUrl}/Observation/${seen[0]}`);
  });

  it('self link carries applied params and _count only; unknown params are dropped', async () => {
    const res = await c.call('GET', '/Observation?status=final&bogus=1&_count=2');
    expect(res.body.total).toBe(3);
    expect(link(res.body, 'self')).toBe(`${c.server.baseUrl}/Observation?status=final&_count=2`);
    expect(link(res.body, 'next')).toBe(`${c.server.baseUrl}/Observation?status=final&_count=2&_offset=2`);
  });

  it('POST _search merges query and form body', async () => {
    const res = await c.call('POST', '/Observation/_search?_count=1', { form: 'status=amended' });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(4);
    expect(res.body.entry).toHaveLength(1);
  });

  it('handling=strict turns an unknown param into 400', async () => {
    const res = await c.call('GET', '/Observation?bogus=1', { headers: { Prefer: 'handling=strict' } });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('caps _count at 500 and rejects a malformed one', async () => {
    expect(link((await c.call('GET', '/Observation?_count=9999')).body, 'self')).toMatch(/_count=500$/);
    expect((await c.call('GET', '/Observation?_count=abc')).status).toBe(400);
  });
});
