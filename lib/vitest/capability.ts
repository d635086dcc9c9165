// The only bridge between checks and vitest: `capabilityTest` runs one check of one capability, turns its
// outcome into a verdict (honouring the target's expected gaps), keeps the redacted exchanges as evidence
// for every verdict but pass, and hands the verdict to the reporters through task.meta.
// Root causes first: a capability whose prerequisite (the matrix's `requires`) failed in the CLI's preflight is
// `blocked` naming it, without running. Honest: any exception that is not a check's verdict (a TypeError, a harness
// Error) is an `error` of the harness, never the server's `fail`; so is a reason that printed NaN or undefined.
import * as allure from 'allure-js-commons';
import { test } from 'vitest';
import { TransportError, type Exchange, type FhirClient } from '../client/http.ts';
import { redactText } from '../client/redact.ts';
import { inScope } from '../client/scope.ts';
import type { CheckContext } from '../checks/context.ts';
import { blockingPrerequisite } from '../checks/prerequisites.ts';
import { prerequisitesOf } from '../matrix/load.ts';
import { writeEvidence } from '../report/evidence.ts';
import { session, type Session } from '../run/session.ts';
import { Blocked, CheckFailure, gapExcuses, garbageInReason, HarnessError, harnessReason, NotRun, type Verdict } from '../verdicts.ts';
import { testScope } from './scope.ts';
import type { Capability } from '../matrix/types.ts';

declare module 'vitest' {
  interface TaskMeta {
    capability?: string;
    verdict?: Verdict;
    reason?: string;
    evidence?: string;
    flaky?: boolean;
    /** Verdict blocked: the prerequisite capability that failed (the root cause). */
    blockedBy?: string;
    /** Verdict expected-gap: the id of the gap that excused the failure (several may cover one capability). */
    gap?: string;
  }
}

/** A CheckContext (lib/checks/context.ts) with the worker's session; its client's exchanges are the check's evidence. */
export interface Check extends CheckContext {
  client: FhirClient;
  session: Session;
  /** Adds a named JSON document to the check's evidence (kept, redacted, with the exchanges for every verdict but pass). */
  attach(name: string, content: unknown): void;
}

export interface CapabilityTestOptions {
  /** The check creates or changes data: not run against a read-only target. */
  writes?: boolean;
  timeout?: number;
  /** Runs after the check declared before it, even inside a describe.concurrent (steps of one resource's life). */
  sequential?: boolean;
}

const SEVERITY = { SHALL: 'critical', SHOULD: 'normal', MAY: 'minor' } as const;

/** `title` is a sentence saying what the server must do; `capability` is the matrix id it verifies. */
/** The capability, when the matrix has it and a check judges it (the matrix marks the others `notTested`: no test). */
export function checkedCapability(s: Pick<Session, 'capabilities'>, id: string): Capability | undefined {
  const c = s.capabilities.get(id);
  return c && !c.notTested ? c : undefined;
}

