// The reporters of a conformance run: the run's progress lines (vitest's default reporter, stack frames and all, only
// with --verbose) and Allure results in the run's folder. junit.xml is written by the CLI from checks.json
// (lib/report/junit.ts): it must carry the verdicts, not vitest's states.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reporter } from 'vitest/node';
import ProgressReporter, { type ProgressOptions } from './progress-reporter.ts';

/** allure-vitest's reporter without an fsync per result file (lib/vitest/allure-reporter.ts). */
const ALLURE_REPORTER = join(dirname(fileURLToPath(import.meta.url)), 'allure-reporter.ts');

export function runReporters(runDir: string, o: { verbose?: boolean; suiteOf?: ProgressOptions['suiteOf'] } = {}): (Reporter | [string, Record<string, unknown>])[] {
  return [
    o.verbose ? ['default', { summary: false }] : new ProgressReporter({ runDir, suiteOf: o.suiteOf }),
    [ALLURE_REPORTER, { resultsDir: join(runDir, 'allure-results') }],
  ];
}
