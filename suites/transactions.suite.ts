// Transactions (API access page, "Transactions"): all-or-nothing Bundles, urn:uuid resolution, PUT entries.
// Every Bundle carries the run tag and a marker tag of its own, so "none of its entries exist" is an exact search.
import fc from 'fast-check';
import { describe } from 'vitest';
import type { FhirClient, FhirResponse } from '../lib/client/http.ts';
import { weakETag } from '../lib/fhir/etag.ts';
import { describeExchange } from '../lib/fhir/exchange.ts';
import { entryStatus, parseLocation } from '../lib/fhir/location.ts';
import { describeOutcome, isOperationOutcome } from '../lib/fhir/operation-outcome.ts';
import { versionOf } from '../lib/fhir/optimistic-lock.ts';
import { unresolvedReferences } from '../lib/fhir/urn-uuid.ts';
import { createFixture, once } from '../lib/fixtures/create.ts';
import { patientSalim, type Json } from '../lib/fixtures/personas.ts';
import { bundleOf, countFound, exampleTransaction, findMarked, generatedTransaction, listFound, putEntry, type BuiltTransaction } from '../lib/fixtures/transaction.ts';
import { assertProperty } from '../lib/property/run.ts';
import { session } from '../lib/run/session.ts';
import { deletedAfterAll } from '../lib/vitest/teardown.ts';
import { capabilityTest } from '../lib/vitest/capability.ts';
import { CheckFailure } from '../lib/verdicts.ts';

const s = session();
const created = deletedAfterAll(s);
const writes = { writes: true } as const;

const patient = once(() => createFixture(s.client, patientSalim(), s.ctx.tag, created));

/** Posts a transaction and registers whatever it created for teardown. */
async function submit(client: FhirClient, tx: BuiltTransaction): Promise<FhirResponse> {
  const res = await client.transaction(tx.bundle, { accept: 'any' });
  if (res.body?.resourceType === 'Bundle') created.addFromResponse(res.body);
  return res;
}

/** A transaction that must succeed (the setup of a check): 2xx transaction-response or a check failure. */
async function submitOk(client: FhirClient, tx: BuiltTransaction): Promise<FhirResponse> {
  const res = await submit(client, tx);
  if (res.status !== 200 || res.body?.type !== 'transaction-response') {
    throw new CheckFailure(`a valid transaction should answer 200 with a transaction-response Bundle: ${describeExchange(res)}`, 'wrong');
  }
  return res;
}

/** The page's example, submitted once for the checks that look at its outcome. */
const example = once(async () => {
  const tx = exampleTransaction((await patient()).ref, s.ctx.tag);
  return { tx, res: await submit(s.client, tx) };
});

describe.concurrent('On success, the server returns a Bundle of type transaction-response; each entry contains response.status and response.location', () => {
  capabilityTest('transaction:response', 'The page\'s example transaction (EpisodeOfCare, Encounter, three Observations) answers a transaction-response with 201 and a location per entry', async () => {
    const { tx, res } = await example();
    if (res.status !== 200 || res.body?.resourceType !== 'Bundle' || res.body.type !== 'transaction-response') {
      throw new CheckFailure(`POST [base] with the transaction should answer 200 and a transaction-response Bundle: ${describeExchange(res)}`, 'wrong');
    }
    const entries: Json[] = res.body.entry ?? [];
    if (entries.length !== tx.bundle.entry.length) throw new CheckFailure(`the response should have one entry per request entry (${tx.bundle.entry.length}), has ${entries.length}`, 'wrong');
    entries.forEach((e, i) => {
      const want = tx.bundle.entry[i]!.resource.resourceType;
      const loc = parseLocation(e.response?.location);
      if (entryStatus(e.response?.status) !== 201) throw new CheckFailure(`entry ${i} (${want}): response.status should be 201, is "${e.response?.status}"`, 'wrong');
      if (!loc || loc.type !== want) throw new CheckFailure(`entry ${i} (${want}): response.location should name the created ${want}, is "${e.response?.location}"`, 'wrong');
    });
  }, writes);
});

