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

/**
 * A bug or crash of the harness itself — never the server's `fail`: verdict `error`, the reason naming the harness
 * and the check. Thrown by the harness when it catches itself out (a planter that cannot tell its triple apart, a
 * reason that printed a value the check did not have); any other unexpected exception inside a check becomes one.
 */
export class HarnessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
  }
}

/** The reason of a harness error: names the harness, the check and what went wrong (with where it was thrown). */
export function harnessReason(check: string, capability: string, e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const at = err.stack?.split('\n').find((l) => /^\s+at /.test(l))?.trim();
  const what = err instanceof HarnessError ? err.message : `${err.name}: ${err.message}`;
  return `harness error (a bug of dhp-conformance, not the server's failure) in check "${check}" of ${capability}: ${what}${at && !(err instanceof HarnessError) ? ` (${at})` : ''}`;
}

/**
 * Words a reason holds only when the harness printed a value it did not have (`expected version NaN`, `should be
 * undefined + 2`). Occurrences that quote the server (found in one of `serverTexts`, e.g. a response body) are the
 * server's words, not the harness's, and are allowed. Returns the offending word, or undefined.
 */
export function garbageInReason(reason: string, serverTexts: readonly string[]): string | undefined {
  const flat = serverTexts.map((t) => t.replace(/\s+/g, ' '));
  for (const m of reason.matchAll(/\b(NaN|undefined)\b/g)) {
    const around = reason.slice(Math.max(0, m.index - 6), m.index + m[0].length + 6).replace(/\s+/g, ' ');
    if (!flat.some((t) => t.includes(around))) return m[0];
  }
  return undefined;
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
