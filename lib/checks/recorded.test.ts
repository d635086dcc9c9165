// The check bodies of lib/checks judged on real answers: exchanges recorded from the reference server (conformant, and
// with one fault each; `npm run record-exchanges`) are replayed, and each check's verdict is the one written here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TransportError } from '../client/http.ts';
import { runTag } from '../fixtures/run-tag.ts';
import { WriteFixtures } from '../fixtures/write-fixtures.ts';
import { seedSource } from '../run/seed.ts';
import { Blocked, CheckFailure, NotRun } from '../verdicts.ts';
import type { AuthSetup } from './auth.ts';
import { plainContext } from './context.ts';
import { RECORDED_CHECKS, RECORDINGS_DIR, SCENARIOS } from './recorded.ts';
import { ReplayClient, type RecordedExchange, type Recording } from './replay.ts';

const BASE = 'http://127.0.0.1:1/fhir';

export async function replay(r: Pick<Recording, 'check' | 'seed' | 'runId'>, exchanges: RecordedExchange[]): Promise<{ verdict: string; reason?: string; left: number }> {
  const client = new ReplayClient(BASE, exchanges);
  const seeds = seedSource(r.seed, r.runId);
  const fx = new WriteFixtures(client, runTag(r.runId), seeds);
  const a: AuthSetup = {
    targetName: 'local', tokenUrl: `${new URL(BASE).origin}/oauth/token`, sso: client, tag: fx.tag,
    credentials: { clientId: 'dhp-local-client', clientSecret: 'dhp-local-secret-not-for-production' }, driver: () => Promise.reject(new Error('no driver')),
  };
  try {
    await RECORDED_CHECKS[r.check]!(plainContext(client, client, seeds), fx, a);
    return { verdict: 'pass', left: client.left.length };
  } catch (e) {
    const left = client.left.length;
    if (e instanceof CheckFailure) return { verdict: 'fail', reason: e.message, left };
    if (e instanceof Blocked) return { verdict: `blocked by ${e.prerequisite}`, reason: e.reason, left };
    if (e instanceof NotRun) return { verdict: 'not-run', reason: e.reason, left };
    if (e instanceof TransportError) return { verdict: 'error', reason: e.message, left };
    throw e;
  } finally {
    await client.close();
  }
}

const load = (scenario: string): Recording[] => JSON.parse(readFileSync(join(RECORDINGS_DIR, `${scenario}.json`), 'utf8')) as Recording[];

/** What each check concludes under each scenario (checks not named pass). Blocked checks name their root cause. */
const EXPECTED: Record<string, Record<string, string>> = {
  conformant: {},
  'version-non-integer': { 'concurrency:version-integer': 'fail' },
  'version-not-incremented': {
    'concurrency:update-with-if-match': 'fail',
    'concurrency:version-integer': 'blocked by concurrency:update-with-if-match',
    'concurrency:stale-if-match-412': 'blocked by concurrency:update-with-if-match',
    'concurrency:stale-write-no-change': 'blocked by concurrency:update-with-if-match',
    // Alone these two fail; in a run, the matrix's requires block them behind update-with-if-match before they start.
    'concurrency:lost-update (burst)': 'fail',
    'transaction:put-entries': 'fail',
  },
  'if-match-ignored': {
    'concurrency:stale-if-match-412': 'fail',
    'concurrency:stale-write-no-change': 'blocked by concurrency:stale-if-match-412',
    'concurrency:lost-update (burst)': 'fail',
  },
  'version-mismatch-text': { 'concurrency:stale-if-match-412': 'fail' },
  'transaction-partial': { 'transaction:atomic': 'fail' },
  'urn-uuid-unresolved': { 'transaction:urn-uuid-resolved': 'fail' },
  'api-no-auth': { 'auth:api-requires-token': 'fail', 'auth:api-rejects-invalid-token': 'fail' },
};

