// results.json: one verdict per capability id of the matrix, derived from the checks that ran. The
// dashboard, the vendor certificate and the Allure report all join on capability ids from here.
import type { CheckRecord } from '../vitest/checks-reporter.ts';
import type { SearchCoverage } from '../search/coverage.ts';
import type { Capability, ExpectedGap, Matrix } from '../matrix/types.ts';
import type { ServerFacts } from '../fhir/server-facts.ts';
import type { PrerequisiteOutcome } from '../run/context.ts';
import { GapBook } from '../matrix/gaps.ts';
import { VERDICTS, worst, type Verdict } from '../verdicts.ts';

export const RESULTS_SCHEMA_VERSION = 1;

export interface CapabilityResult {
  id: string;
  tier: Capability['tier'];
  suite: Capability['suite'];
  title: string;
  verdict: Verdict;
  reason?: string;
  /** Paths (relative to the run folder) of the redacted exchanges behind this verdict. */
  evidence: string[];
  flaky: boolean;
  gap?: ExpectedGap;
  /** The prerequisites the matrix names for this capability (judged first). */
  requires?: string[];
  /** Verdict blocked: the prerequisite capability that failed (the root cause). */
  blockedBy?: string;
  checks: { title: string; verdict: Verdict; reason?: string; evidence?: string; durationMs: number }[];
}

export interface Results {
  schemaVersion: number;
  runId: string;
  /** The run seed: replaying it (`--seed`) with the same harness and matrix versions plants the same data. */
  seed: number;
  harness: { name: string; version: string; commit: string | null };
  matrix: { version: string; sha256: string };
  target: { name: string; baseUrl: string; profile?: string; readOnly: boolean; embedded: boolean; faults?: string[] };
  options: { suites: string[]; strictGaps: boolean; shard?: string };
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /**
   * nothing-verified: every check was not-run (a read-only target with only write suites, say); incomplete: the
   * harness lost checks (a worker crashed): their verdicts are errors of the harness, and the run proves nothing whole.
   */
  outcome: 'conformant' | 'failures' | 'gap-closed' | 'nothing-verified' | 'incomplete';
  /** Set when the harness lost checks (a crashed worker, an unhandled error): how many, and why. */
  incomplete?: { lostChecks: number; reasons: string[] };
  /** What GET [base]/metadata said, read once per run: fhirVersion, software, declared types/interactions/params. */
  server?: ServerFacts;
  /** The prerequisite capabilities, judged before any suite ran (their dependents are blocked when they failed). */
  prerequisites?: Record<string, PrerequisiteOutcome>;
  summary: Record<Verdict, number>;
  bySuite: Record<string, Record<Verdict, number>>;
  capabilities: CapabilityResult[];
  /** Checks that named no capability of the matrix (a suite bug): listed, never dropped. */
  unmapped: CheckRecord[];
  /** Search parameters judged / in the matrix (details and not-run reasons in search-coverage.json). */
  coverage?: { search: Pick<SearchCoverage, 'total' | 'byType' | 'selectedTypes'> };
}

export const EXIT = { conformant: 0, failures: 1, usage: 2, gapClosed: 3 } as const;

const emptyCounts = (): Record<Verdict, number> => Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;

export interface BuildInput {
  runId: string;
  seed: number;
  harness: Results['harness'];
  matrix: Matrix;
  matrixSha256: string;
  target: Results['target'];
  gaps: ExpectedGap[];
  suites: string[];
  strictGaps: boolean;
  shard?: string;
  startedAt: string;
  checks: CheckRecord[];
  searchCoverage?: SearchCoverage;
  server?: ServerFacts;
  prerequisites?: Record<string, PrerequisiteOutcome>;
}

export function buildResults(i: BuildInput): Results {
  const byCapability = new Map<string, CheckRecord[]>();
  const unmapped: CheckRecord[] = [];
  const known = new Set(i.matrix.capabilities.map((c) => c.id));
  for (const c of i.checks) {
    if (c.capability && known.has(c.capability)) byCapability.set(c.capability, [...(byCapability.get(c.capability) ?? []), c]);
    else unmapped.push(c);
  }
  const gaps = new GapBook(i.gaps);
  const capabilities = i.matrix.capabilities.map((cap): CapabilityResult => {
    const checks = byCapability.get(cap.id) ?? [];
    const verdict = worst(checks.map((c) => c.verdict)) ?? 'not-run';
    const deciding = checks.find((c) => c.verdict === verdict);
    const reason = checks.length ? deciding?.reason
      : cap.notTested ? `not tested: ${cap.notTested}`
      : !i.suites.includes(cap.suite) ? `suite "${cap.suite}" not selected in this run`
      : i.shard ? `not in shard ${i.shard}` : 'no check of this harness version covers this capability yet';
    return {
      id: cap.id, tier: cap.tier, suite: cap.suite, title: cap.title, verdict, reason,
      evidence: [...new Set(checks.map((c) => c.evidence).filter((e): e is string => !!e))],
      // The gap that excused the deciding check, else the first that covers the id.
      flaky: checks.some((c) => c.flaky), gap: (deciding?.gap && gaps.get(deciding.gap)) || gaps.lookup(cap.id),
      ...(cap.requires && { requires: cap.requires }),
      ...(verdict === 'blocked' && deciding?.blockedBy && { blockedBy: deciding.blockedBy }),
      checks: checks.map((c) => ({ title: c.title, verdict: c.verdict, reason: c.reason, evidence: c.evidence, durationMs: c.durationMs })),
    };
  });
  const summary = emptyCounts();
  const bySuite: Record<string, Record<Verdict, number>> = {};
  for (const c of capabilities) {
    summary[c.verdict]++;
    (bySuite[c.suite] ??= emptyCounts())[c.verdict]++;
  }
  const broken = summary.fail + summary.error + unmapped.filter((c) => c.verdict === 'fail' || c.verdict === 'error').length;
  // A run whose every check was not-run (or that ran none) verified nothing: it must not read as conformant.
  const verified = i.checks.some((c) => c.verdict !== 'not-run');
  const lost = i.checks.filter((c) => c.lost);
  const incomplete = lost.length ? { lostChecks: lost.filter((c) => c.capability).length, reasons: [...new Set(lost.map((c) => c.reason ?? 'lost'))] } : undefined;
  const outcome: Results['outcome'] = incomplete ? 'incomplete' : broken ? 'failures' : !verified ? 'nothing-verified'
    : i.strictGaps && summary['gap-closed'] ? 'gap-closed' : 'conformant';
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION, runId: i.runId, seed: i.seed, harness: i.harness,
    matrix: { version: i.matrix.matrixVersion, sha256: i.matrixSha256 }, target: i.target,
    options: { suites: i.suites, strictGaps: i.strictGaps, shard: i.shard },
    startedAt: i.startedAt, finishedAt: new Date().toISOString(),
    exitCode: outcome === 'failures' || outcome === 'nothing-verified' || outcome === 'incomplete' ? EXIT.failures : outcome === 'gap-closed' ? EXIT.gapClosed : EXIT.conformant,
    outcome, ...(incomplete && { incomplete }), summary, bySuite, capabilities, unmapped,
    ...(i.server && { server: i.server }), ...(i.prerequisites && { prerequisites: i.prerequisites }),
    ...(i.searchCoverage && { coverage: { search: { total: i.searchCoverage.total, byType: i.searchCoverage.byType, selectedTypes: i.searchCoverage.selectedTypes } } }),
  };
}
