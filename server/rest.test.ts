// REST interactions over real HTTP: auth gate, CRUD, versions/ETags, optimistic locking, validation, latency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestClient, observation, startTestServer } from './test-support.ts';

let c: TestClient;
beforeAll(async () => {
  c = await startTestServer();
});
afterAll(() => c.server.close());

const MISMATCH = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', details: { text: 'Version is mismatch' } }] };

describe('auth gate', () => {
  it('answers 401 with an OperationOutcome and WWW-Authenticate without a token', async () => {
    const res = await fetch(`${c.server.baseUrl}/Patient`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await res.json()) as { issue: { code: string }[] }).issue[0].code).toBe('login');
  });
  it('serves /metadata without a token', async () => {
    const res = await fetch(`${c.server.baseUrl}/metadata`);
    expect(res.status).toBe(200);
  });
  it('rejects a garbage token', async () => {
    const res = await fetch(`${c.server.baseUrl}/Patient`, { headers: { Authorization: 'Bearer nonsense' } });
    expect(res.status).toBe(401);
  });
});

describe('CRUD with versions and ETags', () => {
  it('creates, reads, updates, vreads, lists history and deletes', async () => {
    const created = await c.call('POST', '/Observation', { body: observation({ id: 'ignored' }) });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const id = created.body.id as string;
    expect(id).not.toBe('ignored');
    expect(created.body.meta.versionId).toBe('1');
    expect(created.body.meta.lastUpdated).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(created.headers.get('location')).toBe(`${c.server.baseUrl}/Observation/${id}/_history/1`);

    const read = await c.call('GET', `/Observation/${id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('W/"1"');
    expect(read.body).toEqual(created.body);

    const updated = await c.call('PUT', `/Observation/${id}`, {
      body: { ...read.body, status: 'amended' },
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).toBe('W/"2"');
    expect(updated.body.meta.versionId).toBe('2');

    const strongForm = await c.call('PUT', `/Observation/${id}`, { body: { ...read.body, status: 'corrected' }, headers: { 'If-Match': '"2"' } });
    expect(strongForm.status).toBe(200);
    expect(strongForm.headers.get('etag')).toBe('W/"3"');

    const v1 = await c.call('GET', `/Observation/${id}/_history/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.status).toBe('final');
    expect(v1.headers.get('etag')).toBe('W/"1"');

    const hist = await c.call('GET', `/Observation/${id}/_history`);
    expect(hist.body.type).toBe('history');
    expect(hist.body.entry.map((e: { resource: { meta: { versionId: string } } }) => e.resource.meta.versionId)).toEqual(['3', '2', '1']);

    const del = await c.call('DELETE', `/Observation/${id}`);
    expect(del.status).toBe(204);
    expect((await c.call('GET', `/Observation/${id}`)).status).toBe(410);
    expect((await c.call('GET', `/Observation/${id}/_history/2`)).body.status).toBe('amended');
  });

  it('update-as-create needs no If-Match and answers 201', async () => {
    const res = await c.call('PUT', '/Patient/p-client-id', { body: { resourceType: 'Patient', id: 'p-client-id', identifier: [{ value: '1' }] } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${c.server.baseUrl}/Patient/p-client-id/_history/1`);
    expect(res.headers.get('etag')).toBe('W/"1"');
  });

  it('404 for an unknown id, an unknown type and a type the matrix lacks', async () => {
    expect((await c.call('GET', '/Patient/nope')).status).toBe(404);
    expect((await c.call('GET', '/Basic/x')).body.issue[0].code).toBe('not-supported');
    expect((await c.call('GET', '/Basic/x')).status).toBe(404);
  });

  it('405 for an interaction the matrix does not list', async () => {
    const imm = await c.call('PUT', '/Immunization/i1', {
      body: { resourceType: 'Immunization', id: 'i1', status: 'completed', vaccineCode: { text: 'BCG' }, patient: { reference: 'Patient/x' }, occurrenceDateTime: '2026-01-01' },
    });
    expect(imm.status).toBe(201);
    const res = await c.call('DELETE', '/Immunization/i1');
    expect(res.status).toBe(405);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('400 when body type or id disagree with the URL, or the body is not a resource', async () => {
    expect((await c.call('POST', '/Patient', { body: observation() })).status).toBe(400);
    const idClash = await c.call('PUT', '/Patient/a', { body: { resourceType: 'Patient', id: 'b', identifier: [{ value: '1' }] } });
    expect(idClash.status).toBe(400);
    const notJson = await c.call('POST', '/Patient', { body: '{not json' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.issue[0].code).toBe('structure');
    const array = await c.call('POST', '/Patient', { body: [] });
    expect(array.status).toBe(400);
    expect(array.body.issue[0].code).toBe('structure');
  });
});

describe('optimistic locking', () => {
  async function fresh() {
    const created = await c.call('POST', '/Observation', { body: observation() });
    return created.body as { id: string; status: string };
  }

  it('stale If-Match → 412 with the platform body, and nothing changes', async () => {
    const obs = await fresh();
    await c.call('PUT', `/Observation/${obs.id}`, { body: { ...obs, status: 'amended' }, headers: { 'If-Match': 'W/"1"' } });
    const stale = await c.call('PUT', `/Observation/${obs.id}`, { body: { ...obs, status: 'cancelled' }, headers: { 'If-Match': 'W/"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual(MISMATCH);
    const after = await c.call('GET', `/Observation/${obs.id}`);
    expect(after.body.status).toBe('amended');
    expect(after.headers.get('etag')).toBe('W/"2"');
  });

  it('missing If-Match on an existing resource → 412, nothing changes', async () => {
    const obs = await fresh();
    const res = await c.call('PUT', `/Observation/${obs.id}`, { body: { ...obs, status: 'cancelled' } });
    expect(res.status).toBe(412);
    expect(res.body).toEqual(MISMATCH);
    const after = await c.call('GET', `/Observation/${obs.id}`);
    expect(after.body.status).toBe('final');
    expect(after.body.meta.versionId).toBe('1');
  });

  it('a malformed If-Match never matches', async () => {
    const obs = await fresh();
    expect((await c.call('PUT', `/Observation/${obs.id}`, { body: obs, headers: { 'If-Match': '1' } })).status).toBe(412);
  });

  it('concurrent PUTs with the same If-Match: exactly one wins', async () => {
    const obs = await fresh();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        c.call('PUT', `/Observation/${obs.id}`, { body: { ...obs, valueString: `writer ${i}` }, headers: { 'If-Match': 'W/"1"' } }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(9);
    const after = await c.call('GET', `/Observation/${obs.id}`);
    expect(after.body.meta.versionId).toBe('2');
    expect(after.body.valueString).toBe(results.find((r) => r.status === 200)!.body.valueString);
  });
});

describe('bodies the server cannot take', () => {
  it('415 with an OperationOutcome for a media type it does not read; nothing is created', async () => {
    const before = (await c.call('GET', '/Patient')).body.total;
    const res = await c.call('POST', '/Patient', { body: { resourceType: 'Patient' }, headers: { 'Content-Type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect((await c.call('GET', '/Patient')).body.total).toBe(before);
  });

  it('413 with an OperationOutcome for a body over the limit, after reading it all (no reset connection)', async () => {
    const { MAX_BODY_BYTES } = await import('./http.ts');
    const res = await c.call('POST', '/Patient', { body: `{"resourceType":"Patient","text":"${'x'.repeat(MAX_BODY_BYTES)}"}` });
    expect(res.status).toBe(413);
    expect(res.body.issue[0].code).toBe('too-costly');
  });
});

describe('updating a deleted resource (the page: "If-Match on every update")', () => {
  it('needs If-Match naming the deletion: none → 412, an older version → 412, the deletion\'s version → back', async () => {
    const created = await c.call('POST', '/Observation', { body: observation() });
    const id = created.body.id as string;
    expect((await c.call('DELETE', `/Observation/${id}`)).status).toBe(204);
    const body = { ...observation(), id };
    expect((await c.call('PUT', `/Observation/${id}`, { body })).status).toBe(412);
    expect((await c.call('PUT', `/Observation/${id}`, { body, headers: { 'If-Match': 'W/"1"' } })).status).toBe(412);
    expect((await c.call('GET', `/Observation/${id}`)).status).toBe(410);
    const back = await c.call('PUT', `/Observation/${id}`, { body, headers: { 'If-Match': 'W/"2"' } });
    expect(back.status).toBe(201);
    expect(back.body.meta.versionId).toBe('3');
  });
});

describe('validation on write', () => {
  it('rejects an Observation without status, worded like the platform', async () => {
    const { status: _drop, ...noStatus } = observation();
    const res = await c.call('POST', '/Observation', { body: noStatus });
    expect(res.status).toBe(400);
    expect(res.body.issue[0]).toEqual({
      severity: 'error',
      code: 'required',
      diagnostics:
        'Observation.status: minimum required = 1, but only found 0 (from https://dhp.uz/fhir/core/StructureDefinition/uz-core-observation)',
      expression: ['Observation.status'],
    });
  });

  it.each([
    ['Patient', { resourceType: 'Patient', meta: { profile: ['https://dhp.uz/fhir/core/StructureDefinition/uz-core-patient'] }, identifier: [] }, 'Patient.identifier'],
    ['Encounter', { resourceType: 'Encounter' }, 'Encounter.status'],
    ['EpisodeOfCare', { resourceType: 'EpisodeOfCare', status: 'active' }, 'EpisodeOfCare.patient'],
    ['Condition', { resourceType: 'Condition' }, 'Condition.subject'],
    ['Immunization', { resourceType: 'Immunization', status: 'completed', vaccineCode: { text: 'x' }, patient: { reference: 'Patient/x' } }, 'Immunization.occurrence[x]'],
  ])('rejects %s missing a mandatory element', async (type, body, expression) => {
    const res = await c.call('POST', `/${type}`, { body });
    expect(res.status).toBe(400);
    expect(res.body.issue.map((i: { expression: string[] }) => i.expression[0])).toContain(expression);
  });

  it('accepts Immunization.occurrenceString for occurrence[x]', async () => {
    const res = await c.call('POST', '/Immunization', {
      body: { resourceType: 'Immunization', status: 'completed', vaccineCode: { text: 'x' }, patient: { reference: 'Patient/x' }, occurrenceString: 'spring' },
    });
    expect(res.status).toBe(201);
  });
});

describe('latency', () => {
  it('delays every response by --latency ms', async () => {
    const slow = await startTestServer({ latencyMs: 150, auth: false });
    try {
      const t0 = performance.now();
      const res = await slow.call('GET', '/metadata');
      expect(res.status).toBe(200);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
    } finally {
      await slow.server.close();
    }
  });
});
