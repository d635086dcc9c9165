import { describe, expect, test } from 'vitest';
import { describeOutcome, hasErrorIssue, hasIssueText, isOperationOutcome, issueCodes } from './operation-outcome.ts';

const page412 = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', details: { text: 'Version is mismatch' } }] };

describe('operation outcome', () => {
  test.for([
    [page412, true],
    [{ resourceType: 'OperationOutcome', issue: [] }, false],
    [{ resourceType: 'Bundle' }, false],
    [undefined, false],
    ['', false],
  ] as const)('isOperationOutcome(%o) = %s', ([body, expected]) => {
    expect(isOperationOutcome(body)).toBe(expected);
  });

  test.for([
    ['invalid', true],
    ['required', false],
  ] as const)('the page\'s 412 body has an error issue %s: %s', ([code, expected]) => {
    expect(hasErrorIssue(page412, code)).toBe(expected);
  });

  test('a warning does not count as an error issue', () => {
    expect(hasErrorIssue({ resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'invalid' }] }, 'invalid')).toBe(false);
  });

  test('codes and description', () => {
    expect(issueCodes(page412)).toEqual(['invalid']);
    expect(issueCodes({})).toEqual([]);
    expect(describeOutcome(page412)).toBe('error/invalid "Version is mismatch"');
    expect(describeOutcome(undefined)).toBe('no OperationOutcome');
  });

  test.for([
    [page412, true],
    [{ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: 'Conflict: version  is MISMATCH (expected 3)' }] }, true],
    [{ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', details: { text: 'Precondition failed' } }] }, false],
    [undefined, false],
  ] as const)('hasIssueText(%o, "Version is mismatch") = %s', ([body, expected]) => {
    expect(hasIssueText(body, 'Version is mismatch')).toBe(expected);
  });
});
