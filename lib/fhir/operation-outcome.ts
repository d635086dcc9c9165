// Errors come back as an OperationOutcome (API access page: a 412 carries {"resourceType":"OperationOutcome",
// "issue":[{"severity":"error","code":"invalid",…}]}; a rolled-back transaction "returns an OperationOutcome").

export interface Issue { severity?: string; code?: string; diagnostics?: string; details?: { text?: string }; expression?: string[] }
export interface OperationOutcome { resourceType: 'OperationOutcome'; issue: Issue[] }

export function isOperationOutcome(body: unknown): body is OperationOutcome {
  const b = body as { resourceType?: unknown; issue?: unknown } | undefined;
  return !!b && b.resourceType === 'OperationOutcome' && Array.isArray(b.issue) && b.issue.length > 0;
}

/** The issue codes of an outcome ([] for anything that is not one). */
export function issueCodes(body: unknown): string[] {
  return isOperationOutcome(body) ? body.issue.map((i) => i.code ?? '') : [];
}

/** True when the outcome has an error (or fatal) issue with this code. */
export function hasErrorIssue(body: unknown, code: string): boolean {
  return isOperationOutcome(body) && body.issue.some((i) => i.code === code && (i.severity === 'error' || i.severity === 'fatal'));
}

/** True when an issue's details.text or diagnostics contains `text` (case and runs of spaces aside). */
export function hasIssueText(body: unknown, text: string): boolean {
  const norm = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
  return isOperationOutcome(body) && body.issue.some((i) => norm(i.details?.text).includes(norm(text)) || norm(i.diagnostics).includes(norm(text)));
}

/** One line for a verdict message: `error/invalid "Version is mismatch"`. */
export function describeOutcome(body: unknown): string {
  if (!isOperationOutcome(body)) return 'no OperationOutcome';
  return body.issue.map((i) => `${i.severity ?? '?'}/${i.code ?? '?'}${i.details?.text || i.diagnostics ? ` "${(i.details?.text ?? i.diagnostics ?? '').slice(0, 120)}"` : ''}`).join('; ');
}
