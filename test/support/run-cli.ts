// Runs the real CLI in a child process (vitest cannot nest inside the self-test's vitest) and returns the
// run's results.json: the self-tests judge the harness by what a user would get.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/matrix/load.ts';
import type { Results } from '../../lib/report/results.ts';

export interface CliRun { code: number; stdout: string; stderr: string; outDir: string; results?: Results }

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 600_000): Promise<CliRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'dhp-run-'));
  // The child must not believe it is a vitest worker of the self-test run.
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(childEnv)) if (/^(VITEST|DHP_|TINYPOOL)/.test(k) || k === 'NODE_OPTIONS') delete childEnv[k];
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), ...args, '--out', outDir], {
    cwd: PROJECT_ROOT,
    env: { ...childEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  clearTimeout(timer);
  const file = join(outDir, 'results.json');
  return { code, stdout, stderr, outDir, results: existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Results) : undefined };
}

/** Capability ids with the given verdicts, sorted: what a fault flips is asserted as an exact set. */
export function idsWith(results: Results | undefined, ...verdicts: string[]): string[] {
  // A run that wrote no results.json must not read as "no capability had these verdicts".
  if (!results) throw new Error('the run wrote no results.json');
  return results.capabilities.filter((c) => verdicts.includes(c.verdict)).map((c) => c.id).sort();
}
