// The reporters of a conformance run: vitest's progress output, Allure results and JUnit XML in the run's folder.
import { join } from 'node:path';

export function runReporters(runDir: string): [string, Record<string, unknown>][] {
  return [
    ['default', { summary: false }],
    ['allure-vitest/reporter', { resultsDir: join(runDir, 'allure-results') }],
    ['junit', { outputFile: join(runDir, 'junit.xml') }],
  ];
}
