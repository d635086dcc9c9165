// The checks whose exchanges are recorded from the reference server (scripts/record-exchanges.ts) and replayed by
// their unit tests (lib/checks/recorded.test.ts), and the scenarios (reference-server faults) they are recorded under.
import { join } from 'node:path';
import type { AuthSetup } from './auth.ts';
import * as auth from './auth.ts';
import * as concurrency from './concurrency.ts';
import type { CheckContext } from './context.ts';
import * as transactions from './transactions.ts';
import type { WriteFixtures } from '../fixtures/write-fixtures.ts';
import { PROJECT_ROOT } from '../matrix/load.ts';

export const RECORDING_SEED = 20261129;
export const RECORDING_RUN_ID = 'recorded-run';

type Recorded = (c: CheckContext, fx: WriteFixtures, a: AuthSetup) => Promise<unknown>;

/** The checks that replay (the properties and the authorization-code flow do not: their requests are not a fixed sequence). */
export const RECORDED_CHECKS: Record<string, Recorded> = {
  'concurrency:weak-etag': (c, fx) => concurrency.checkWeakEtag(c, fx),
  'concurrency:etag-matches-version': (c, fx) => concurrency.checkEtagMatchesVersion(c, fx),
  'concurrency:update-with-if-match': (c, fx) => concurrency.checkUpdateWithIfMatch(c, fx),
  'concurrency:version-integer': (c, fx) => concurrency.checkVersionInteger(c, fx),
  'concurrency:stale-if-match-412': (c, fx) => concurrency.checkStaleIfMatch412(c, fx),
  'concurrency:stale-write-no-change': (c, fx) => concurrency.checkStaleWriteNoChange(c, fx),
  'concurrency:if-match-required': (c, fx) => concurrency.checkIfMatchRequired(c, fx),
  'concurrency:lost-update (burst)': (c, fx) => concurrency.checkLostUpdateBurst(c, fx),
  'transaction:response': (c, fx) => transactions.checkResponse(c, new transactions.TransactionFixtures(fx)),
  'transaction:urn-uuid-resolved': (c, fx) => transactions.checkUrnUuidResolved(c, new transactions.TransactionFixtures(fx)),
  'transaction:put-entries': (c, fx) => transactions.checkPutEntries(c, new transactions.TransactionFixtures(fx)),
  'transaction:atomic': (c, fx) => transactions.checkAtomic(c, new transactions.TransactionFixtures(fx)),
  'auth:invalid-client': (c, _fx, a) => auth.checkInvalidClient(c, a),
  'auth:grant-type-missing': (c, _fx, a) => auth.checkGrantTypeMissing(c, a),
  'auth:api-requires-token': (c, _fx, a) => auth.checkApiRequiresToken(c, a),
  'auth:api-rejects-invalid-token': (c, _fx, a) => auth.checkApiRejectsInvalidToken(c, a),
};

/** Scenario → the reference-server faults it switches on, and the checks (by id prefix) recorded under it. */
export const SCENARIOS: Record<string, { faults: string[]; checks: string[] }> = {
  conformant: { faults: [], checks: ['concurrency:', 'transaction:', 'auth:'] },
  'version-non-integer': { faults: ['version-non-integer'], checks: ['concurrency:', 'transaction:put-entries'] },
  'version-not-incremented': { faults: ['version-not-incremented'], checks: ['concurrency:', 'transaction:put-entries'] },
  'if-match-ignored': { faults: ['if-match-ignored'], checks: ['concurrency:'] },
  'version-mismatch-text': { faults: ['version-mismatch-text'], checks: ['concurrency:stale-'] },
  'transaction-partial': { faults: ['transaction-partial'], checks: ['transaction:'] },
  'urn-uuid-unresolved': { faults: ['urn-uuid-unresolved'], checks: ['transaction:'] },
  'api-no-auth': { faults: ['api-no-auth'], checks: ['auth:'] },
};

export const RECORDINGS_DIR = join(PROJECT_ROOT, 'lib', 'checks', 'recordings');
