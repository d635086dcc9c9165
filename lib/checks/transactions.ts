// Transactions (API access page, "Transactions"): all-or-nothing Bundles, urn:uuid resolution, PUT entries. Every
// Bundle carries the run tag and a marker tag of its own, so "none of its entries exist" is an exact search. Checks
// that build on the page's example succeeding (transaction:response) or on atomicity (transaction:atomic) report
// `blocked` naming it when that is missing here.
import fc from 'fast-check';
import type { FhirResponse } from '../client/http.ts';
import { putEntry, transactionBundle } from '../fhir/bundle.ts';
import { weakETag } from '../fhir/etag.ts';
import { describeExchange } from '../fhir/exchange.ts';
import { entryStatus, parseLocation, type Location } from '../fhir/location.ts';
import { describeOutcome, isOperationOutcome } from '../fhir/operation-outcome.ts';
import { versionOf } from '../fhir/optimistic-lock.ts';
import { unresolvedReferences } from '../fhir/urn-uuid.ts';
import { once } from '../fixtures/create.ts';
import type { Json } from '../fixtures/personas.ts';
import { countFound, exampleTransaction, findMarked, generatedTransaction, listFound, transactionIds, type BuiltTransaction } from '../fixtures/transaction.ts';
import type { WriteFixtures } from '../fixtures/write-fixtures.ts';
import { assertProperty } from '../property/run.ts';
import { CheckFailure } from '../verdicts.ts';
import type { CheckContext } from './context.ts';

/** The transaction checks of one suite file (or of the preflight): the write fixtures and the page's example, sent once. */
export class TransactionFixtures {
  /** The page's example, submitted once for the checks that look at its outcome. */
  readonly example: () => Promise<{ tx: BuiltTransaction; res: FhirResponse }>;

  constructor(readonly fx: WriteFixtures) {
    this.example = once(async () => {
      const tx = exampleTransaction((await fx.patient()).ref, fx.tag, transactionIds(fx.seeds, 'transactions:example'));
      return { tx, res: await this.submit(tx) };
    });
  }

  /** Posts a transaction and registers whatever it created for teardown. */
  async submit(tx: BuiltTransaction): Promise<FhirResponse> {
    const res = await this.fx.client.transaction(tx.bundle, { accept: 'any' });
    if (res.body?.resourceType === 'Bundle') this.fx.created.addFromResponse(res.body);
    return res;
  }

  /** Registers what a marker search found (entries a rejected transaction should not have left) for teardown. */
  keep(found: Map<string, string[]>): void {
    for (const [type, ids] of found) ids.forEach((id) => this.fx.created.add(type, id));
  }
}

const isTransactionResponse = (res: FhirResponse) => res.status === 200 && res.body?.resourceType === 'Bundle' && res.body.type === 'transaction-response';

/** transaction:response — the page's example answers a transaction-response with 201 and a location per entry. */
export async function checkResponse(_c: CheckContext, t: TransactionFixtures): Promise<void> {
  const { tx, res } = await t.example();
  if (!isTransactionResponse(res)) throw new CheckFailure(`POST [base] with the transaction should answer 200 and a transaction-response Bundle: ${describeExchange(res)}`, 'wrong');
  const entries: Json[] = res.body.entry ?? [];
  if (entries.length !== tx.bundle.entry.length) throw new CheckFailure(`the response should have one entry per request entry (${tx.bundle.entry.length}), has ${entries.length}`, 'wrong');
  entries.forEach((e, i) => {
    const want = tx.bundle.entry[i]!.resource.resourceType;
    const loc = parseLocation(e.response?.location);
    if (entryStatus(e.response?.status) !== 201) throw new CheckFailure(`entry ${i} (${want}): response.status should be 201, is ${JSON.stringify(e.response?.status ?? '(none)')}`, 'wrong');
    if (!loc || loc.type !== want) throw new CheckFailure(`entry ${i} (${want}): response.location should name the created ${want}, is ${JSON.stringify(e.response?.location ?? '(none)')}`, 'wrong');
  });
}

