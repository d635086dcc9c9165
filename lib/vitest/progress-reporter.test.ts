import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SerializedError, TestCase, TestModule, TestSpecification } from 'vitest/node';
import { registerSecret } from '../client/redact.ts';
import ProgressReporter from './progress-reporter.ts';

// The reporter reads a few fields of vitest's task objects; these stand-ins have exactly those.
const check = (moduleId: string, capability: string, verdict?: string, state = 'passed') =>
  ({ module: { moduleId }, meta: () => ({ capability, verdict }), result: () => ({ state }) }) as unknown as TestCase;
const file = (moduleId: string, tests: TestCase[], error?: string) =>
  ({ moduleId, children: { allTests: function* () { yield* tests; } }, errors: () => (error ? [{ message: error }] : []) }) as unknown as TestModule;
const specs = (n: number) => Array.from({ length: n }) as TestSpecification[];

function reporter(intervalMs = 0) {
  const lines: string[] = [];
  const runDir = mkdtempSync(join(tmpdir(), 'dhp-progress-'));
  const r = new ProgressReporter({ runDir, intervalMs, write: (l) => lines.push(l), suiteOf: (id) => (id.startsWith('endpoint:') ? 'availability' : id.split(':')[0]) });
  return { r, lines, runDir };
}

describe('the progress of a run, per suite', () => {
  test('a suite spread over files is done only when every file is known and ended; failures are counted as they come', () => {
    const { r, lines } = reporter();
    const a = [check('s/search.suite.ts', 'search:Patient:name', 'pass'), check('s/search.suite.ts', 'search:Patient:birthdate', 'fail')];
    const b = [check('s/search-2.suite.ts', 'search:Condition:code', 'error'), check('s/search-2.suite.ts', 'search:Condition:code', undefined, 'failed')];
    r.onTestRunStart(specs(3));
    r.onTestModuleCollected(file('s/search.suite.ts', a));
    r.onTestModuleCollected(file('s/empty.suite.ts', []));
    for (const t of a) r.onTestCaseResult(t);
    r.onTestModuleEnd(file('s/search.suite.ts', a));
    expect(lines.at(-1)).toMatch(/search +2\/2 checks +1 failing so far +running/);
    r.onTestModuleCollected(file('s/search-2.suite.ts', b));
    for (const t of b) r.onTestCaseResult(t);
    r.onTestModuleEnd(file('s/search-2.suite.ts', b));
    expect(lines.at(-1)).toMatch(/search +4\/4 checks +3 failing +done/);
    // A file with nothing to run gets no line.
    expect(lines.join('\n')).not.toContain('empty');
  });

  test('lines are throttled; the end of a suite is always said', () => {
    const { r, lines } = reporter(60_000);
    const tests = Array.from({ length: 50 }, (_, i) => check('s/availability.suite.ts', `endpoint:T${i}`, 'pass'));
    r.onTestRunStart(specs(1));
    r.onTestModuleCollected(file('s/availability.suite.ts', tests));
    for (const t of tests) r.onTestCaseResult(t);
    r.onTestModuleEnd(file('s/availability.suite.ts', tests));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/availability +50\/50 checks +0 failing +done/);
  });

  test('a suite file that failed and unhandled errors take one line each, capped, redacted; what suites print goes to worker.log', () => {
    registerSecret('progress-secret-123');
    const { r, lines, runDir } = reporter();
    r.onTestRunStart(specs(1));
    r.onTestModuleEnd(file('s/auth.suite.ts', [], 'Cannot find module x\n    at stack frame'));
    r.onUserConsoleLog({ content: 'token progress-secret-123\n', type: 'stdout' });
    r.onTestRunEnd([], Array.from({ length: 12 }, (_, i) => ({ message: `boom ${i}\n at frame` }) as SerializedError));
    expect(lines[0]).toBe('  ✗ auth: the suite file failed: Cannot find module x');
    expect(lines.filter((l) => l.includes('✗ unhandled error: boom'))).toHaveLength(10);
    expect(lines.at(-1)).toBe('  … 2 more unhandled errors (run with --verbose)');
    expect(readFileSync(join(runDir, 'worker.log'), 'utf8')).toBe('[stdout] token [REDACTED]\n');
  });
});
