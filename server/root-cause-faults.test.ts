// The fault switches behind the root-cause self-tests (test/root-causes.test.ts): each changes exactly what it names.
import { describe, expect, it } from 'vitest';
import { exampleTransaction, observation, withFaults, type TestClient } from './test-support.ts';

const put = (c: TestClient, obs: { id: string }, status: string, ifMatch?: string) =>
  c.call('PUT', `/Observation/${obs.id}`, { body: { ...obs, status }, headers: ifMatch ? { 'If-Match': ifMatch } : {} });

describe('root-cause fault switches', () => {
  it('version-non-integer: versionIds are opaque, one per version, and locking still works', async () => {
    await withFaults(['version-non-integer'], async (c) => {
      const created = await c.call('POST', '/Observation', { body: observation() });
      const v1 = created.body.meta.versionId as string;
      expect(v1).toMatch(/^a1b\d$/);
      expect(created.headers.get('etag')).toBe(`W/"${v1}"`);
      expect(created.headers.get('location')).toMatch(new RegExp(`/_history/${v1}$`));
      const updated = await put(c, created.body, 'amended', `W/"${v1}"`);
      expect(updated.status).toBe(200);
      const v2 = updated.body.meta.versionId as string;
      expect(v2).not.toBe(v1);
      expect(updated.headers.get('etag')).toBe(`W/"${v2}"`);
      // The stale one is refused with the page's outcome, the integer one names no version, a missing one is 412.
      const stale = await put(c, created.body, 'cancelled', `W/"${v1}"`);
      expect([stale.status, stale.body.issue[0].details.text]).toEqual([412, 'Version is mismatch']);
      expect((await put(c, created.body, 'cancelled', 'W/"2"')).status).toBe(412);
      expect((await put(c, created.body, 'cancelled')).status).toBe(412);
      expect((await c.call('GET', `/Observation/${created.body.id}/_history/${v1}`)).body.status).toBe('final');
      expect((await c.call('GET', `/Observation/${created.body.id}/_history/1`)).status).toBe(404);
      const tx = await c.call('POST', '', { body: exampleTransaction() });
      expect(tx.body.entry[0].response.etag).toMatch(/^W\/"a1b\d"$/);
    });
  });

  it('without the fault, versionIds are the platform\'s integers', async () => {
    await withFaults([], async (c) => {
      const created = await c.call('POST', '/Observation', { body: observation() });
      expect([created.body.meta.versionId, created.headers.get('etag')]).toEqual(['1', 'W/"1"']);
    });
  });

  it('version-mismatch-text: a stale If-Match is still a 412 error/invalid, in other words than the page\'s', async () => {
    await withFaults(['version-mismatch-text'], async (c) => {
      const created = await c.call('POST', '/Observation', { body: observation() });
      await put(c, created.body, 'amended', 'W/"1"');
      const stale = await put(c, created.body, 'cancelled', 'W/"1"');
      expect(stale.status).toBe(412);
      expect(stale.body.issue[0]).toMatchObject({ severity: 'error', code: 'invalid' });
      expect(JSON.stringify(stale.body)).not.toContain('Version is mismatch');
    });
  });

  it('metadata-bundle: /metadata answers a Bundle; everything else is unchanged', async () => {
    await withFaults(['metadata-bundle'], async (c) => {
      const md = await c.call('GET', '/metadata');
      expect([md.status, md.body.resourceType]).toEqual([200, 'Bundle']);
      expect((await c.call('POST', '/Observation', { body: observation() })).status).toBe(201);
    });
  });
});
