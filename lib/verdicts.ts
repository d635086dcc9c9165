// Verdicts and the errors checks throw. A check says *why* it failed (kind), so that an expected gap
// excuses only the failure it describes: an "unfiltered" gap does not excuse a search that filters wrongly.

export const VERDICTS = ['pass', 'fail', 'error', 'expected-gap', 'gap-closed', 'not-run'] as const;
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

/** Worst first: the verdict of a capability with several checks is the worst of theirs. */
const SEVERITY: Record<Verdict, number> = { error: 0, fail: 1, 'gap-closed': 2, 'expected-gap': 3, 'not-run': 4, pass: 5 };

export function worst(verdicts: readonly Verdict[]): Verdict | undefined {
  return [...verdicts].sort((a, b) => SEVERITY[a] - SEVERITY[b])[0];
}

/** A gap of `gapKind` excuses a failure of `failure` kind; gaps of kind `other` excuse any failure. */
export function gapExcuses(gapKind: string, failure: FailureKind): boolean {
  return gapKind === 'other' || gapKind === failure;
}
