// Concurrency (API access page, "Concurrency"): optimistic locking with weak ETags and If-Match.
// A table: the check bodies live in lib/checks/concurrency.ts.
import { describe } from 'vitest';
import * as concurrency from '../lib/checks/concurrency.ts';
import { WriteFixtures } from '../lib/fixtures/write-fixtures.ts';
import { session } from '../lib/run/session.ts';
import { capabilityTest, type Check } from '../lib/vitest/capability.ts';
import { deleteAfterAll } from '../lib/vitest/teardown.ts';

const s = session();
const fx = new WriteFixtures(s.client, s.ctx.tag, s);
deleteAfterAll(s, fx.created);

type Row = [capability: string, title: string, check: (c: Check, fx: WriteFixtures) => Promise<void>, timeout?: number];

const REQUIREMENTS: [requirement: string, rows: Row[]][] = [
  ['Every read returns the resource\'s current version as a weak ETag', [
    ['concurrency:weak-etag', 'A read and an update both return the version as a weak ETag W/"<versionId>"', concurrency.checkWeakEtag],
    ['concurrency:etag-matches-version', 'The ETag of a read names the version in meta.versionId', concurrency.checkEtagMatchesVersion],
  ]],
  ['To update safely, send that value back in an If-Match header; the version then increments', [
    ['concurrency:update-with-if-match', 'PUT with the current If-Match returns 200 and a new version, named by its ETag and by meta.versionId', concurrency.checkUpdateWithIfMatch],
    ['concurrency:version-integer', 'The version is DHP\'s integer form: ETag W/"n", and the update makes W/"n+1"', concurrency.checkVersionInteger],
  ]],
  ['If someone else changed the resource since you read it, the write is rejected - nothing is overwritten', [
    ['concurrency:stale-if-match-412', 'PUT with a stale If-Match returns 412 with an OperationOutcome (issue code invalid, "Version is mismatch")', concurrency.checkStaleIfMatch412],
    ['concurrency:stale-write-no-change', 'PUT with a stale If-Match returns 412 and leaves the resource unchanged', concurrency.checkStaleWriteNoChange],
  ]],
  ['The platform requires If-Match on every update', [
    ['concurrency:if-match-required', 'PUT without If-Match is rejected with 412', concurrency.checkIfMatchRequired],
  ]],
  ['Two clients updating the same resource cannot silently overwrite one another (lost update)', [
    ['concurrency:lost-update', 'Concurrent read-modify-write writers that retry on 412 lose no increment (property)', (c, f) => concurrency.checkLostUpdateProperty(c, f, s.ctx.seed), 120_000],
    ['concurrency:lost-update', 'A burst of PUTs sharing one If-Match: exactly one answers 200, the rest 412', concurrency.checkLostUpdateBurst],
  ]],
];

// Independent checks (each writes its own Observation): all concurrent, bounded by the run's limit on requests in flight.
for (const [requirement, rows] of REQUIREMENTS) {
  describe.concurrent(requirement, () => {
    for (const [capability, title, check, timeout] of rows) capabilityTest(capability, title, (c) => check(c, fx), { writes: true, timeout });
  });
}
