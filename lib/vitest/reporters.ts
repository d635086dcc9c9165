// The reporters of a conformance run: the run's progress lines (vitest's default reporter, stack frames and all, only
// with --verbose) and Allure results in the run's folder. junit.xml is written by the CLI from checks.json
// (lib/report/junit.ts): it must carry the verdicts, not vitest's states.
import { join } from 'node:path';
import type { Reporter } from 'vitest/node';
import ProgressReporter, { type ProgressOptions } from './progress-reporter.ts';

export function runReporters(runDir: string, o: { verbose?: boolean; suiteOf?: ProgressOptions['suiteOf'] } = {}): (Reporter | [string, Record<string, unknown>])[] {
  return [
    o.verbose ? ['default', { summary: false }] : new ProgressReporter({ runDir, suiteOf: o.suiteOf }),
    ['allure-vitest/reporter', { resultsDir: join(runDir, 'allure-results') }],
  ];
}
