// The reporters of a conformance run: vitest's progress output and Allure results in the run's folder. junit.xml is
// written by the CLI from checks.json (lib/report/junit.ts): it must carry the verdicts, not vitest's states.
import { join } from 'node:path';

export function runReporters(runDir: string): [string, Record<string, unknown>][] {
  return [
    ['default', { summary: false }],
    ['allure-vitest/reporter', { resultsDir: join(runDir, 'allure-results') }],
  ];
}
