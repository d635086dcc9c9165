// Fixtures of types the target cannot delete are reused across runs: a second run plants the same resources
// (same ids, updated in place with If-Match, now carrying the second run's tag) instead of adding new ones.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FhirClient } from '../lib/client/http.ts';
import { TokenSource } from '../lib/client/token.ts';
import { runTag, tagQuery } from '../lib/fixtures/run-tag.ts';
import { GapBook } from '../lib/matrix/gaps.ts';
import { loadMatrix } from '../lib/matrix/load.ts';
import { seedSource } from '../lib/run/seed.ts';
import { TypeFixtures, writableTypes } from '../lib/search/type-fixtures.ts';
import { startServer, type RunningServer } from '../server/index.ts';

let server: RunningServer;
let client: FhirClient;
beforeAll(async () => {
  server = await startServer({ profile: 'conformant', quiet: true });
  const tokens = new TokenSource({ tokenUrl: server.tokenUrl, clientId: server.clientId, clientSecret: server.clientSecret, clientAuth: 'client_secret_post' });
  client = new FhirClient({ baseUrl: server.baseUrl, token: () => tokens.get() });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const ids = async (type: string, tag: string) => {
  const res = await client.search(type, [['_tag', tag], ['_count', '1000'], ['_elements', 'id']]);
  return new Set<string>((res.body.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id));
};

test('a type without delete is planted under the same ids every run, updated in place and retagged', async () => {
  const { matrix } = loadMatrix();
  const writable = writableTypes(matrix, new GapBook([]));
  const codeSystem = matrix.resources.find((r) => r.type === 'CodeSystem')!;
  expect(codeSystem.interactions).not.toContain('delete');
  expect(writable.get('CodeSystem')).toBe('reuse, else POST');

  const plant = async (runId: string) => {
    const fx = new TypeFixtures(codeSystem, writable, runTag(runId), seedSource(1, runId));
    await fx.plant(client);
    expect(fx.problem).toBeUndefined();
    return fx;
  };
  await plant('reuse-run-1');
  const first = await ids('CodeSystem', tagQuery(runTag('reuse-run-1')));
  expect(first.size).toBeGreaterThan(20);

  const second = await plant('reuse-run-2');
  const afterSecond = await ids('CodeSystem', tagQuery());
  expect(afterSecond).toEqual(first);
  expect(await ids('CodeSystem', tagQuery(runTag('reuse-run-2')))).toEqual(first);
  // The second run's checks see their own tag on every reused fixture, and nothing is left to delete for it.
  expect(await second.teardown(client, matrix)).toEqual([]);
});
