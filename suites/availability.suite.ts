// Availability (API access page, "Platform availability"; the platform's CapabilityStatement): every resource
// type of the matrix answers a search. Read-only. A type that is not there (404/405/501, not-supported) fails
// with kind `not-enabled`, so the playground's "Not yet enabled" rows are expected gaps, not failures.
import { describe } from 'vitest';
import { describeExchange } from '../lib/fhir/exchange.ts';
import { isNotEnabled, isSearchset } from '../lib/fhir/searchset.ts';
import { tagQuery } from '../lib/fixtures/run-tag.ts';
import { session } from '../lib/run/session.ts';
import { capabilityTest } from '../lib/vitest/capability.ts';
import { CheckFailure } from '../lib/verdicts.ts';

const s = session();
const endpoints = s.matrix.capabilities.filter((c) => c.suite === 'availability' && c.id.startsWith('endpoint:')).map((c) => ({ id: c.id, type: c.id.slice('endpoint:'.length) }));

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
