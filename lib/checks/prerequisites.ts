// Root causes first. The capabilities other capabilities `require` (matrix data) are judged once, in the CLI's
// preflight, before any suite runs; the outcomes travel to the workers in the run context, and capabilityTest reports
// every dependent of a failed one `blocked`, naming it — one root cause, one failure. A probe is the *core* of its
// capability's check (what the dependents stand on); the capability's own check in its suite adds the rest.
// A prerequisite without a probe here is judged inline: its dependents meet its failure and say `blocked` themselves.
import { TransportError } from '../client/http.ts';
import type { ServerFacts } from '../fhir/server-facts.ts';
import type { WriteFixtures } from '../fixtures/write-fixtures.ts';
import { capabilityIndex, prerequisitesOf } from '../matrix/load.ts';
import type { Matrix } from '../matrix/types.ts';
import type { PrerequisiteOutcome } from '../run/context.ts';
import { Blocked, CheckFailure, harnessReason, NotRun } from '../verdicts.ts';
import { checkApiRequiresToken, type AuthSetup } from './auth.ts';
import { staleWrite, updatedOnce } from './concurrency.ts';
import type { CheckContext } from './context.ts';
import { checkCapabilityStatement, checkCreateRead } from './server.ts';
import { checkResponse, rolledBack, type TransactionFixtures } from './transactions.ts';

export interface PrerequisiteSetup {
  facts: ServerFacts;
  fx: WriteFixtures;
  tx: TransactionFixtures;
  auth: AuthSetup;
}

interface Probe {
  /** The probe creates or changes data: not run against a read-only target. */
  writes: boolean;
  run(c: CheckContext, p: PrerequisiteSetup): Promise<unknown>;
}

export const PROBES: Record<string, Probe> = {
  'server:capability-statement': { writes: false, run: (c, p) => checkCapabilityStatement(c, p.facts) },
  'server:create-read': { writes: true, run: (c, p) => checkCreateRead(c, p.fx) },
  'auth:api-requires-token': { writes: false, run: (c, p) => checkApiRequiresToken(c, p.auth) },
  'concurrency:update-with-if-match': { writes: true, run: (c, p) => updatedOnce(c, p.fx) },
  'concurrency:stale-if-match-412': { writes: true, run: (c, p) => staleWrite(c, p.fx) },
  'transaction:response': { writes: true, run: (c, p) => checkResponse(c, p.tx) },
  'transaction:atomic': { writes: true, run: (c, p) => rolledBack(c, p.tx) },
};

/**
 * The ids the capabilities of `suites` (default: all) require, transitively, each after its own prerequisites (the
 * matrix's cross-check rules out cycles).
 */
export function prerequisiteOrder(matrix: Pick<Matrix, 'capabilities'>, suites?: readonly string[]): string[] {
  const byId = capabilityIndex(matrix);
  const needed = new Set(matrix.capabilities.filter((c) => !suites || suites.includes(c.suite)).flatMap((c) => prerequisitesOf(matrix, c.id)));
  const order = new Set<string>();
  const visit = (id: string) => {
    if (order.has(id)) return;
    for (const r of byId.get(id)?.requires ?? []) visit(r);
    if (needed.has(id)) order.add(id);
  };
  [...needed].sort().forEach(visit);
  return [...order];
}

/** Judges every prerequisite in order; a prerequisite whose own prerequisite failed is blocked by the root cause. */
export async function judgePrerequisites(matrix: Pick<Matrix, 'capabilities'>, c: CheckContext, p: PrerequisiteSetup, o: { readOnly: boolean; suites?: readonly string[] }): Promise<Record<string, PrerequisiteOutcome>> {
  const byId = new Map(matrix.capabilities.map((x) => [x.id, x]));
  const out: Record<string, PrerequisiteOutcome> = {};
  for (const id of prerequisiteOrder(matrix, o.suites)) {
    const failed = (byId.get(id)?.requires ?? []).map((r) => [r, out[r]] as const).find(([, x]) => x && x.verdict !== 'pass' && x.verdict !== 'not-run');
    if (failed) {
      const [r, x] = failed;
      out[id] = { verdict: 'blocked', rootCause: x!.rootCause ?? r, reason: x!.reason };
      continue;
    }
    const probe = PROBES[id];
    if (!probe) continue;
    if (probe.writes && o.readOnly) { out[id] = { verdict: 'not-run', reason: 'read-only target' }; continue; }
    out[id] = await outcomeOf(id, () => probe.run(c, p));
  }
  return out;
}

async function outcomeOf(id: string, run: () => Promise<unknown>): Promise<PrerequisiteOutcome> {
  try {
    await run();
    return { verdict: 'pass' };
  } catch (e) {
    if (e instanceof CheckFailure) return { verdict: 'fail', reason: e.message };
    if (e instanceof Blocked) return { verdict: 'blocked', rootCause: e.prerequisite, reason: e.reason };
    if (e instanceof NotRun) return { verdict: 'not-run', reason: e.reason };
    if (e instanceof TransportError) return { verdict: 'error', reason: e.message };
    return { verdict: 'error', reason: harnessReason(`preflight probe of ${id}`, id, e) };
  }
}

/** What blocks a capability: the first of its direct prerequisites whose preflight outcome failed (named by root cause). */
export function blockingPrerequisite(requires: readonly string[] | undefined, outcomes: Record<string, PrerequisiteOutcome> | undefined): Blocked | undefined {
  for (const r of requires ?? []) {
    const x = outcomes?.[r];
    if (!x || x.verdict === 'pass' || x.verdict === 'not-run') continue;
    const root = x.rootCause ?? r;
    return new Blocked(root, `${root === r ? '' : `(via ${r}) `}${x.verdict === 'error' ? 'could not be judged: ' : ''}${x.reason ?? 'failed'}`);
  }
  return undefined;
}