describe.for(Object.keys(SCENARIOS))('recorded from the reference server, scenario %s', (scenario) => {
  test.for(load(scenario).map((r) => [r.check, r] as const))('%s', async ([check, r]) => {
    const out = await replay(r, r.exchanges);
    expect(out.verdict, out.reason).toBe(EXPECTED[scenario]![check] ?? 'pass');
    // The replay sent exactly the recorded requests: the check is what was recorded, not a check that stopped early.
    expect(out.left).toBe(0);
    for (const word of ['NaN', 'undefined']) expect(out.reason ?? '').not.toMatch(new RegExp(`\\b${word}\\b`));
  });
});

/** A copy of a recording with the n-th exchange matching `pick` changed. */
function tampered(r: Recording, pick: (e: RecordedExchange) => boolean, change: (e: RecordedExchange) => void, n = 0): RecordedExchange[] {
  const copy = structuredClone(r.exchanges);
  const hits = copy.filter(pick);
  if (!hits[n]) throw new Error(`no exchange ${n} to tamper with in ${r.check}`);
  change(hits[n]!);
  return copy;
}

describe('tampered recordings: each check fails on the answer it exists to catch', () => {
  const conformant = load('conformant');
  const get = (check: string) => conformant.find((r) => r.check === check)!;
  const isPut = (e: RecordedExchange) => e.method === 'PUT';
  const setBody = (f: (b: any) => void) => (e: RecordedExchange) => { const b = JSON.parse(e.response.body!); f(b); e.response.body = JSON.stringify(b); };

  test.for([
    ['the 412 says something else than "Version is mismatch"', 'concurrency:stale-if-match-412', (r: Recording) => tampered(r, isPut, setBody((b) => { b.issue[0].details.text = 'Conflict'; }), 1), /should say "Version is mismatch"/],
    ['the 412 has no OperationOutcome', 'concurrency:stale-if-match-412', (r: Recording) => tampered(r, isPut, (e) => { delete e.response.body; }, 1), /error issue of code "invalid"/],
    ['the stale write answers 200', 'concurrency:stale-if-match-412', (r: Recording) => tampered(r, isPut, (e) => { e.response.status = 200; }, 1), /should answer 412/],
    ['the read carries a strong ETag', 'concurrency:weak-etag', (r: Recording) => tampered(r, (e) => e.method === 'GET', (e) => { e.response.headers.etag = '"1"'; }), /weak ETag/],
    ['the ETag names another version than meta.versionId', 'concurrency:etag-matches-version', (r: Recording) => tampered(r, (e) => e.method === 'GET', (e) => { e.response.headers.etag = 'W/"7"'; }), /should name meta.versionId/],
    ['a PUT without If-Match is accepted', 'concurrency:if-match-required', (r: Recording) => tampered(r, isPut, (e) => { e.response.status = 200; }), /should answer 412/],
    ['the transaction-response lacks a location', 'transaction:response', (r: Recording) => tampered(r, (e) => e.method === 'POST' && e.path === '/fhir', setBody((b) => { delete b.entry[2].response.location; })), /response.location should name/],
  ] as const)('%s', async ([, check, exchanges, reason]) => {
    const r = get(check);
    const out = await replay(r, exchanges(r));
    expect(out.verdict).toBe('fail');
    expect(out.reason).toMatch(reason);
  });

  test('opaque versions: the same recording with versionIds like "a1b2" passes every check but the integer one', async () => {
    const opaque = (r: Recording) => JSON.parse(JSON.stringify(r.exchanges).replace(/W\/\\"(\d+)\\"/g, 'W/\\"v$1x\\"').replace(/\\"versionId\\":\\"(\d+)\\"/g, '\\"versionId\\":\\"v$1x\\"').replace(/_history\/(\d+)/g, '_history/v$1x')) as RecordedExchange[];
    for (const r of conformant.filter((x) => x.check.startsWith('concurrency:') && x.check !== 'concurrency:version-integer')) {
      expect((await replay(r, opaque(r))).verdict, r.check).toBe('pass');
    }
    expect((await replay(get('concurrency:version-integer'), opaque(get('concurrency:version-integer')))).reason).toMatch(/DHP versions are positive integers/);
  });
});
