// The only bridge between checks and vitest: `capabilityTest` runs one check of one capability, turns its
// outcome into a verdict (honouring the target's expected gaps), keeps the redacted exchanges as evidence
// for every verdict but pass, and hands the verdict to the reporters through task.meta.
import * as allure from 'allure-js-commons';
import { test } from 'vitest';
import { TransportError, type Exchange, type FhirClient } from '../client/http.ts';
import { redactText } from '../client/redact.ts';
import { writeEvidence } from '../report/evidence.ts';
import { session, type Session } from '../run/session.ts';
import { Blocked, CheckFailure, gapExcuses, NotRun, type Verdict } from '../verdicts.ts';

declare module 'vitest' {
  interface TaskMeta {
    capability?: string;
    verdict?: Verdict;
    reason?: string;
    evidence?: string;
    flaky?: boolean;
  }
}

export interface Check {
  /** The authenticated client; its exchanges during this check are the check's evidence. */
  client: FhirClient;
  anonymous: FhirClient;
  session: Session;
  /** Stop here and report the capability as not-run with this reason (never as passed). */
  notRun(reason: string): never;
  /** Stop here: the prerequisite capability failed, so this one cannot be judged (verdict blocked, naming it). */
  blocked(prerequisite: string, reason: string): never;
  /** Adds a note to the test (shown in the reporters). */
  note(text: string): void;
}

export interface CapabilityTestOptions {
  /** The check creates or changes data: not run against a read-only target. */
  writes?: boolean;
  timeout?: number;
}

const SEVERITY = { SHALL: 'critical', SHOULD: 'normal', MAY: 'minor' } as const;

/** `title` is a sentence saying what the server must do; `capability` is the matrix id it verifies. */
export function capabilityTest(capability: string, title: string, fn: (c: Check) => Promise<void>, opts: CapabilityTestOptions = {}): void {
  test(title, { meta: { capability }, timeout: opts.timeout ?? 60_000 }, async ({ task, skip, annotate }) => {
    const s = session();
    const def = s.capabilities.get(capability);
    if (!def) throw new Error(`capability "${capability}" is not in the matrix: regenerate capabilities.json or fix the suite`);
    await allure.label('capability', capability);
    await allure.severity(SEVERITY[def.tier]);
    await allure.epic(def.suite);

    const exchanges: Exchange[] = [];
    const stops = [s.client.record((e) => exchanges.push(e)), s.anonymous.record((e) => exchanges.push(e))];
    const notes: string[] = [];
    const check: Check = {
      client: s.client, anonymous: s.anonymous, session: s,
      notRun: (reason) => { throw new NotRun(reason); },
      blocked: (prerequisite, reason) => { throw new Blocked(prerequisite, reason); },
      note: (text) => { notes.push(text); },
    };
    const finish = async (verdict: Verdict, reason?: string) => {
      stops.forEach((stop) => stop());
      task.meta.verdict = verdict;
      if (reason) task.meta.reason = redactText(reason);
      task.meta.flaky = exchanges.some((e) => e.attempt > 1);
      for (const n of notes) await annotate(redactText(n));
      if (verdict !== 'pass' && exchanges.length) task.meta.evidence = await keepEvidence(s, capability, title, verdict, exchanges);
    };

    const gap = s.gaps.lookup(capability);
    try {
      if (opts.writes && s.ctx.target.readOnly) throw new NotRun(`target "${s.ctx.target.name}" is read-only: the harness never writes there`);
      await fn(check);
    } catch (e) {
      if (e instanceof NotRun) {
        await finish('not-run', e.reason);
        skip(redactText(e.reason));
      }
      if (e instanceof Blocked) {
        await finish('blocked', e.message);
        skip(redactText(e.message));
      }
      if (e instanceof TransportError) {
        await finish('error', e.message);
        throw scrubbed(e);
      }
      const kind = e instanceof CheckFailure ? e.kind : 'other';
      if (gap && gapExcuses(gap.kind, kind)) {
        await finish('expected-gap', `${gap.kind} as expected (${gap.ticket ?? 'gap'} since ${gap.since}): ${(e as Error).message}`);
        await annotate(`expected gap: ${gap.reason}`);
        return;
      }
      await finish('fail', (e as Error).message);
      throw scrubbed(e);
    }
    if (gap) {
      await finish('gap-closed', `expected gap "${gap.kind}" (${gap.ticket ?? ''} since ${gap.since}) no longer reproduces: the capability now works; update the matrix`);
      if (s.ctx.strictGaps) throw new Error(`gap closed under --strict-gaps: ${capability} now passes (${gap.reason})`);
      return;
    }
    await finish('pass');
  });
}

const VERDICT_STACK = (name: string) => `${name} (the server's verdict, not a harness error: --verbose keeps the stack)`;

/**
 * vitest writes a thrown error's message and stack raw into JUnit, Allure and the console: scrub both first. The stack
 * of a verdict (a check failure, a transport error) shows only the harness's own frames: it is dropped unless --verbose.
 */
function scrubbed(e: unknown): unknown {
  if (e instanceof Error) {
    e.message = redactText(e.message);
    if (e.stack) e.stack = (e instanceof CheckFailure || e instanceof TransportError) && !process.env.DHP_VERBOSE ? VERDICT_STACK(e.name) : redactText(e.stack);
  }
  return e;
}

/** Writes the redacted exchanges of one check to the run's evidence folder (lib/report/evidence.ts) and attaches them to Allure. */
async function keepEvidence(s: Session, capability: string, title: string, verdict: Verdict, exchanges: Exchange[]): Promise<string> {
  const { path, attachment } = writeEvidence(s.ctx.runDir, { capability, check: title, verdict, exchanges });
  await allure.attachment(`exchanges (${exchanges.length})`, attachment, 'application/json');
  return path;
}
