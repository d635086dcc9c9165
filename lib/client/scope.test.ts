import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import { FhirClient, type Exchange } from './http.ts';
import { inScope, type RequestScope } from './scope.ts';

test('concurrent checks on one client each keep exactly their own exchanges as evidence', async () => {
  // Answers after a delay that interleaves the checks' requests.
  const server = createServer((req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/fhir+json' }).end('{}'), Number(req.url!.split('/').pop()) % 7));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const client = new FhirClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`, connections: 16 });
  const scopes: RequestScope[] = ['a', 'b', 'c'].map((id) => ({ id, kind: 'test', suites: [], name: id, exchanges: [] as Exchange[] }));
  await Promise.all(scopes.map((s) => inScope(s, async () => {
    // Sequential and parallel requests, with awaits of other things in between.
    for (let i = 0; i < 4; i++) {
      await client.request('GET', `${s.id}/${i}`);
      await Promise.all([client.request('GET', `${s.id}/p${i}/${i + 3}`), new Promise((r) => setTimeout(r, 1))]);
    }
  })));
  for (const s of scopes) {
    expect(s.exchanges).toHaveLength(8);
    expect(s.exchanges!.every((e) => new URL(e.request.url).pathname.startsWith(`/fhir/${s.id}/`))).toBe(true);
  }
  await client.close();
  server.close();
});