/** The locations of the example's entries, or blocked by transaction:response. */
async function exampleLocations(c: CheckContext, t: TransactionFixtures): Promise<{ tx: BuiltTransaction; locations: Location[] }> {
  const { tx, res } = await t.example();
  const locations = ((res.body?.entry ?? []) as Json[]).map((e) => parseLocation(e.response?.location));
  if (!isTransactionResponse(res) || locations.length !== tx.bundle.entry.length || locations.some((l) => !l)) {
    c.blocked('transaction:response', `the example transaction did not succeed, so its references cannot be followed: ${describeExchange(res)}`);
  }
  return { tx, locations: locations as Location[] };
}

/** transaction:urn-uuid-resolved — every urn:uuid reference of the example now points at the resource created for it. */
export async function checkUrnUuidResolved(c: CheckContext, t: TransactionFixtures): Promise<void> {
  const { tx, locations } = await exampleLocations(c, t);
  const createdFor = new Map(tx.bundle.entry.map((e, i) => [e.fullUrl!, `${locations[i]!.type}/${locations[i]!.id}`]));
  const problems: string[] = [];
  for (const [i, entry] of tx.bundle.entry.entries()) {
    const stored = await c.client.read(locations[i]!.type, locations[i]!.id, { accept: 'any' });
    if (stored.status !== 200) { problems.push(`${createdFor.get(entry.fullUrl!)}: read answered ${stored.status}`); continue; }
    for (const u of unresolvedReferences(entry.resource, stored.body, createdFor)) {
      problems.push(`${createdFor.get(entry.fullUrl!)} ${u.path}: sent ${u.sent}, stored ${u.received ?? '(nothing)'}, expected ${u.expected ?? '(a created resource)'}`);
    }
  }
  if (problems.length) throw new CheckFailure(`urn:uuid references not resolved to the created ids: ${problems.join('; ')}`, 'wrong');
}

/** transaction:put-entries — PUT entries with request.ifMatch update their resources and make new versions. */
export async function checkPutEntries(c: CheckContext, t: TransactionFixtures): Promise<void> {
  const tx = generatedTransaction((await t.fx.patient()).ref, t.fx.tag, 3, undefined, transactionIds(c.seeds, 'transactions:put-entries'));
  const first = await t.submit(tx);
  const observations = ((first.body?.entry ?? []) as Json[]).map((e) => parseLocation(e.response?.location)).filter((l) => l?.type === 'Observation');
  // Without the Observations to update, the PUT transaction below would be empty and prove nothing.
  const sent = tx.bundle.entry.filter((e) => e.resource.resourceType === 'Observation').length;
  if (!isTransactionResponse(first) || observations.length !== sent) {
    c.blocked('transaction:response', `the transaction creating the ${sent} Observations to update should answer a transaction-response locating them, locates ${observations.length}: ${describeExchange(first)}`);
  }
  const current = await Promise.all(observations.map((l) => c.client.read('Observation', l!.id, { accept: 'any' })));
  const unread = current.find((r) => r.status !== 200);
  if (unread) throw new CheckFailure(`reading an Observation the transaction created should answer 200: ${describeExchange(unread)}`);
  const entries = current.map((r, i) => putEntry({ ...r.body, id: observations[i]!.id, valueQuantity: { ...r.body.valueQuantity, value: 200 + i } }, { ifMatch: r.headers.etag ?? weakETag(r.body?.meta?.versionId), base: c.client.baseUrl }));
  const res = await c.client.transaction(transactionBundle(entries), { accept: 'any' });
  if (!isTransactionResponse(res)) throw new CheckFailure(`a transaction of PUT entries should answer 200 with a transaction-response: ${describeExchange(res)}`, 'wrong');
  for (const [i, r] of current.entries()) {
    const status = res.body.entry?.[i]?.response?.status;
    if (entryStatus(status) !== 200) throw new CheckFailure(`PUT entry ${i}: response.status should be 200, is ${JSON.stringify(status ?? '(none)')}`, 'wrong');
    const after = await c.client.read('Observation', observations[i]!.id, { accept: 'any' });
    const before = versionOf(r), now = versionOf(after), value = after.body?.valueQuantity?.value;
    if (now === undefined || now === before || value !== 200 + i) {
      throw new CheckFailure(`Observation/${observations[i]!.id} after its PUT entry: expected a new version (not "${before}") and value ${200 + i}, read version ${now === undefined ? '(none)' : `"${now}"`} and value ${JSON.stringify(value ?? '(none)')}`, 'wrong');
    }
  }
}

