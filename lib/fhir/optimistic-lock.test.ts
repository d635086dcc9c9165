// The helper is judged against a tiny compare-and-swap store that follows the page's rules (and one that
// does not check If-Match), so that the lost-update property's own arithmetic is known to be right.
import { describe, expect, test } from 'vitest';
import { barrier, ifMatchFor, readModifyWrite, versionOf, type Answer, type VersionedClient } from './optimistic-lock.ts';

interface Obs { resourceType: 'Observation'; id: string; meta?: { versionId?: string }; valueQuantity: { value: number } }

function casStore(checkIfMatch: boolean): VersionedClient & { current: () => Obs } {
  let version = 1;
  let current: Obs = { resourceType: 'Observation', id: 'o1', meta: { versionId: '1' }, valueQuantity: { value: 0 } };
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return {
    current: () => current,
    async read(): Promise<Answer> {
      await tick();
      return { status: 200, headers: { etag: `W/"${version}"` }, body: structuredClone(current) };
    },
    async update(resource, ifMatch): Promise<Answer> {
      await tick();
      if (!ifMatch) return { status: 412, headers: {}, body: undefined };
      if (checkIfMatch && ifMatch !== `W/"${version}"`) return { status: 412, headers: {}, body: undefined };
      version++;
      current = { ...(resource as Obs), meta: { versionId: String(version) } };
      return { status: 200, headers: { etag: `W/"${version}"` }, body: current };
    },
  };
}

const increment = (o: Obs): Obs => ({ ...o, valueQuantity: { value: o.valueQuantity.value + 1 } });

describe('readModifyWrite', () => {
  test.for([2, 4, 6])('%i concurrent writers against a conformant store lose nothing', async (k) => {
    const store = casStore(true);
    const results = await Promise.all(Array.from({ length: k }, () => readModifyWrite<Obs>(store, 'Observation', 'o1', increment, { maxAttempts: 20 })));
    const acked = results.filter((r) => r.outcome === 'acknowledged').length;
    expect(acked).toBe(k);
    expect(store.current().valueQuantity.value).toBe(acked);
    expect(store.current().meta?.versionId).toBe(String(1 + acked));
    expect(new Set(results.map((r) => r.version)).size).toBe(k);
    expect(results.some((r) => r.puts.includes(412))).toBe(true);
  });

  test('a store that ignores If-Match loses updates (what the property must catch)', async () => {
    const store = casStore(false);
    const results = await Promise.all(Array.from({ length: 4 }, () => readModifyWrite<Obs>(store, 'Observation', 'o1', increment)));
    expect(results.every((r) => r.outcome === 'acknowledged')).toBe(true);
    expect(store.current().valueQuantity.value).toBeLessThan(4);
  });

  test('gives up after maxAttempts clashes', async () => {
    const client: VersionedClient = {
      read: async () => ({ status: 200, headers: { etag: 'W/"1"' }, body: { resourceType: 'Observation', id: 'o1' } }),
      update: async () => ({ status: 412, headers: {}, body: undefined }),
    };
    expect(await readModifyWrite(client, 'Observation', 'o1', (x) => x, { maxAttempts: 3 })).toEqual({ outcome: 'exhausted', attempts: 3, status: 412, puts: [412, 412, 412] });
  });

  test('any other answer is a rejection, not retried', async () => {
    const client: VersionedClient = {
      read: async () => ({ status: 200, headers: {}, body: { resourceType: 'Observation', id: 'o1', meta: { versionId: '2' } } }),
      update: async () => ({ status: 409, headers: {}, body: undefined }),
    };
    expect(await readModifyWrite(client, 'Observation', 'o1', (x) => x)).toMatchObject({ outcome: 'rejected', status: 409, attempts: 1 });
  });

  test('If-Match falls back to meta.versionId; versionOf reads either', () => {
    expect(ifMatchFor({ status: 200, headers: {}, body: { meta: { versionId: '5' } } })).toBe('W/"5"');
    expect(ifMatchFor({ status: 200, headers: { etag: 'W/"6"' }, body: {} })).toBe('W/"6"');
    expect(versionOf({ status: 200, headers: { etag: '"7"' }, body: {} })).toBe('7');
    expect(versionOf({ status: 200, headers: {}, body: { meta: { versionId: 'a1b2' } } })).toBe('a1b2');
    expect(versionOf({ status: 200, headers: {}, body: {} })).toBeUndefined();
  });
});

describe('barrier', () => {
  test('opens once every party arrived', async () => {
    const b = barrier(3);
    let opened = false;
    void b.opened.then(() => { opened = true; });
    b.arrive(); b.arrive();
    await new Promise((r) => setTimeout(r, 5));
    expect(opened).toBe(false);
    b.arrive();
    await b.opened;
    expect(opened).toBe(true);
  });
});
