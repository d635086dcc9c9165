// Verdicts and the errors checks throw. A check says *why* it failed (kind), so that an expected gap
// excuses only the failure it describes: an "unfiltered" gap does not excuse a search that filters wrongly.

export const VERDICTS = ['pass', 'fail', 'error', 'blocked', 'expected-gap', 'gap-closed', 'not-run'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Why a check failed. `wrong`: the server did something, incorrectly; `other`: any other assertion. */
export type FailureKind = 'unfiltered' | 'not-enabled' | 'not-loaded' | 'wrong' | 'other';

export class CheckFailure extends Error {
  constructor(message: string, readonly kind: FailureKind = 'other', readonly expected?: unknown, readonly received?: unknown) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** Thrown (through `check.notRun`) when a check cannot be carried out here; never counts as passed. */
export class NotRun extends Error {
  constructor(readonly reason: string) {
    super(`not run: ${reason}`);
    this.name = 'NotRun';
  }
}

/**
 * Thrown (through `check.blocked`) when a check cannot judge its capability because a prerequisite capability
 * failed: one root cause is one failure, and what depends on it says so instead of failing a second time.
 */
export class Blocked extends Error {
  constructor(readonly prerequisite: string, readonly reason: string) {
    super(`blocked by ${prerequisite}: ${reason}`);
    this.name = 'Blocked';
  }
}

/** Worst first: the verdict of a capability with several checks is the worst of theirs. */
const SEVERITY: Record<Verdict, number> = { error: 0, fail: 1, blocked: 2, 'gap-closed': 3, 'expected-gap': 4, 'not-run': 5, pass: 6 };

export function worst(verdicts: readonly Verdict[]): Verdict | undefined {
  return [...verdicts].sort((a, b) => SEVERITY[a] - SEVERITY[b])[0];
}

/** A gap of `gapKind` excuses a failure of `failure` kind; gaps of kind `other` excuse any failure. */
export function gapExcuses(gapKind: string, failure: FailureKind): boolean {
  return gapKind === 'other' || gapKind === failure;
}
