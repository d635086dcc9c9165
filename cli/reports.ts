// The report commands: merge (shards → one run), history import, dashboard, verify (a certificate) and report (Allure).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../lib/config/target.ts';
import { loadMatrix, PROJECT_ROOT } from '../lib/matrix/load.ts';
import { ALLURE_DIR, ALLURE_PACK, unpackAllureResults } from '../lib/report/allure-pack.ts';
import { formatSummary } from '../lib/report/console.ts';
import { buildDashboard } from '../lib/report/dashboard.ts';
import { importRuns, runFolders } from '../lib/report/history.ts';
import { mergeShards } from '../lib/report/merge.ts';
import { publishRun } from '../lib/report/publish.ts';
import { EXIT } from '../lib/report/results.ts';
import { verifyCertificate } from '../lib/report/certificate.ts';
import { SUITES } from '../lib/run/suites.ts';
import { certifyDecision } from '../lib/report/certificate.ts';

const REPORTS = join(PROJECT_ROOT, 'reports');
const DEFAULT_HISTORY = join(REPORTS, 'history.jsonl');

export function mergeCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args, strict: true, allowPositionals: true,
    options: { out: { type: 'string' }, history: { type: 'string' }, certify: { type: 'boolean' }, matrix: { type: 'string' } },
  });
  if (!values.out || !positionals.length) throw new ConfigError('usage: dhp-conformance merge <shard-dir>… --out <dir> [--history <file>] [--certify]');
  const { matrix, sha256 } = loadMatrix(values.matrix);
  const out = resolve(values.out);
  const results = mergeShards(positionals.map((p) => resolve(p)), out, matrix, sha256);
  const certify = certifyDecision({ requested: !!values.certify, target: results.target.name, gaps: results.capabilities.filter((c) => c.gap).length });
  const wrote = publishRun(results, out, matrix, { historyFile: values.history && resolve(values.history), runDirs: [join(REPORTS, 'runs')], certify, allSuites: SUITES });
  console.log(`merged ${positionals.length} shards into ${out}`);
  console.log(formatSummary(results, out, wrote).join('\n'));
  return results.exitCode;
}

export function historyCommand(args: string[]): number {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw new ConfigError('usage: dhp-conformance history import <run-dir>… [--history <file>]');
  const { values, positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: { history: { type: 'string' } } });
  if (!positionals.length) throw new ConfigError('history import needs run folders (or folders holding them, e.g. downloaded artifacts)');
  const file = resolve(values.history ?? DEFAULT_HISTORY);
  const { matrix } = loadMatrix();
  const dirs = positionals.flatMap((p) => runFolders(resolve(p)));
  const { imported, total } = importRuns(file, dirs, matrix);
  const d = buildDashboard(file, matrix, join(dirname(file), 'dashboard'), [...dirs, join(REPORTS, 'runs')]);
  console.log(`imported ${imported.length} runs into ${file} (${total} in all); dashboard ${d.index}`);
  return EXIT.conformant;
}

export function dashboardCommand(args: string[]): number {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { history: { type: 'string' }, out: { type: 'string' } } });
  const file = resolve(values.history ?? DEFAULT_HISTORY);
  if (!existsSync(file)) throw new ConfigError(`no history at ${file}: run the suites first, or \`dhp-conformance history import <dir>\``);
  const out = resolve(values.out ?? join(dirname(file), 'dashboard'));
  const dirs = positionals.flatMap((p) => runFolders(resolve(p)));
  const d = buildDashboard(file, loadMatrix().matrix, out, [...dirs, join(REPORTS, 'runs')]);
  console.log(`dashboard: ${d.index} (${d.targets} targets, ${(d.bytes / 1024).toFixed(0)} KiB); ${d.availability}`);
  return EXIT.conformant;
}

export function verifyCommand(args: string[]): number {
  const { positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new ConfigError('usage: dhp-conformance verify <run-dir>');
  const v = verifyCertificate(resolve(positionals[0]!));
  const c = v.certificate;
  if (c) console.log(`certificate ${c.runId}: ${c.verdict} — target ${c.target.name} (${c.target.baseUrl}), harness ${c.harness.version}${c.harness.commit ? ` @ ${c.harness.commit.slice(0, 12)}` : ''}, matrix ${c.matrix.version}, seed ${c.seed}`);
  for (const p of v.problems) console.log(`  ✗ ${p}`);
  if (v.notCovered.length) console.log(`  note: ${v.notCovered.length} files added after the certificate are not covered by it (${v.notCovered.slice(0, 5).join(', ')}${v.notCovered.length > 5 ? ', …' : ''})`);
  console.log(v.ok ? `verified: ${Object.keys(c!.files).length} files match the certificate (content sha256 ${c!.contentSha256})` : 'NOT VERIFIED');
  return v.ok ? EXIT.conformant : EXIT.failures;
}

/** `npm run report [-- <run-dir>]`: the Allure 3 report of a run as one HTML file (allurerc.mjs: awesome, singleFile). */
export function reportCommand(args: string[]): number {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { out: { type: 'string' } } });
  const runDir = resolve(positionals[0] ?? join(REPORTS, 'latest'));
  let results = join(runDir, ALLURE_DIR);
  let tmp: string | undefined;
  if (!existsSync(results)) {
    tmp = mkdtempSync(join(tmpdir(), 'dhp-allure-'));
    if (!unpackAllureResults(runDir, tmp)) throw new ConfigError(`no ${ALLURE_PACK} (or ${ALLURE_DIR}/) in ${runDir}: run the suites first`);
    results = join(tmp, ALLURE_DIR);
  }
  const out = resolve(values.out ?? join(runDir, 'allure-report'));
  const name = existsSync(join(runDir, 'results.json')) ? (JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as { runId: string }).runId : 'run';
  // The local CLI, never `npx allure` (which would look the name up in the registry when it is not installed).
  const cli = join(PROJECT_ROOT, 'node_modules', 'allure', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'generate', results, '--config', join(PROJECT_ROOT, 'allurerc.mjs'), '--output', out, '--report-name', `dhp-conformance ${name}`], { stdio: 'inherit', cwd: PROJECT_ROOT });
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  if (r.status !== 0) return EXIT.failures;
  // Allure's page loads Google Analytics when opened (hard-wired in its template): a conformance report of a vendor's
  // server opens offline and tells no one.
  const index = join(out, 'index.html');
  writeFileSync(index, withoutAnalytics(readFileSync(index, 'utf8')));
  console.log(`allure report: ${index} (one file)`);
  return EXIT.conformant;
}

/** The report page without the analytics scripts Allure's template adds (the loader and its gtag configuration). */
function withoutAnalytics(html: string): string {
  return html.replace(/<script async src="https:\/\/www\.googletagmanager\.com\/[^"]*"><\/script>\s*<script>[\s\S]*?gtag\('config'[\s\S]*?<\/script>/g, '');
}