describe.concurrent('Resources within the transaction can reference each other using their urn:uuid: values; the server resolves these to real IDs', () => {
  capabilityTest('transaction:urn-uuid-resolved', 'Every urn:uuid reference of the example now points at the resource created for it', async (c) => {
    const { tx, res } = await example();
    const locations = (res.body?.entry ?? []).map((e: Json) => parseLocation(e.response?.location));
    if (res.status !== 200 || locations.length !== tx.bundle.entry.length || locations.some((l: unknown) => !l)) {
      throw new CheckFailure(`the example transaction did not succeed, so its references cannot be followed: ${describeExchange(res)}`);
    }
    const createdFor = new Map(tx.bundle.entry.map((e, i) => [e.fullUrl!, `${locations[i].type}/${locations[i].id}`]));
    const problems: string[] = [];
    for (const [i, entry] of tx.bundle.entry.entries()) {
      const stored = await c.client.read(locations[i].type, locations[i].id, { accept: 'any' });
      if (stored.status !== 200) { problems.push(`${createdFor.get(entry.fullUrl!)}: read answered ${stored.status}`); continue; }
      for (const u of unresolvedReferences(entry.resource, stored.body, createdFor)) {
        problems.push(`${createdFor.get(entry.fullUrl!)} ${u.path}: sent ${u.sent}, stored ${u.received ?? '(nothing)'}, expected ${u.expected}`);
      }
    }
    if (problems.length) throw new CheckFailure(`urn:uuid references not resolved to the created ids: ${problems.join('; ')}`, 'wrong');
  }, writes);
});

describe.concurrent('request.method PUT updates a resource (request.url Type/id)', () => {
  capabilityTest('transaction:put-entries', 'PUT entries with request.ifMatch update their resources and bump their versions', async (c) => {
    const tx = generatedTransaction((await patient()).ref, s.ctx.tag, 3, undefined);
    const first = await submitOk(c.client, tx);
    const observations = ((first.body.entry ?? []) as Json[]).map((e) => parseLocation(e.response?.location)).filter((l) => l?.type === 'Observation');
    // Without the Observations to update, the PUT transaction below would be empty and prove nothing.
    const sent = tx.bundle.entry.filter((e) => e.resource.resourceType === 'Observation').length;
    if (observations.length !== sent) throw new CheckFailure(`setup: the transaction-response should locate the ${sent} Observations created, locates ${observations.length}: ${describeExchange(first)}`, 'wrong');
    const current = await Promise.all(observations.map((l) => c.client.read('Observation', l!.id, { accept: 'any' })));
    const unread = current.find((r) => r.status !== 200);
    if (unread) throw new CheckFailure(`setup: reading a created Observation should answer 200: ${describeExchange(unread)}`);
    const entries = current.map((r, i) => putEntry({ ...r.body, id: observations[i]!.id, valueQuantity: { ...r.body.valueQuantity, value: 200 + i } }, r.headers.etag ?? weakETag(r.body?.meta?.versionId)));
    const res = await c.client.transaction(bundleOf(entries), { accept: 'any' });
    if (res.status !== 200 || res.body?.type !== 'transaction-response') throw new CheckFailure(`a transaction of PUT entries should answer 200 with a transaction-response: ${describeExchange(res)}`, 'wrong');
    for (const [i, r] of current.entries()) {
      const status = entryStatus(res.body.entry?.[i]?.response?.status);
      if (status !== 200) throw new CheckFailure(`PUT entry ${i}: response.status should be 200, is "${res.body.entry?.[i]?.response?.status}"`, 'wrong');
      const after = await c.client.read('Observation', observations[i]!.id, { accept: 'any' });
      const before = versionOf(r)!;
      if (versionOf(after) !== before + 1 || after.body?.valueQuantity?.value !== 200 + i) {
        throw new CheckFailure(`Observation/${observations[i]!.id} after its PUT entry: expected version ${before + 1} and value ${200 + i}, read version ${versionOf(after)} and value ${after.body?.valueQuantity?.value}`, 'wrong');
      }
    }
  }, writes);
});

