// Transactions (atomicity, urn:uuid, order, If-Match) and batches over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestClient, exampleTransaction, observation, startTestServer } from './test-support.ts';

let c: TestClient;
beforeAll(async () => {
  c = await startTestServer({ auth: false });
});
afterAll(() => c.server.close());

const countOf = async (type: string) => (await c.call('GET', `/${type}`)).body.total as number;

describe('transaction', () => {
  it('creates all entries, rewrites urn:uuid references and answers in submitted order', async () => {
    const res = await c.call('POST', '', { body: exampleTransaction() });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    const [eoc, enc, obs, pat] = res.body.entry.map((e: { response: Record<string, string> }) => e.response);
    for (const [r, type] of [[eoc, 'EpisodeOfCare'], [enc, 'Encounter'], [obs, 'Observation'], [pat, 'Patient']] as const) {
      expect(r.status).toBe('201 Created');
      expect(r.location).toMatch(new RegExp(`^${type}/[^/]+/_history/1$`));
      expect(r.etag).toBe('W/"1"');
      expect(r.lastModified).toMatch(/^\d{4}-/);
    }
    const idOf = (loc: string) => loc.split('/_history')[0];
    const storedObs = await c.call('GET', `/${idOf(obs.location)}`);
    expect(storedObs.body.subject.reference).toBe(idOf(pat.location));
    expect(storedObs.body.encounter.reference).toBe(idOf(enc.location));
    const storedEnc = await c.call('GET', `/${idOf(enc.location)}`);
    expect(storedEnc.body.episodeOfCare[0].reference).toBe(idOf(eoc.location));
  });

  it('rolls everything back when one entry fails, naming the entry', async () => {
    const before = await Promise.all(['EpisodeOfCare', 'Encounter', 'Observation', 'Patient'].map(countOf));
    const { status: _s, ...noStatus } = observation();
    const bundle = exampleTransaction();
    bundle.entry[2].resource = noStatus as never;
    const res = await c.call('POST', '', { body: bundle });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0]).toMatchObject({
      severity: 'error',
      code: 'required',
      diagnostics: expect.stringContaining('Observation.status: minimum required = 1, but only found 0'),
      expression: ['Bundle.entry[2].resource.ofType(Observation)'],
    });
    const after = await Promise.all(['EpisodeOfCare', 'Encounter', 'Observation', 'Patient'].map(countOf));
    expect(after).toEqual(before);
  });

  it('PUT entries honour If-Match: stale → 412 and rollback; matching → 200', async () => {
    const created = await c.call('POST', '/Observation', { body: observation() });
    const id = created.body.id;
    const put = (ifMatch: string | undefined, status: string) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', identifier: [{ value: 'tx-put' }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { ...created.body, status }, request: { method: 'PUT', url: `Observation/${id}`, ...(ifMatch ? { ifMatch } : {}) } },
      ],
    });
    const patients = await countOf('Patient');
    const stale = await c.call('POST', '', { body: put('W/"7"', 'amended') });
    expect(stale.status).toBe(412);
    expect(stale.body.issue[0].details.text).toBe('Version is mismatch');
    expect(stale.body.issue[0].expression).toEqual(['Bundle.entry[1].resource.ofType(Observation)']);
    expect((await c.call('POST', '', { body: put(undefined, 'amended') })).status).toBe(412);
    expect(await countOf('Patient')).toBe(patients);

    const ok = await c.call('POST', '', { body: put('W/"1"', 'amended') });
    expect(ok.status).toBe(200);
    expect(ok.body.entry[1].response).toMatchObject({ status: '200 OK', location: `Observation/${id}/_history/2`, etag: 'W/"2"' });
  });

  it('processes DELETE before POST and GET last', async () => {
    const created = await c.call('POST', '/Observation', { body: observation() });
    const res = await c.call('POST', '', {
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { request: { method: 'GET', url: `Observation/${created.body.id}` } },
          { request: { method: 'DELETE', url: `Observation/${created.body.id}` } },
        ],
      },
    });
    // The GET runs after the DELETE, so it fails and takes the whole transaction with it.
    expect(res.status).toBe(410);
    expect(res.body.issue[0].expression).toEqual(['Bundle.entry[0]']);
    expect((await c.call('GET', `/Observation/${created.body.id}`)).status).toBe(200);
  });

  it('rejects a Bundle that is neither transaction nor batch', async () => {
    expect((await c.call('POST', '', { body: { resourceType: 'Bundle', type: 'collection' } })).status).toBe(400);
  });
});

describe('batch', () => {
  it('processes entries independently and reports each outcome', async () => {
    const { status: _s, ...noStatus } = observation();
    const res = await c.call('POST', '', {
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { resource: observation(), request: { method: 'POST', url: 'Observation' } },
          { resource: noStatus, request: { method: 'POST', url: 'Observation' } },
          { request: { method: 'GET', url: 'Patient/does-not-exist' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    const [ok, invalid, missing] = res.body.entry;
    expect(ok.response.status).toBe('201 Created');
    expect((await c.call('GET', `/${ok.response.location}`)).status).toBe(200);
    expect(invalid.response.status).toBe('400 Bad Request');
    expect(invalid.response.outcome.issue[0].code).toBe('required');
    expect(missing.response.status).toBe('404 Not Found');
  });
});
