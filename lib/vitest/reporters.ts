// The reporters of a conformance run: vitest's progress output, Allure results and JUnit XML in the run's folder.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** allure-vitest's reporter without an fsync per result file (lib/vitest/allure-reporter.ts). */
const ALLURE_REPORTER = join(dirname(fileURLToPath(import.meta.url)), 'allure-reporter.ts');

export function runReporters(runDir: string): [string, Record<string, unknown>][] {
  return [
    ['default', { summary: false }],
    [ALLURE_REPORTER, { resultsDir: join(runDir, 'allure-results') }],
    ['junit', { outputFile: join(runDir, 'junit.xml') }],
  ];
}
