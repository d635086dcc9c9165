// Availability (API access page, "Platform availability"; the platform's CapabilityStatement): the server says what
// it is (/metadata, read once per run by the CLI), the write suites' fixtures can be created, and every resource type
// of the matrix answers a search. A type that is not there (404/405/501, not-supported) fails with kind
// `not-enabled`, so the playground's "Not yet enabled" rows are expected gaps, not failures.
import { describe } from 'vitest';
import { checkCapabilityStatement, checkCreateRead } from '../lib/checks/server.ts';
import { describeExchange } from '../lib/fhir/exchange.ts';
import { isNotEnabled, isSearchset } from '../lib/fhir/searchset.ts';
import { tagQuery } from '../lib/fixtures/run-tag.ts';
import { WriteFixtures } from '../lib/fixtures/write-fixtures.ts';
import { session } from '../lib/run/session.ts';
import { capabilityTest } from '../lib/vitest/capability.ts';
import { deleteAfterAll } from '../lib/vitest/teardown.ts';
import { CheckFailure } from '../lib/verdicts.ts';

const s = session();
const endpoints = s.matrix.capabilities.filter((c) => c.suite === 'availability' && c.id.startsWith('endpoint:')).map((c) => ({ id: c.id, type: c.id.slice('endpoint:'.length) }));

describe.concurrent('The server says what it is and keeps what it is given', () => {
  capabilityTest('server:capability-statement', 'GET [base]/metadata answers a CapabilityStatement (read once for the whole run)', (c) => checkCapabilityStatement(c, s.serverFacts));
  const fx = new WriteFixtures(s.client, s.ctx.tag, s);
  deleteAfterAll(s, fx.created);
  capabilityTest('server:create-read', 'A Patient and an Observation referencing it are created (201 with an id) and read back (200)', (c) => checkCreateRead(c, fx), { writes: true });
});

describe.concurrent('Each resource type the platform declares is reachable: GET [base]/Type answers a searchset Bundle', () => {
  for (const { id, type } of endpoints) {
    // Restricted to this run's tag: the answer proves the endpoint works without pulling real records into evidence.
    capabilityTest(id, `GET [base]/${type}?_count=1 returns 200 and a searchset Bundle`, async (c) => {
      const res = await c.client.search(type, [['_count', '1'], ['_tag', tagQuery(s.ctx.tag)]], { accept: 'any' });
      if (isNotEnabled(res.status, res.body)) throw new CheckFailure(`the ${type} endpoint is not enabled: ${describeExchange(res)}`, 'not-enabled');
      if (res.status !== 200) throw new CheckFailure(`a search on ${type} should answer 200: ${describeExchange(res)}`, 'wrong', 200, res.status);
      if (!isSearchset(res.body)) throw new CheckFailure(`a search on ${type} should answer a Bundle of type searchset: ${describeExchange(res)}`, 'wrong');
    });
  }
});
