// What a check body needs, and nothing more: the clients (their exchanges are the check's evidence), the run's seed
// source, and the three ways a check stops short of a verdict of its own. capabilityTest hands checks a `Check`,
// which is one of these; the CLI's preflight and the unit tests (replaying recorded exchanges) build their own.
import type { FhirClient } from '../client/http.ts';
import type { SeedSource } from '../run/seed.ts';
import { Blocked, NotRun } from '../verdicts.ts';

export interface CheckContext {
  /** Sends the run's Bearer token. */
  client: FhirClient;
  /** Sends no token. */
  anonymous: FhirClient;
  seeds: SeedSource;
  /** Stop: the capability cannot be judged here (verdict not-run, never passed). */
  notRun(reason: string): never;
  /** Stop: a prerequisite capability (one the matrix lists in `requires`) failed, so this one cannot be judged. */
  blocked(prerequisite: string, reason: string): never;
  /** A note on the check (shown in the reporters). */
  note(text: string): void;
}

/** A CheckContext outside vitest (the CLI's preflight, unit tests): notes are collected. */
export function plainContext(client: FhirClient, anonymous: FhirClient, seeds: SeedSource, notes: string[] = []): CheckContext {
  return {
    client, anonymous, seeds,
    notRun: (reason) => { throw new NotRun(reason); },
    blocked: (prerequisite, reason) => { throw new Blocked(prerequisite, reason); },
    note: (text) => { notes.push(text); },
  };
}
