// Runs a fast-check property inside a check: bounded runs, a seed derived from the run seed and the property's label
// (so replaying the run seed replays every property; DHP_FC_SEED overrides it to replay one counterexample), the seed
// printed and noted on the test, the shrunk counterexample in the failure message, a transport problem still an
// error rather than a failed property, and a harness bug inside the property a harness error, not the server's fail.
import fc from 'fast-check';
import { TransportError } from '../client/http.ts';
import { redactText } from '../client/redact.ts';
import { readEnv } from '../config/env.ts';
import { draw } from '../run/seed.ts';
import { Blocked, CheckFailure, HarnessError, NotRun } from '../verdicts.ts';

export interface PropertyRun {
  numRuns: number;
  note?: (text: string) => void;
  /** Names the property; with the run seed it determines the property's seed. */
  label: string;
  runSeed: number;
}

/** Below this many completed runs a property cut short by the time limit has shown too little to pass. */
const MIN_COMPLETED_RUNS = 3;

/** DHP_FC_SEED when set; else a stream of the run seed named by the property's label (independent of check order). */
export function propertySeed(runSeed: number, label: string, env: NodeJS.ProcessEnv = process.env): number {
  return readEnv(env).fcSeed ?? draw(runSeed, `fast-check:${label}`).int(0, 0x7fffffff);
}

export async function assertProperty<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncPropertyWithHooks<Ts>, o: PropertyRun): Promise<void> {
  const seed = propertySeed(o.runSeed, o.label);
  const line = `fast-check ${o.label}: seed ${seed}, numRuns ${o.numRuns} (replay: DHP_FC_SEED=${seed})`;
  console.log(line);
  o.note?.(line);
  const details = await fc.check(property, { numRuns: o.numRuns, seed, endOnFailure: false, interruptAfterTimeLimit: 90_000 });
  if (details.failed) {
    let cause: unknown = details.errorInstance;
    while (cause && !(cause instanceof TransportError) && !(cause instanceof CheckFailure) && (cause as Error).cause) cause = (cause as Error).cause;
    if (cause instanceof TransportError || cause instanceof Blocked || cause instanceof NotRun) throw cause;
    if (!(cause instanceof CheckFailure)) {
      throw new HarnessError(redactText(`the property ${o.label} threw ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)} (seed ${seed}; ${fc.defaultReportMessage(details)?.split('\n')[0] ?? ''})`), { cause });
    }
    const inner = details.errorInstance instanceof Error ? `\nCaused by: ${details.errorInstance.message}` : '';
    throw new CheckFailure(redactText(`${o.label}: ${fc.defaultReportMessage(details) ?? 'property failed'}${inner}`), 'wrong');
  }
  // Cut short by the time limit, a property that completed only a run or two has shown too little to pass.
  if (details.numRuns < Math.min(MIN_COMPLETED_RUNS, o.numRuns)) {
    throw new CheckFailure(`${o.label}: only ${details.numRuns} of ${o.numRuns} runs completed within the time limit (seed ${seed})`, 'wrong');
  }
}
