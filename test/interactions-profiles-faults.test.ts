// Self-tests of the interactions and profiles suites against the reference server: conformant, everything passes
// (not-run only where the matrix or the check says why); each fault of theirs flips exactly its capability ids (one
// run per fault, restricted to the suite it can touch and to a few types or profiles that show it: the full sets are
// in NOTES-i9.md); the playground profile turns exactly the page's not-enabled types into expected gaps.
import { describe, expect, test } from 'vitest';
import { loadMatrix } from '../lib/matrix/load.ts';
import { mustSupportResource } from '../lib/profiles/must-support.ts';
import { igIndex, referenceableTypes } from '../lib/profiles/ig.ts';
import { violationOf } from '../lib/profiles/violations.ts';
import { idsWith, runCli, type CliRun } from './support/run-cli.ts';

const { matrix } = loadMatrix();
const SUITES = ['interactions', 'profiles'];
const ids = (pred: (id: string) => boolean) => matrix.capabilities.filter((c) => pred(c.id) && !c.notTested).map((c) => c.id).sort();
const types = (pred: (r: (typeof matrix.resources)[number]) => boolean) => new Set(matrix.resources.filter(pred).map((r) => r.type));

/** At most two CLI runs at a time: each is a vitest with workers of its own, and other self-test files run alongside. */
const SLOTS = 2;
let busy = 0;
const waiting: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (busy < SLOTS) busy++;
  else await new Promise<void>((ok) => waiting.push(ok));
  try {
    return await fn();
  } finally {
    // The slot passes straight to the next in line; only when nobody waits is it given back.
    const next = waiting.shift();
    if (next) next();
    else busy--;
  }
}

const runs = new Map<string, Promise<CliRun>>();
function run(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const key = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args].join(' ');
  if (!runs.has(key)) {
    runs.set(key, slot(async () => {
      const t0 = Date.now();
      const r = await runCli(['run', ...args], env);
      console.log(`[self-test] ${key}: exit ${r.code} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return r;
    }));
  }
  return runs.get(key)!;
}

/** The checks' own not-run answers: types the harness cannot write (declared neither create nor update). */
const UNWRITABLE = types((r) => !r.interactions.includes('create') && !r.interactions.includes('update'));

// CLI runs take a few seconds each alone; seven of them side by side on a busy machine take minutes.
describe.concurrent('interactions and profiles against the reference server', { timeout: 600_000 }, () => {
  test('conformant: every interaction and profile capability passes; not-run only with the matrix\'s or the check\'s reason', async () => {
    const r = await run(['--profile', 'conformant', '--suite', SUITES.join(',')]);
    expect(r.results, r.stderr).toBeDefined();
    const mine = r.results!.capabilities.filter((c) => SUITES.includes(c.suite));
    expect(mine.filter((c) => c.verdict !== 'pass' && c.verdict !== 'not-run').map((c) => `${c.id}: ${c.verdict} ${c.reason ?? ''}`)).toEqual([]);
    const notRun = mine.filter((c) => c.verdict === 'not-run');
    expect(notRun.filter((c) => !c.reason || c.reason.length < 20).map((c) => c.id)).toEqual([]);
    // Exactly the matrix's notTested ids, and the interactions of types the harness cannot write.
    const expected = [...matrix.capabilities.filter((c) => SUITES.includes(c.suite) && c.notTested).map((c) => c.id),
      ...[...UNWRITABLE].flatMap((t) => [`interaction:${t}:read`, `interaction:${t}:search-type`])].sort();
    expect(notRun.map((c) => c.id).sort()).toEqual(expected);
    expect(mine.filter((c) => c.verdict === 'pass').length).toBeGreaterThan(1400);
    expect(r.code).toBe(0);
  });

  test('playground: the not-enabled types (AuditEvent, Consent, Provenance, DocumentReference) are expected gaps, nothing fails', async () => {
    const r = await run(['--profile', 'playground', '--suite', SUITES.join(',')]);
    expect(idsWith(r.results, 'fail', 'error', 'blocked')).toEqual([]);
    const gapped = idsWith(r.results, 'expected-gap');
    const owners = new Set(gapped.map((id) => id.split(':').slice(0, 2).join(':')));
    expect([...owners].sort()).toEqual([
      'interaction:AuditEvent', 'interaction:Consent', 'interaction:DocumentReference', 'interaction:Provenance',
      'profile:uz-core-auditevent', 'profile:uz-core-consent',
    ]);
    // Every checked capability of those types is the gap (Provenance's profile: the matrix says no check can write it).
    const notEnabled = ['AuditEvent', 'Consent', 'DocumentReference', 'Provenance'];
    const covered = ids((id) => notEnabled.some((t) => id.startsWith(`interaction:${t}:`)) || /^profile:uz-core-(auditevent|consent):/.test(id));
    expect(gapped).toEqual(covered);
    expect(r.code).toBe(0);
  });

  const INTERACTION_TYPES = 'DHP_INTERACTION_TYPES';
  test.for([
    ['create-200', 'Patient,Person,Bundle,CodeSystem', ['interaction:Bundle:create', 'interaction:CodeSystem:create', 'interaction:Patient:create']],
    ['create-no-location', 'Patient,Person,Bundle,CodeSystem', ['interaction:Bundle:create', 'interaction:CodeSystem:create', 'interaction:Patient:create']],
    ['undeclared-delete-accepted', 'Patient,CodeSystem,AuditEvent,Provenance', ['interaction:AuditEvent:delete:refused', 'interaction:CodeSystem:delete:refused', 'interaction:Provenance:delete:refused']],
  ] as const)('fault %s (--suite interactions, types %s) flips exactly %j', async ([fault, only, expected]) => {
    const r = await run(['--profile', 'conformant', '--suite', 'interactions', '--fault', fault], { [INTERACTION_TYPES]: only });
    expect(idsWith(r.results, 'fail', 'error', 'blocked')).toEqual([...expected].sort());
    expect(r.code).toBe(1);
  });

  test('fault must-support-dropped (--suite profiles): Observation.performer, in the Must Support check and in the examples that carry it', async () => {
    const r = await run(['--profile', 'conformant', '--suite', 'profiles', '--fault', 'must-support-dropped'], { DHP_PROFILES: 'uz-core-observation,uz-core-socioeconomic-observation,uz-core-patient' });
    expect(idsWith(r.results, 'fail', 'error', 'blocked')).toEqual(['profile:uz-core-observation:examples-accepted', 'profile:uz-core-observation:must-support:Observation.performer']);
    expect(r.code).toBe(1);
  });

  test('fault required-not-enforced (--suite profiles): every required check, and the meta-profile checks whose violation is a missing element', async () => {
    const profiles = ['uz-core-patient', 'uz-core-observation', 'uz-core-encounter', 'uz-core-medication'];
    const referenceable = referenceableTypes(matrix);
    // The meta-profile check breaks a binding or a pattern where it can (Encounter, Patient, Medication); Observation only by omission.
    const byOmission = profiles.filter((id) => violationOf(igIndex().profiles.find((p) => p.id === id)!, mustSupportResource(igIndex().profiles.find((p) => p.id === id)!, referenceable).resource)?.description.endsWith('is left out'));
    expect(byOmission).toEqual(['uz-core-observation']);
    const r = await run(['--profile', 'conformant', '--suite', 'profiles', '--fault', 'required-not-enforced'], { DHP_PROFILES: profiles.join(',') });
    expect(idsWith(r.results, 'fail', 'error', 'blocked')).toEqual([...profiles.map((p) => `profile:${p}:required`), 'profile:uz-core-observation:meta-profile'].sort());
    expect(r.code).toBe(1);
  });
});
