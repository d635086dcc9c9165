// Runs a fast-check property inside a check: bounded runs, the seed printed (and noted on the test) so a
// failure can be replayed with DHP_FC_SEED, the shrunk counterexample in the failure message, and a
// transport problem still reported as an error rather than a failed property.
import fc from 'fast-check';
import { TransportError } from '../client/http.ts';
import { redactText } from '../client/redact.ts';
import { CheckFailure } from '../verdicts.ts';

export interface PropertyRun { numRuns: number; note?: (text: string) => void; label: string }

/** Below this many completed runs a property cut short by the time limit has shown too little to pass. */
const MIN_COMPLETED_RUNS = 3;

export function propertySeed(env: NodeJS.ProcessEnv = process.env): number {
  const fixed = Number(env.DHP_FC_SEED);
  return Number.isInteger(fixed) && env.DHP_FC_SEED ? fixed : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
}

export async function assertProperty<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncPropertyWithHooks<Ts>, o: PropertyRun): Promise<void> {
  const seed = propertySeed();
  const line = `fast-check ${o.label}: seed ${seed}, numRuns ${o.numRuns} (replay: DHP_FC_SEED=${seed})`;
  console.log(line);
  o.note?.(line);
  const details = await fc.check(property, { numRuns: o.numRuns, seed, endOnFailure: false, interruptAfterTimeLimit: 90_000 });
  if (details.failed) {
    let cause: unknown = details.errorInstance;
    while (cause && !(cause instanceof TransportError) && (cause as Error).cause) cause = (cause as Error).cause;
    if (cause instanceof TransportError) throw cause;
    const inner = details.errorInstance instanceof Error ? `\nCaused by: ${details.errorInstance.message}` : '';
    throw new CheckFailure(redactText(`${o.label}: ${fc.defaultReportMessage(details) ?? 'property failed'}${inner}`), 'wrong');
  }
  // Cut short by the time limit, a property that completed only a run or two has shown too little to pass.
  if (details.numRuns < Math.min(MIN_COMPLETED_RUNS, o.numRuns)) {
    throw new CheckFailure(`${o.label}: only ${details.numRuns} of ${o.numRuns} runs completed within the time limit (seed ${seed})`, 'wrong');
  }
}
