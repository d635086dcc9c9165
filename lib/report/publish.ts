// What follows a run (or a merge of shards) once results.json is written: failures.md in the run folder, the Markdown
// summary for GitHub ($GITHUB_STEP_SUMMARY), the Allure results packed into one file, a line in the history and the
// rebuilt dashboard, and — last, since it covers every other file of the folder — the certificate.
import { appendFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Matrix } from '../matrix/types.ts';
import { packAllureResults } from './allure-pack.ts';
import { writeCertificate } from './certificate.ts';
import { failuresMarkdown, stepSummaryMarkdown } from './console.ts';
import { buildDashboard } from './dashboard.ts';
import { addToHistory, historyEntry } from './history.ts';
import type { Results } from './results.ts';

export interface PublishOptions {
  /** Append the run here and rebuild the dashboard next to it (`<dir>/dashboard/`); none: neither. */
  historyFile?: string;
  /** Where the latest runs of the other targets may be found (their evidence is linked from the dashboard). */
  runDirs?: string[];
  certify?: boolean;
  /** Every suite the harness has: a certificate of fewer is `partial`. */
  allSuites: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** Returns `[label, path]` pairs of what it wrote, for the summary. */
export function publishRun(results: Results, runDir: string, matrix: Matrix, o: PublishOptions): [string, string][] {
  const wrote: [string, string][] = [];
  writeFileSync(join(runDir, 'failures.md'), failuresMarkdown(results));
  // What is written outside the run folder must not change the run's verdict: a problem there is a warning.
  const outside = (what: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      console.warn(`warning: ${what} not written: ${(e as Error).message}`);
    }
  };
  const summaryFile = (o.env ?? process.env).GITHUB_STEP_SUMMARY;
  if (summaryFile) outside(`the step summary ${summaryFile}`, () => appendFileSync(summaryFile, stepSummaryMarkdown(results)));
  packAllureResults(runDir);
  const historyFile = o.historyFile;
  if (historyFile) {
    outside(`the history ${historyFile} and its dashboard`, () => {
      addToHistory(historyFile, [historyEntry(results, matrix)]);
      const d = buildDashboard(historyFile, matrix, join(dirname(historyFile), 'dashboard'), [runDir, ...(o.runDirs ?? [])]);
      wrote.push(['history', historyFile], ['dashboard', d.index]);
    });
  }
  if (o.certify) {
    const c = writeCertificate(runDir, results, o.allSuites);
    wrote.push(['certificate', `${join(runDir, 'certificate.md')} (${c.verdict})`]);
  }
  return wrote;
}
