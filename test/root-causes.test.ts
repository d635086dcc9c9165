// Root causes first, honest about the harness: each new reference-server fault fails exactly its root-cause capability
// (dependents blocked naming it, nothing unrelated); /metadata answering a Bundle is said once for the run; a worker
// that crashes makes every check it lost an `error` of the harness and the run exit 1 as incomplete; no reason of any
// of these runs contains NaN or undefined.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CheckRecord } from '../lib/vitest/checks-reporter.ts';
import { idsWith, runCli, type CliRun } from './support/run-cli.ts';

const runs = new Map<string, Promise<CliRun>>();
function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const key = `${JSON.stringify(env)} ${args.join(' ')}`;
  if (!runs.has(key)) runs.set(key, runCli(['run', '--profile', 'conformant', ...args], env));
  return runs.get(key)!;
}

const faulted = (fault: string, suites: string) => run(['--suite', suites, '--fault', fault]);
const crashed = () => run(['--suite', 'concurrency,availability'], { DHP_SELFTEST_CRASH_WORKER: 'concurrency' });

describe.concurrent('each new fault flags its root cause and nothing unrelated', { timeout: 300_000 }, () => {
  test.for([
    // Locking stays correct with opaque versionIds: only the one check of DHP's integer form fails.
    ['version-non-integer', 'concurrency,transactions', ['concurrency:version-integer']],
    // The 412 must carry the page's words, not just the status.
    ['version-mismatch-text', 'concurrency', ['concurrency:stale-if-match-412']],
    ['metadata-bundle', 'availability', ['server:capability-statement']],
  ] as const)('fault %s (--suite %s) fails exactly %j, blocks nothing', async ([fault, suites, failed]) => {
    const r = await faulted(fault, suites);
    expect(r.results, r.stderr.slice(-2000)).toBeDefined();
    expect(idsWith(r.results, 'fail', 'error')).toEqual([...failed]);
    expect(idsWith(r.results, 'blocked')).toEqual([]);
    expect(r.code).toBe(1);
  });

  test('/metadata answering a Bundle: one run-level warning, the facts recorded, the failure says what came back', async () => {
    const r = await faulted('metadata-bundle', 'availability');
    // Said once for the run (the failed capability's own reason says it its own way).
    expect(`${r.stdout}\n${r.stderr}`.match(/answered 200 Bundle, not a CapabilityStatement/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/^warning: GET http:\/\/127\.0\.0\.1:\d+\/fhir\/metadata answered 200 Bundle, not a CapabilityStatement/m);
    expect(r.results!.server).toMatchObject({ isCapabilityStatement: false, answered: '200 Bundle', types: {} });
    expect(r.results!.capabilities.find((c) => c.id === 'server:capability-statement')!.reason).toMatch(/should answer a CapabilityStatement, answered 200 Bundle/);
  });

  test('a conformant server\'s facts are in results.json: FHIR 5.0.0, its software, its declared types', async () => {
    const r = await faulted('version-mismatch-text', 'concurrency');
    expect(r.results!.server).toMatchObject({ isCapabilityStatement: true, fhirVersion: '5.0.0', software: { name: 'dhp-conformance reference server' } });
    expect(r.results!.server!.types.Observation!.interactions).toContain('update');
    expect(r.results!.prerequisites!['concurrency:stale-if-match-412']).toEqual({ verdict: 'pass' });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/warning: .*fhirVersion/);
  });

  test('a worker that crashes: every check it lost is an error naming the crash, JUnit says error, the run exits 1 as incomplete', async () => {
    const r = await crashed();
    expect(r.results, r.stderr.slice(-2000)).toBeDefined();
    expect(r.code).toBe(1);
    expect(r.results!.outcome).toBe('incomplete');
    const checks = JSON.parse(readFileSync(join(r.outDir, 'checks.json'), 'utf8')) as CheckRecord[];
    const mine = checks.filter((c) => c.file === 'suites/concurrency.suite.ts');
    const lost = mine.filter((c) => c.lost);
    // The hook kills the worker as its second check starts: the first may have reported its pass before the kill, or
    // not (results travel in batches); every other check is lost.
    expect(mine).toHaveLength(9);
    expect(mine.filter((c) => !c.lost).map((c) => c.verdict)).toEqual(lost.length === 9 ? [] : ['pass']);
    expect(lost.length).toBeGreaterThanOrEqual(8);
    for (const c of lost) {
      expect(c.verdict).toBe('error');
      expect(c.reason).toMatch(/^harness error: the vitest worker running suites\/concurrency\.suite\.ts failed \(.*Worker exited unexpectedly\) before this check finished/);
    }
    expect(r.results!.incomplete!.lostChecks).toBe(lost.length);
    // The other suite file is judged as usual.
    expect(r.results!.bySuite.availability).toMatchObject({ pass: 63, error: 0 });
    const junit = readFileSync(join(r.outDir, 'junit.xml'), 'utf8');
    expect(junit.match(/<error message="harness error: the vitest worker/g)).toHaveLength(lost.length);
    expect(r.stdout).toContain(`run INCOMPLETE: the harness lost ${lost.length} checks`);
  });

  test('no reason in any of these runs contains NaN or undefined', async () => {
    const all = await Promise.all([faulted('version-non-integer', 'concurrency,transactions'), faulted('version-mismatch-text', 'concurrency'), faulted('metadata-bundle', 'availability'), crashed()]);
    const reasons = all.flatMap((r) => r.results!.capabilities.flatMap((c) => [c.reason, ...c.checks.map((k) => k.reason)]).filter((x): x is string => !!x));
    expect(reasons.length).toBeGreaterThan(20);
    expect(reasons.filter((x) => /\bNaN\b|\bundefined\b/.test(x))).toEqual([]);
  });
});
