// Transactions (API access page, "Transactions"): all-or-nothing Bundles, urn:uuid resolution, PUT entries.
// A table: the check bodies live in lib/checks/transactions.ts.
import { describe } from 'vitest';
import * as transactions from '../lib/checks/transactions.ts';
import { WriteFixtures } from '../lib/fixtures/write-fixtures.ts';
import { session } from '../lib/run/session.ts';
import { capabilityTest, type Check } from '../lib/vitest/capability.ts';
import { deleteAfterAll } from '../lib/vitest/teardown.ts';

const s = session();
const tx = new transactions.TransactionFixtures(new WriteFixtures(s.client, s.ctx.tag, s));
deleteAfterAll(s, tx.fx.created);

type Row = [capability: string, title: string, check: (c: Check, t: transactions.TransactionFixtures) => Promise<void>, timeout?: number];

const REQUIREMENTS: [requirement: string, rows: Row[]][] = [
  ['On success, the server returns a Bundle of type transaction-response; each entry contains response.status and response.location', [
    ['transaction:response', 'The page\'s example transaction (EpisodeOfCare, Encounter, three Observations) answers a transaction-response with 201 and a location per entry', transactions.checkResponse],
  ]],
  ['Resources within the transaction can reference each other using their urn:uuid: values; the server resolves these to real IDs', [
    ['transaction:urn-uuid-resolved', 'Every urn:uuid reference of the example now points at the resource created for it', transactions.checkUrnUuidResolved],
  ]],
  ['request.method PUT updates a resource (request.url Type/id)', [
    ['transaction:put-entries', 'PUT entries with request.ifMatch update their resources and make new versions', transactions.checkPutEntries],
  ]],
  ['If any entry fails validation, the entire transaction is rolled back and the server returns an OperationOutcome', [
    ['transaction:atomic', 'A transaction whose last entry is an Observation without status answers 4xx with an OperationOutcome, and none of its entries exist', transactions.checkAtomic],
    ['transaction:atomic-property', 'Generated transactions with the failing entry at any position, some sent concurrently, leave nothing behind (property)', (c, t) => transactions.checkAtomicProperty(c, t, s.ctx.seed), 120_000],
  ]],
];

// Independent checks (the example transaction is submitted once, whoever asks first): all concurrent.
for (const [requirement, rows] of REQUIREMENTS) {
  describe.concurrent(requirement, () => {
    for (const [capability, title, check, timeout] of rows) capabilityTest(capability, title, (c) => check(c, tx), { writes: true, timeout });
  });
}
