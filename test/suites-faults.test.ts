// Self-tests of the auth, concurrency, transactions and availability suites: against the conformant reference
// server nothing fails; each fault switch flips exactly the capability ids it claims to (one run per fault,
// restricted to the suites it can touch); the playground profile turns the not-enabled endpoints into expected
// gaps; and no run leaves a secret, password, token or code anywhere in its output.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_CLIENT_SECRET, TEST_USER } from '../server/index.ts';
import { filesUnder, findLeaks, LEAK_PATTERNS, readableText } from './support/leak-scan.ts';
import { idsWith, runCli, type CliRun } from './support/run-cli.ts';

const MINE = ['auth', 'concurrency', 'transactions', 'availability'] as const;
const WRITE_SUITES = 'concurrency,transactions';

/** Memoized CLI runs, so the leak scan reuses the runs the verdict checks made. */
const runs = new Map<string, Promise<CliRun & { seconds: number }>>();
function run(...args: string[]) {
  const key = args.join(' ');
  if (!runs.has(key)) {
    runs.set(key, (async () => {
      const t0 = Date.now();
      const r = await runCli(args);
      const seconds = (Date.now() - t0) / 1000;
      console.log(`[self-test] ${key}: exit ${r.code} in ${seconds.toFixed(1)} s`);
      return { ...r, seconds };
    })());
  }
  return runs.get(key)!;
}

const conformant = () => run('run', '--profile', 'conformant', '--suite', MINE.join(','));
const auth = (fault: string) => run('run', '--profile', 'conformant', '--suite', 'auth', '--fault', fault);

describe.concurrent('suites against the reference server', { timeout: 300_000 }, () => {
  test('against the conformant profile every capability of the four suites passes', async () => {
    const r = await conformant();
    expect(r.results, r.stderr).toBeDefined();
    const mine = r.results!.capabilities.filter((c) => (MINE as readonly string[]).includes(c.suite));
    expect(mine.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.verdict} ${c.reason ?? ''}`)).toEqual([]);
    const bySuite = Object.fromEntries(MINE.map((s) => [s, mine.filter((c) => c.suite === s).length]));
    expect(bySuite).toEqual({ auth: 15, concurrency: 8, transactions: 5, availability: 63 });
    expect(r.code).toBe(0);
  });

  // The exact set each fault flips: its root cause fails, and what depends on it (the matrix's `requires`) is
  // blocked naming it — a server that does not increment versions fails one capability, not five.
  test.for([
    ['if-match-ignored', WRITE_SUITES, ['concurrency:stale-if-match-412'], ['concurrency:lost-update', 'concurrency:stale-write-no-change']],
    ['if-match-optional', WRITE_SUITES, ['concurrency:if-match-required'], []],
    ['strong-etag', WRITE_SUITES, ['concurrency:weak-etag'], []],
    ['version-not-incremented', WRITE_SUITES, ['concurrency:update-with-if-match'], ['concurrency:lost-update', 'concurrency:stale-if-match-412', 'concurrency:stale-write-no-change', 'concurrency:version-integer', 'transaction:put-entries']],
    ['conflict-409', WRITE_SUITES, ['concurrency:stale-if-match-412'], ['concurrency:lost-update', 'concurrency:stale-write-no-change']],
    ['precondition-no-outcome', WRITE_SUITES, ['concurrency:stale-if-match-412'], []],
    ['transaction-partial', WRITE_SUITES, ['transaction:atomic'], ['transaction:atomic-property']],
    ['urn-uuid-unresolved', WRITE_SUITES, ['transaction:urn-uuid-resolved'], []],
    ['token-wrong-secret', 'auth', ['auth:invalid-client'], []],
    ['api-no-auth', 'auth', ['auth:api-requires-token'], ['auth:api-rejects-expired-token', 'auth:api-rejects-invalid-token']],
  ] as const)('fault %s (--suite %s) fails exactly %j, blocks %j', async ([fault, suites, failed, blocked]) => {
    const r = suites === 'auth' ? await auth(fault) : await run('run', '--profile', 'conformant', '--suite', suites, '--fault', fault);
    expect(r.results, r.stderr).toBeDefined();
    expect(idsWith(r.results, 'fail', 'error')).toEqual([...failed].sort());
    expect(idsWith(r.results, 'blocked')).toEqual([...blocked].sort());
    for (const id of blocked) expect(r.results!.capabilities.find((c) => c.id === id)!.blockedBy, id).toBe(failed[0]);
    expect(r.code).toBe(1);
  });

  test('the playground profile: AuditEvent, Consent, Provenance and DocumentReference are expected gaps, nothing fails', async () => {
    const r = await run('run', '--profile', 'playground', '--suite', 'availability');
    expect(idsWith(r.results, 'fail', 'error')).toEqual([]);
    expect(idsWith(r.results, 'expected-gap')).toEqual(['endpoint:AuditEvent', 'endpoint:Consent', 'endpoint:DocumentReference', 'endpoint:Provenance']);
    expect(r.code).toBe(0);
  });
});

describe('secrets stay out of every output', () => {
  test.for([
    ['a JWT', 'x eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLWJ5dGVz y'],
    ['a Bearer/Basic credential', 'authorization: Bearer 1a2b3c4d5e6f7g8h9i0j'],
    ['a secret JSON field', '{"access_token": "abc"}'],
    ['a secret form field', 'grant_type=x&client_secret=s3cr3t'],
    ['an authorization code', '/callback?code=Zx9_abcdefghijklmnopqrstu&state=1'],
  ] as const)('the scanner recognises %s', ([what, sample]) => {
    expect(LEAK_PATTERNS.find(([w]) => w === what)![1].test(sample)).toBe(true);
    expect(LEAK_PATTERNS.some(([, re]) => re.test(sample.replace(/(Bearer |code=|": "|secret=)[^&" ]+/, '$1[REDACTED]').replace(/eyJ\S+/, '[REDACTED]')))).toBe(false);
  });

  test('the runs (the auth ones at least: conformant and faulted) leave no client secret, password, token or code in any file or console line', async () => {
    // The auth runs for sure, and every other run this file made (they ran first when the whole file runs).
    await Promise.all([conformant(), auth('token-wrong-secret'), auth('api-no-auth')]);
    const all = await Promise.all([...runs.values()]);
    const hits: string[] = [];
    let evidence = 0, redacted = 0;
    for (const r of all) {
      const texts: [string, string][] = [['stdout', r.stdout], ['stderr', r.stderr], ...filesUnder(r.outDir).map((f): [string, string] => [f, readableText(f)])];
      for (const [where, text] of texts) {
        if (where.includes(`${join('evidence', '')}`)) evidence++;
        if (text.includes('[REDACTED]')) redacted++;
      }
      hits.push(...findLeaks(texts, [['the client secret', DEFAULT_CLIENT_SECRET], ['the test password', TEST_USER.password]]));
    }
    expect(hits).toEqual([]);
    // Not vacuous: the faulted runs wrote evidence holding tokens and Authorization headers, all scrubbed.
    expect(evidence).toBeGreaterThan(0);
    expect(redacted).toBeGreaterThan(0);
  });
});
