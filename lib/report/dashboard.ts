// Builds reports/dashboard/: index.html (one self-contained page), availability.md, a copy of the history, and the
// evidence of each target's latest run (the page's links point there, so the folder works from disk and on Pages).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Matrix } from '../matrix/types.ts';
import { availabilityMarkdown, pageAsOf, readPageRows } from './availability.ts';
import { dashboardModel, type LatestRun } from './dashboard-model.ts';
import { renderDashboard } from './dashboard-html.ts';
import { readHistory } from './history.ts';
import type { Results } from './results.ts';

export interface DashboardBuild { index: string; availability: string; targets: number; bytes: number }

/**
 * `runDirs`: run folders, or folders holding run folders named by run id (reports/runs), where the targets' latest
 * runs may be found; only those are read.
 */
export function buildDashboard(historyFile: string, matrix: Matrix, outDir: string, runDirs: string[]): DashboardBuild {
  const history = readHistory(historyFile);
  const latestIds = [...new Set(new Map(history.map((e) => [e.target, e.runId])).values())];
  const found = new Map<string, { dir: string; results: Results }>();
  const candidates = runDirs.flatMap((d) => [d, ...latestIds.map((id) => join(d, id))]).filter((d) => existsSync(join(d, 'results.json')));
  for (const d of candidates) {
    const results = JSON.parse(readFileSync(join(d, 'results.json'), 'utf8')) as Results;
    if (latestIds.includes(results.runId) && !found.has(results.runId)) found.set(results.runId, { dir: d, results });
  }
  rmSync(join(outDir, 'runs'), { recursive: true, force: true });
  const latest = new Map<string, LatestRun>();
  for (const [runId, { dir, results }] of found) {
    const hrefBase = `runs/${runId}`;
    if (existsSync(join(dir, 'evidence'))) cpSync(join(dir, 'evidence'), join(outDir, hrefBase, 'evidence'), { recursive: true });
    latest.set(runId, { results, hrefBase });
  }
  const asOf = pageAsOf();
  const model = dashboardModel(history, matrix, latest, { rows: readPageRows(), asOf });
  mkdirSync(outDir, { recursive: true });
  const html = renderDashboard(model);
  const index = join(outDir, 'index.html');
  writeFileSync(index, html);
  const availability = join(outDir, 'availability.md');
  writeFileSync(availability, model.targets.map((t) => availabilityMarkdown(t.name, t.availability, asOf)).join('\n'));
  if (existsSync(historyFile)) cpSync(historyFile, join(outDir, 'history.jsonl'));
  return { index, availability, targets: model.targets.length, bytes: Buffer.byteLength(html) };
}
