// The run context the CLI hands to the suites (in vitest workers) through one JSON file named by
// DHP_RUN_CONTEXT. It holds no secrets: credentials stay in environment variables.
import { readFileSync } from 'node:fs';
import { readEnv } from '../config/env.ts';
import type { ResolvedTarget } from '../config/target.ts';
import type { ServerFacts } from '../fhir/server-facts.ts';
import type { Verdict } from '../verdicts.ts';

export interface RunContext {
  runId: string;
  runDir: string;
  matrixFile: string;
  target: ResolvedTarget & { baseUrl: string; tokenUrl: string };
  strictGaps: boolean;
  startedAt: string;
  /** Every generated value is drawn from this (lib/run/seed.ts): the same seed plants the same data. */
  seed: number;
  /** The coding every resource the run creates carries in meta.tag. */
  tag: { system: string; code: string };
  /** What GET [base]/metadata answered, read once in the CLI's preflight (workers never read it again). */
  server: ServerFacts;
  /** The prerequisite capabilities (the matrix's `requires`), judged in the CLI's preflight before any suite runs. */
  prerequisites: Record<string, PrerequisiteOutcome>;
}

export interface PrerequisiteOutcome {
  verdict: Extract<Verdict, 'pass' | 'fail' | 'error' | 'blocked' | 'not-run'>;
  reason?: string;
  /** When blocked: the prerequisite that failed first (the root cause), which this one requires. */
  rootCause?: string;
}

export const RUN_TAG_SYSTEM = 'https://dhp-conformance.uz/run';

let cached: RunContext | undefined;

export function runContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  if (cached) return cached;
  const file = readEnv(env).runContext;
  if (!file) throw new Error('DHP_RUN_CONTEXT is not set: run the suites through `dhp-conformance run` (npm start), not vitest directly');
  cached = JSON.parse(readFileSync(file, 'utf8')) as RunContext;
  return cached;
}
