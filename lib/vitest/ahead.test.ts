// Checks sent ahead: never more than the bound in flight, each outcome with its own exchanges only, failures rethrown
// inside the test that settles them (real HTTP on loopback).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Exchange, FhirClient } from '../client/http.ts';
import { ChecksAhead } from './ahead.ts';
import type { Check } from './capability.ts';

let server: Server;
let client: FhirClient;
beforeAll(async () => {
  server = createServer((req, res) => setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/fhir+json' });
    res.end(JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'path', valueString: req.url }] }));
  }, 5));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  client = new FhirClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir` });
});
afterAll(async () => {
  await client.close();
  await new Promise((ok) => server.close(ok));
});

const fakeCheck = () => {
  const kept: Exchange[] = [];
  return { kept, check: { evidence: (xs: readonly Exchange[]) => kept.push(...xs) } as unknown as Check };
};

test('at most inFlight checks run at once; each outcome carries only its own exchanges', async () => {
  const ahead = new ChecksAhead(client, 3);
  let running = 0, most = 0;
  for (let i = 0; i < 10; i++) {
    ahead.start(`k${i}`, async (c) => {
      most = Math.max(most, ++running);
      const answers = await Promise.all([c.request('GET', `a/${i}`), c.request('GET', `b/${i}`)]);
      running--;
      return answers.map((a) => a.body.parameter[0].valueString);
    });
  }
  for (let i = 0; i < 10; i++) {
    const { kept, check } = fakeCheck();
    expect(await ahead.settle(`k${i}`, check)).toEqual([`/fhir/a/${i}`, `/fhir/b/${i}`]);
    expect(kept.map((e) => new URL(e.request.url).pathname).sort()).toEqual([`/fhir/a/${i}`, `/fhir/b/${i}`]);
  }
  expect(most).toBe(3);
});

test('a failing check is rethrown when its test settles it, with the exchanges made before it failed', async () => {
  const ahead = new ChecksAhead(client, 2);
  ahead.start('bad', async (c) => {
    await c.request('GET', 'first');
    throw new Error('judged wrong');
  });
  const { kept, check } = fakeCheck();
  await expect(ahead.settle('bad', check)).rejects.toThrow('judged wrong');
  expect(kept).toHaveLength(1);
  await expect(ahead.settle('never-started', check)).rejects.toThrow(/no check was started/);
});
