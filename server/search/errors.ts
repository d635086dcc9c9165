// SearchError: what the engine throws; the server core turns {status, outcome} into the HTTP answer.
import type { OperationOutcome } from 'fhir/r5.js';

export class SearchError extends Error {
  constructor(
    public status: number,
    public outcome: OperationOutcome,
  ) {
    super(outcome.issue?.[0]?.diagnostics ?? `search error ${status}`);
    this.name = 'SearchError';
  }
}

export function searchError(status: number, code: 'not-supported' | 'invalid' | 'not-found', diagnostics: string): SearchError {
  return new SearchError(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] });
}

/** A value the engine cannot parse: always 400 (strict or not). */
export function badValue(param: string, value: string, why: string): SearchError {
  return searchError(400, 'invalid', `Invalid value "${value}" for search parameter "${param}": ${why}`);
}
