// Each fault switch of the core changes exactly the behaviour it names.
import { describe, expect, it } from 'vitest';
import { type FaultName, parseFaults } from './faults.ts';
import { type TestClient, exampleTransaction, observation, withFaults } from './test-support.ts';

async function createObs(c: TestClient) {
  return (await c.call('POST', '/Observation', { body: observation() })).body as { id: string; status: string };
}

const put = (c: TestClient, obs: { id: string }, status: string, ifMatch?: string) =>
  c.call('PUT', `/Observation/${obs.id}`, { body: { ...obs, status }, headers: ifMatch ? { 'If-Match': ifMatch } : {} });

describe('fault switches change exactly what they name', () => {
  it('if-match-ignored: a stale If-Match overwrites (lost update); a missing one is still 412', async () => {
    await withFaults(['if-match-ignored'], async (c) => {
      const obs = await createObs(c);
      expect((await put(c, obs, 'amended', 'W/"1"')).status).toBe(200);
      const stale = await put(c, obs, 'cancelled', 'W/"1"');
      expect(stale.status).toBe(200);
      expect(stale.headers.get('etag')).toBe('W/"3"');
      expect((await put(c, obs, 'corrected')).status).toBe(412);
    });
  });

  it('if-match-optional: a PUT without If-Match is accepted; a stale one is still 412', async () => {
    await withFaults(['if-match-optional'], async (c) => {
      const obs = await createObs(c);
      expect((await put(c, obs, 'amended')).status).toBe(200);
      expect((await put(c, obs, 'cancelled', 'W/"1"')).status).toBe(412);
    });
  });

  it('strong-etag: ETags lose the W/ prefix everywhere, If-Match still works', async () => {
    await withFaults(['strong-etag'], async (c) => {
      const created = await c.call('POST', '/Observation', { body: observation() });
      expect(created.headers.get('etag')).toBe('"1"');
      expect((await c.call('GET', `/Observation/${created.body.id}`)).headers.get('etag')).toBe('"1"');
      expect((await put(c, created.body, 'amended', '"1"')).headers.get('etag')).toBe('"2"');
      const tx = await c.call('POST', '', { body: exampleTransaction() });
      expect(tx.body.entry[0].response.etag).toBe('"1"');
    });
  });

  it('version-not-incremented: an update keeps versionId and ETag', async () => {
    await withFaults(['version-not-incremented'], async (c) => {
      const obs = await createObs(c);
      const updated = await put(c, obs, 'amended', 'W/"1"');
      expect(updated.status).toBe(200);
      expect(updated.headers.get('etag')).toBe('W/"1"');
      const read = await c.call('GET', `/Observation/${obs.id}`);
      expect(read.body.meta.versionId).toBe('1');
      expect(read.body.status).toBe('amended');
    });
  });

  it('conflict-409: a stale If-Match answers 409; a missing one is still 412', async () => {
    await withFaults(['conflict-409'], async (c) => {
      const obs = await createObs(c);
      await put(c, obs, 'amended', 'W/"1"');
      const stale = await put(c, obs, 'cancelled', 'W/"1"');
      expect(stale.status).toBe(409);
      expect((await c.call('GET', `/Observation/${obs.id}`)).body.status).toBe('amended');
      expect((await put(c, obs, 'cancelled')).status).toBe(412);
    });
  });

  it('precondition-no-outcome: a 412 has an empty body', async () => {
    await withFaults(['precondition-no-outcome'], async (c) => {
      const obs = await createObs(c);
      const res = await put(c, obs, 'amended');
      expect(res.status).toBe(412);
      expect(res.body).toBeUndefined();
    });
  });

  it('transaction-partial: entries before the failing one stay', async () => {
    await withFaults(['transaction-partial'], async (c) => {
      const { status: _s, ...noStatus } = observation();
      const bundle = exampleTransaction();
      bundle.entry[2].resource = noStatus as never;
      const res = await c.call('POST', '', { body: bundle });
      expect(res.status).toBe(400);
      expect((await c.call('GET', '/EpisodeOfCare')).body.total).toBe(1);
      expect((await c.call('GET', '/Encounter')).body.total).toBe(1);
      expect((await c.call('GET', '/Patient')).body.total).toBe(0);
    });
  });

  it('urn-uuid-unresolved: references are stored as sent', async () => {
    await withFaults(['urn-uuid-unresolved'], async (c) => {
      const res = await c.call('POST', '', { body: exampleTransaction() });
      expect(res.status).toBe(200);
      const obs = await c.call('GET', `/${res.body.entry[2].response.location.split('/_history')[0]}`);
      expect(obs.body.subject.reference).toMatch(/^urn:uuid:/);
    });
  });

  it('must-support-dropped: Observation.performer by default, only that element', async () => {
    await withFaults(['must-support-dropped'], async (c) => {
      const created = await c.call('POST', '/Observation', { body: observation() });
      expect(created.body.performer).toBeUndefined();
      expect(created.body.subject).toBeDefined();
      const read = await c.call('GET', `/Observation/${created.body.id}`);
      expect(read.body.performer).toBeUndefined();
    });
  });

  it('must-support-dropped=Type.element: drops the named element instead', async () => {
    await withFaults(['must-support-dropped=Patient.gender'], async (c) => {
      const pat = await c.call('POST', '/Patient', { body: { resourceType: 'Patient', identifier: [{ value: '1' }], gender: 'male', birthDate: '1994-01-27' } });
      expect(pat.body.gender).toBeUndefined();
      expect(pat.body.birthDate).toBe('1994-01-27');
      expect((await c.call('POST', '/Observation', { body: observation() })).body.performer).toHaveLength(1);
    });
  });

  it('create-200: a create answers 200 with Location and ETag; updates are untouched', async () => {
    await withFaults(['create-200'], async (c) => {
      const created = await c.call('POST', '/Observation', { body: observation() });
      expect(created.status).toBe(200);
      expect(created.headers.get('location')).toMatch(/\/Observation\/[^/]+\/_history\/1$/);
      expect(created.headers.get('etag')).toBe('W/"1"');
      expect((await put(c, created.body, 'amended', 'W/"1"')).status).toBe(200);
    });
  });

  it('create-no-location: a create answers 201 without Location; the resource is there', async () => {
    await withFaults(['create-no-location'], async (c) => {
      const created = await c.call('POST', '/Observation', { body: observation() });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBeNull();
      expect((await c.call('GET', `/Observation/${created.body.id}`)).status).toBe(200);
    });
  });

  it('required-not-enforced: a claimed profile\'s minimums go unchecked, its patterns still hold', async () => {
    const claim = { profile: ['https://dhp.uz/fhir/core/StructureDefinition/uz-core-patient'] };
    const ni = (extra: Record<string, unknown>) => ({ resourceType: 'Patient', meta: claim, identifier: [{ system: 'https://dhp.uz/fhir/core/sid/pid/uz/ni', value: '30211975910033', ...extra }] });
    for (const faulty of [false, true]) {
      await withFaults(faulty ? ['required-not-enforced'] : [], async (c) => {
        expect((await c.call('POST', '/Patient', { body: ni({}) })).status).toBe(faulty ? 201 : 400);
        expect((await c.call('POST', '/Patient', { body: ni({ use: 'usual', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NI' }] } }) })).status).toBe(400);
      });
    }
  });

  it('undeclared-delete-accepted: DELETE works on a type that does not declare it', async () => {
    for (const faulty of [false, true]) {
      await withFaults(faulty ? ['undeclared-delete-accepted'] : [], async (c) => {
        const cs = await c.call('POST', '/CodeSystem', { body: { resourceType: 'CodeSystem', status: 'draft', content: 'not-present' } });
        expect((await c.call('DELETE', `/CodeSystem/${cs.body.id}`)).status).toBe(faulty ? 204 : 405);
        expect((await c.call('GET', `/CodeSystem/${cs.body.id}`)).status).toBe(faulty ? 410 : 200);
      });
    }
  });

  it('paging-repeats: each next page starts with the last entry of the previous page', async () => {
    for (const faulty of [false, true]) {
      await withFaults(faulty ? ['paging-repeats'] : [], async (c) => {
        for (let i = 0; i < 5; i++) await createObs(c);
        const first = await c.call('GET', '/Observation?_count=2');
        const second = await c.call('GET', first.body.link.find((l: { relation: string }) => l.relation === 'next').url);
        const ids = (b: { entry: { resource: { id: string } }[] }) => b.entry.map((e) => e.resource.id);
        expect(ids(second.body)[0] === ids(first.body)[1]).toBe(faulty);
      });
    }
  });

  it('paging-no-next: the first page has no next link although Bundle.total counts every match', async () => {
    for (const faulty of [false, true]) {
      await withFaults(faulty ? ['paging-no-next'] : [], async (c) => {
        for (let i = 0; i < 5; i++) await createObs(c);
        const first = await c.call('GET', '/Observation?_count=2');
        expect(first.body.total).toBe(5);
        expect(first.body.entry).toHaveLength(2);
        expect(first.body.link.some((l: { relation: string }) => l.relation === 'next')).toBe(!faulty);
      });
    }
  });

  it('every core fault name parses', () => {
    const core: FaultName[] = [
      'if-match-ignored', 'if-match-optional', 'strong-etag', 'version-not-incremented', 'conflict-409',
      'precondition-no-outcome', 'transaction-partial', 'urn-uuid-unresolved', 'must-support-dropped', 'paging-repeats',
      'create-200', 'create-no-location', 'required-not-enforced', 'undeclared-delete-accepted',
    ];
    expect([...parseFaults(core).keys()]).toEqual(core);
  });
});
