// One place that shapes OperationOutcomes and the error that carries them, so every failure path answers alike.
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r5.js';

export type IssueCode = OperationOutcomeIssue['code'];

/** The platform's own wording for an If-Match clash (API access page, "Concurrency"). */
export const VERSION_MISMATCH = 'Version is mismatch';

/** A failure with its HTTP status; thrown anywhere, answered once at the HTTP edge. */
export class FhirError extends Error {
  readonly status: number;
  readonly outcome: OperationOutcome;
  /** Some clients (and the precondition-no-outcome fault) need a bare status line. */
  readonly emptyBody: boolean;
  constructor(status: number, outcome: OperationOutcome, emptyBody = false) {
    super(outcome.issue[0]?.diagnostics ?? outcome.issue[0]?.details?.text ?? `HTTP ${status}`);
    this.status = status;
    this.outcome = outcome;
    this.emptyBody = emptyBody;
  }
}

export function outcome(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

export function issue(code: IssueCode, diagnostics: string, expression?: string[]): OperationOutcomeIssue {
  return { severity: 'error', code, diagnostics, ...(expression ? { expression } : {}) };
}

export function fail(status: number, code: IssueCode, diagnostics: string, expression?: string[]): FhirError {
  return new FhirError(status, outcome([issue(code, diagnostics, expression)]));
}

export const notFound = (what: string) => fail(404, 'not-found', `${what} is not known`);
export const notSupported = (what: string) => fail(404, 'not-supported', what);
export const notAllowed = (what: string) => fail(405, 'not-supported', what);
export const badRequest = (code: IssueCode, what: string, expression?: string[]) => fail(400, code, what, expression);
export const gone = (what: string) => fail(410, 'deleted', `${what} has been deleted`);
export const unauthorized = () => fail(401, 'login', 'A valid Bearer access token is required');

/** The exact 412 body the platform documents: details.text only, no diagnostics (or, for a fault, other words). */
export function versionMismatch(status = 412, emptyBody = false, text = VERSION_MISMATCH): FhirError {
  return new FhirError(status, outcome([{ severity: 'error', code: 'invalid', details: { text } }]), emptyBody);
}

/** Errors the search engine throws share the shape {status, outcome}; accept any such error. */
export function asFhirError(err: unknown): FhirError | undefined {
  if (err instanceof FhirError) return err;
  if (err && typeof err === 'object' && 'status' in err && 'outcome' in err) {
    const { status, outcome: oo } = err as { status: unknown; outcome: unknown };
    if (typeof status === 'number' && (oo as OperationOutcome | undefined)?.resourceType === 'OperationOutcome') {
      return new FhirError(status, oo as OperationOutcome);
    }
  }
  return undefined;
}