/** Core of transaction:atomic: the page's failing example answers 4xx and leaves none of its entries; a control proves the search. */
export async function rolledBack(c: CheckContext, t: TransactionFixtures): Promise<FhirResponse> {
  const ref = (await t.fx.patient()).ref;
  const ids = transactionIds(c.seeds, 'transactions:atomic');
  const bad = exampleTransaction(ref, t.fx.tag, ids, { failingLast: true });
  const res = await t.submit(bad);
  const found = await findMarked(c.client, bad.types, bad.marker);
  t.keep(found);
  if (res.status < 400 || res.status >= 500) throw new CheckFailure(`the invalid transaction should answer 4xx: ${describeExchange(res)}`, 'wrong', '4xx', res.status);
  if (countFound(found)) throw new CheckFailure(`the rejected transaction left ${countFound(found)} of its entries behind: ${listFound(found)}`, 'wrong');
  // Control: the same Bundle without the invalid entry is found by the same search, so "none exist" is not vacuous.
  const good = exampleTransaction(ref, t.fx.tag, ids);
  const committed = await t.submit(good);
  if (!isTransactionResponse(committed)) c.blocked('transaction:response', `the control transaction (the valid example) should commit: ${describeExchange(committed)}`);
  const control = await findMarked(c.client, good.types, good.marker);
  if (countFound(control) !== good.bundle.entry.length) {
    throw new CheckFailure(`control: a search by _tag should find the ${good.bundle.entry.length} entries of a committed transaction, found ${countFound(control)}; absence cannot be proven`);
  }
  return res;
}

/** transaction:atomic — the core, plus: the rejection carries an OperationOutcome. */
export async function checkAtomic(c: CheckContext, t: TransactionFixtures): Promise<void> {
  const res = await rolledBack(c, t);
  if (!isOperationOutcome(res.body)) throw new CheckFailure(`the rejection should carry an OperationOutcome, got ${describeOutcome(res.body)}: ${describeExchange(res)}`, 'wrong');
}

/** transaction:atomic-property — generated transactions with the failing entry anywhere, some concurrent, leave nothing behind. */
export async function checkAtomicProperty(c: CheckContext, t: TransactionFixtures, runSeed: number): Promise<void> {
  const ref = (await t.fx.patient()).ref;
  const ids = transactionIds(c.seeds, 'transactions:atomic-property');
  const failing = fc.integer({ min: 1, max: 5 }).chain((size) => fc.record({ size: fc.constant(size), failAt: fc.integer({ min: 0, max: size - 1 }) }));
  await assertProperty(fc.asyncProperty(
    fc.array(failing, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 4 }),
    async (bundles, controlSize) => {
      const bad = bundles.map((b) => generatedTransaction(ref, t.fx.tag, b.size, b.failAt, ids));
      const good = generatedTransaction(ref, t.fx.tag, controlSize, undefined, ids);
      const answers = await Promise.all([...bad, good].map((tx) => t.submit(tx)));
      const story = `bundles ${bundles.map((b) => `${b.size} entries failing at ${b.failAt}`).join(' | ')} + a valid one of ${controlSize}: statuses ${answers.map((a) => a.status).join(', ')}`;
      for (const [i, tx] of bad.entries()) {
        const found = await findMarked(c.client, tx.types, tx.marker);
        t.keep(found);
        if (answers[i]!.status < 400 || answers[i]!.status >= 500) throw new CheckFailure(`bundle ${i} should be rejected with 4xx; ${story}`, 'wrong');
        if (countFound(found)) throw new CheckFailure(`bundle ${i} was rejected but left ${listFound(found)}; ${story}`, 'wrong');
      }
      const control = await findMarked(c.client, good.types, good.marker);
      if (answers[bad.length]!.status !== 200 || countFound(control) !== controlSize) {
        throw new CheckFailure(`the valid bundle sent alongside should commit all ${controlSize} entries, found ${countFound(control)}; ${story}`, 'wrong');
      }
    },
  ), { numRuns: 10, note: c.note, label: 'atomic-property', runSeed });
}