export function capabilityTest(capability: string, title: string, fn: (c: Check) => Promise<void>, opts: CapabilityTestOptions = {}): void {
  (opts.sequential ? test.sequential : test)(title, { meta: { capability }, timeout: opts.timeout ?? 60_000 }, async ({ task, skip, annotate }) => {
    const s = session();
    const def = s.capabilities.get(capability);
    if (!def) throw new Error(`capability "${capability}" is not in the matrix: regenerate capabilities.json or fix the suite`);
    await allure.label('capability', capability);
    await allure.severity(SEVERITY[def.tier]);
    await allure.epic(def.suite);

    // The check's own requests only, however many checks run concurrently on the same clients.
    const exchanges: Exchange[] = [];
    const scope = testScope(task, exchanges);
    const notes: string[] = [];
    const allowed = prerequisitesOf(s.matrix, capability);
    const attachments: Record<string, unknown> = {};
    const check: Check = {
      client: s.client, anonymous: s.anonymous, session: s, seeds: s,
      notRun: (reason) => { throw new NotRun(reason); },
      blocked: (prerequisite, reason) => { throw new Blocked(prerequisite, reason); },
      note: (text) => { notes.push(text); },
      attach: (name, content) => { attachments[name] = content; },
    };
    const finish = async (verdict: Verdict, reason?: string) => {
      scope.exchanges = undefined;
      // A reason that printed a value the check did not have (NaN, undefined) is the harness's bug, whatever the server did.
      const garbage = reason && verdict !== 'error' ? garbageInReason(reason, exchanges.flatMap((e) => [e.response?.body ?? '', e.request.url])) : undefined;
      if (garbage) {
        reason = harnessReason(title, capability, new HarnessError(`its ${verdict} reason contains "${garbage}", a value the check did not have: ${reason}`));
        verdict = 'error';
      }
      task.meta.verdict = verdict;
      if (reason) task.meta.reason = redactText(reason);
      task.meta.flaky = exchanges.some((e) => e.attempt > 1);
      for (const n of notes) await annotate(redactText(n));
      if (verdict !== 'pass' && exchanges.length) task.meta.evidence = await keepEvidence(s, capability, title, verdict, exchanges, attachments);
    };

    const gap = s.gaps.lookup(capability);
    try {
      crashHook(s, task.file.filepath);
      if (opts.writes && s.ctx.target.readOnly) throw new NotRun(`target "${s.ctx.target.name}" is read-only: the harness never writes there`);
      const prerequisite = blockingPrerequisite(def.requires, s.ctx.prerequisites);
      if (prerequisite) throw prerequisite;
      await inScope(scope, () => fn(check));
    } catch (e) {
      if (e instanceof NotRun) {
        await finish('not-run', e.reason);
        skip(redactText(e.reason));
      }
      // Only a capability the matrix lists in `requires` can block a check: anything else is a failure to report.
      if (e instanceof Blocked && !allowed.includes(e.prerequisite)) {
        await finish('error', harnessReason(title, capability, new HarnessError(`the check says it is blocked by ${e.prerequisite}, which ${capability} does not require: add it to "requires" in the matrix, or report a failure (${e.reason})`)));
        throw scrubbed(e, s.env.verbose);
      }
      if (e instanceof Blocked) {
        task.meta.blockedBy = e.prerequisite;
        await finish('blocked', e.message);
        skip(redactText(e.message));
      }
      if (e instanceof TransportError) {
        await finish('error', e.message);
        throw scrubbed(e, s.env.verbose);
      }
      if (!(e instanceof CheckFailure)) {
        await finish('error', harnessReason(title, capability, e));
        throw scrubbed(e, s.env.verbose);
      }
      const kind = e.kind;
      const excusing = s.gaps.lookup(capability, kind);
      if (excusing && gapExcuses(excusing.kind, kind)) {
        task.meta.gap = excusing.capability;
        await finish('expected-gap', `${excusing.kind} as expected (${excusing.ticket ?? 'gap'} since ${excusing.since}): ${(e as Error).message}`);
        await annotate(`expected gap: ${excusing.reason}`);
        return;
      }
      await finish('fail', (e as Error).message);
      throw scrubbed(e, s.env.verbose);
    }
    if (gap) {
      await finish('gap-closed', `expected gap "${gap.kind}" (${gap.ticket ?? ''} since ${gap.since}) no longer reproduces: the capability now works; update the matrix`);
      if (s.ctx.strictGaps) throw new Error(`gap closed under --strict-gaps: ${capability} now passes (${gap.reason})`);
      return;
    }
    await finish('pass');
  });
}

let started = 0;

/**
 * Self-tests only (DHP_SELFTEST_CRASH_WORKER=<suite>): the worker running suites/<suite>.suite.ts kills itself as
 * its second check starts, so the self-tests can prove a crashed worker makes every lost check an `error` and the
 * run exit 1 as incomplete.
 */
function crashHook(s: Session, file: string): void {
  if (s.env.crashWorker && file.endsWith(`suites/${s.env.crashWorker}.suite.ts`) && ++started === 2) process.kill(process.pid, 'SIGKILL');
}

const VERDICT_STACK = (name: string) => `${name} (the server's verdict, not a harness error: --verbose keeps the stack)`;

/**
 * vitest writes a thrown error's message and stack raw into JUnit, Allure and the console: scrub both first. The stack
 * of a verdict (a check failure, a transport error) shows only the harness's own frames: it is dropped unless --verbose.
 */
function scrubbed(e: unknown, verbose: boolean): unknown {
  if (e instanceof Error) {
    e.message = redactText(e.message);
    if (e.stack) e.stack = (e instanceof CheckFailure || e instanceof TransportError) && !verbose ? VERDICT_STACK(e.name) : redactText(e.stack);
  }
  return e;
}

/** Writes the redacted exchanges of one check to the run's evidence folder (lib/report/evidence.ts) and attaches them to Allure. */
async function keepEvidence(s: Session, capability: string, title: string, verdict: Verdict, exchanges: Exchange[], attachments: Record<string, unknown>): Promise<string> {
  const { path, attachment } = writeEvidence(s.ctx.runDir, { capability, check: title, verdict, exchanges, ...(Object.keys(attachments).length ? { attachments } : {}) });
  await allure.attachment(`exchanges (${exchanges.length})`, attachment, 'application/json');
  return path;
}