describe.concurrent('If any entry fails validation, the entire transaction is rolled back and the server returns an OperationOutcome', () => {
  capabilityTest('transaction:atomic', 'A transaction whose last entry is an Observation without status answers 4xx with an OperationOutcome, and none of its entries exist', async (c) => {
    const ref = (await patient()).ref;
    const bad = exampleTransaction(ref, s.ctx.tag, { failingLast: true });
    const res = await submit(c.client, bad);
    const found = await findMarked(c.client, bad.types, bad.marker);
    for (const [type, ids] of found) ids.forEach((id) => created.add(type, id));
    if (res.status < 400 || res.status >= 500) throw new CheckFailure(`the invalid transaction should answer 4xx: ${describeExchange(res)}`, 'wrong', '4xx', res.status);
    if (countFound(found)) throw new CheckFailure(`the rejected transaction left ${countFound(found)} of its entries behind: ${listFound(found)}`, 'wrong');
    if (!isOperationOutcome(res.body)) throw new CheckFailure(`the rejection should carry an OperationOutcome, got ${describeOutcome(res.body)}: ${describeExchange(res)}`, 'wrong');
    // Control: the same Bundle without the invalid entry is found by the same search, so "none exist" is not vacuous.
    const good = exampleTransaction(ref, s.ctx.tag);
    await submitOk(c.client, good);
    const control = await findMarked(c.client, good.types, good.marker);
    if (countFound(control) !== good.bundle.entry.length) {
      throw new CheckFailure(`control: a search by _tag should find the ${good.bundle.entry.length} entries of a committed transaction, found ${countFound(control)}; absence cannot be proven`);
    }
  }, writes);

  capabilityTest('transaction:atomic-property', 'Generated transactions with the failing entry at any position, some sent concurrently, leave nothing behind (property)', async (c) => {
    const ref = (await patient()).ref;
    const failing = fc.integer({ min: 1, max: 5 }).chain((size) => fc.record({ size: fc.constant(size), failAt: fc.integer({ min: 0, max: size - 1 }) }));
    await assertProperty(fc.asyncProperty(
      fc.array(failing, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 4 }),
      async (bundles, controlSize) => {
        const bad = bundles.map((b) => generatedTransaction(ref, s.ctx.tag, b.size, b.failAt));
        const good = generatedTransaction(ref, s.ctx.tag, controlSize, undefined);
        const answers = await Promise.all([...bad, good].map((tx) => submit(c.client, tx)));
        const story = `bundles ${bundles.map((b) => `${b.size} entries failing at ${b.failAt}`).join(' | ')} + a valid one of ${controlSize}: statuses ${answers.map((a) => a.status).join(', ')}`;
        for (const [i, tx] of bad.entries()) {
          const found = await findMarked(c.client, tx.types, tx.marker);
          for (const [type, ids] of found) ids.forEach((id) => created.add(type, id));
          if (answers[i]!.status < 400 || answers[i]!.status >= 500) throw new CheckFailure(`bundle ${i} should be rejected with 4xx; ${story}`, 'wrong');
          if (countFound(found)) throw new CheckFailure(`bundle ${i} was rejected but left ${listFound(found)}; ${story}`, 'wrong');
        }
        const control = await findMarked(c.client, good.types, good.marker);
        if (answers[bad.length]!.status !== 200 || countFound(control) !== controlSize) {
          throw new CheckFailure(`the valid bundle sent alongside should commit all ${controlSize} entries, found ${countFound(control)}; ${story}`, 'wrong');
        }
      },
    ), { numRuns: 10, note: c.note, label: 'atomic-property' });
  }, { ...writes, timeout: 120_000 });
});
