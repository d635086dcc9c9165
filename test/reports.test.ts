// The reports as their three audiences get them, from real CLI runs against the reference server (search restricted to
// a few types to stay quick): the rollout dashboard over three runs (conformant, playground, conformant) rendered in
// Chromium; two shards merged giving the verdicts of the unsharded run with the same seed; the certificate verifying
// and failing after a one-byte edit; a server with hundreds of failing checks printing a short console; and a secret
// planted as the client secret appearing in no file any of it wrote.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../lib/matrix/load.ts';
import { verifyCertificate } from '../lib/report/certificate.ts';
import { MAX_CONSOLE_ITEMS } from '../lib/report/console.ts';
import { readHistory } from '../lib/report/history.ts';
import type { CheckRecord } from '../lib/vitest/checks-reporter.ts';
import { chromiumMissing, withChromium } from './support/chromium.ts';
import { filesUnder, findLeaks, readableText } from './support/leak-scan.ts';
import { runCli, type CliRun } from './support/run-cli.ts';

const PLANTED = 'planted-client-secret-4f9a1c7e2b';
const root = mkdtempSync(join(tmpdir(), 'dhp-reports-'));
const history = join(root, 'rollout', 'history.jsonl');
const failingHistory = join(root, 'failing', 'history.jsonl');
const stepSummary = join(root, 'step-summary.md');
const SUITES = ['--suite', 'availability,search'];
const env = { DHP_SEARCH_TYPES: 'Specimen', DHP_CLIENT_SECRET: PLANTED };

const timed = async (label: string, args: string[], e: NodeJS.ProcessEnv) => {
  const t0 = Date.now();
  const r = await runCli(args, e);
  console.log(`[self-test] ${label}: exit ${r.code} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
};

/** Started by the first test that needs it, shared by the others (the tests run concurrently). */
const once = <T>(f: () => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};

// The three rollout runs in order (the history is in run order); the shards and the failing server beside them.
const rollout = once(async () => {
  const out: CliRun[] = [];
  for (const [profile, extra] of [['conformant', []], ['playground', []], ['conformant', ['--certify']]] as const) {
    out.push(await timed(`rollout ${profile}`, ['run', '--profile', profile, ...SUITES, '--history', history, ...extra], env));
  }
  return out;
});
const shards = once(() => Promise.all([1, 2].map((i) => timed(`shard ${i}/2`, ['run', '--profile', 'conformant', ...SUITES, '--shard', `${i}/2`], env))));
const failing = once(() => timed('failing server', ['run', '--profile', 'conformant', '--suite', 'search', '--fault', 'date-boundary', '--fault', 'token-system-ignored', '--history', failingHistory], {
  DHP_SEARCH_TYPES: 'AllergyIntolerance,Encounter,MedicationRequest,Questionnaire,Condition', DHP_CLIENT_SECRET: PLANTED, GITHUB_STEP_SUMMARY: stepSummary,
}));
const merge = once(() => shards().then(([a, b]) => timed('merge', ['merge', a!.outDir, b!.outDir], {})));

/** A command that takes no --out (runCli adds one). */
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
const verdicts = (r: CliRun) => Object.fromEntries(r.results!.capabilities.map((c) => [c.id, c.verdict]));
const bytesUnder = (dir: string) => filesUnder(dir).reduce((n, f) => n + statSync(f).size, 0);

// Under load (2 cores shared) a run can take a minute or more: the tests wait for theirs.
describe.concurrent('reports for the three audiences', { timeout: 600_000 }, () => {
  test('three runs (conformant, playground, conformant) make a history and a dashboard in which the playground gaps open and close', async () => {
    const runs = await rollout();
    for (const r of runs) expect(r.code, r.stdout + r.stderr).toBe(0);
    const h = readHistory(history);
    // The playground's 7: the four endpoints not enabled, Specimen:collected unfiltered, Specimen:status :in/:not-in (AV5).
    expect(h.map((e) => [e.profile, e.verdicts['expected-gap']?.length ?? 0])).toEqual([['conformant', 0], ['playground', 7], ['conformant', 0]]);
    const html = readFileSync(join(dirname(history), 'dashboard', 'index.html'), 'utf8');
    expect(html).toContain('endpoint:AuditEvent');
    expect(html).toMatch(/opened \d{4}-\d\d-\d\d → closed \d{4}-\d\d-\d\d/);
    const md = readFileSync(join(dirname(history), 'dashboard', 'availability.md'), 'utf8');
    expect(md).toMatch(/\| AV1 \| endpoints \| not yet enabled \| \*\*live \(4 of \d+ measured\)\*\* \|.*\| \d{4}-\d\d-\d\d \(was gap \(4 of \d+ measured\)\) \|/);
  });

  test('history import rebuilds the same history from the run folders (as downloaded artifacts nest them); dashboard rebuilds the page', async () => {
    const runs = await rollout();
    const downloads = mkdtempSync(join(tmpdir(), 'dhp-artifacts-'));
    runs.forEach((r, i) => cpSync(r.outDir, join(downloads, `nightly-${i}`, 'reports', 'latest'), { recursive: true }));
    const rebuilt = join(mkdtempSync(join(tmpdir(), 'dhp-history-')), 'history.jsonl');
    const imported = cli(['history', 'import', downloads, '--history', rebuilt]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported 3 runs/);
    expect(readHistory(rebuilt)).toEqual(readHistory(history));
    const again = cli(['dashboard', '--history', rebuilt, downloads]);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(dirname(rebuilt), 'dashboard', 'index.html'), 'utf8')).toMatch(/opened \d{4}-\d\d-\d\d → closed/);
  });

  test.skipIf(!!chromiumMissing)(`the dashboard renders in Chromium from disk, with no network: grid, timeline, availability table, cell details with reason and evidence${chromiumMissing ? ` — SKIPPED: ${chromiumMissing}` : ''}`, async () => {
    const [, , third] = await rollout();
    const bad = await failing();
    await withChromium(async (ctx, network) => {
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`file://${join(dirname(history), 'dashboard', 'index.html')}`);
      expect(await page.locator('table.grid:not(.protocol) a.cell').count()).toBeGreaterThan(100);
      expect(await page.locator('table.timeline tr.gap.closed').count()).toBe(7);
      expect(await page.locator('table.timeline tr.gap.open').count()).toBe(0);
      expect(await page.locator('table.availability tbody tr').count()).toBeGreaterThanOrEqual(4);
      expect(await page.locator('table.availability tr.av-live').count()).toBeGreaterThanOrEqual(2);
      await page.locator('a.cell[href="#t0/AuditEvent%7Cendpoint"]').click();
      expect(await page.locator('#t0-detail').innerText()).toContain('endpoint:AuditEvent');
      await page.selectOption('#f-verdict', 'not-run');
      expect(await page.locator('table.grid:not(.protocol) tbody tr:not(.hidden)').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(third!.outDir, 'dashboard.png'), fullPage: true });

      // The failing server's dashboard: a failing cell's detail names the reason and links evidence that is there.
      const dash = join(dirname(failingHistory), 'dashboard', 'index.html');
      await page.goto(`file://${dash}#t0/Condition%7Csearch`);
      const detail = page.locator('#t0-detail');
      expect(await detail.innerText()).toMatch(/search:Condition:\S+ fail[\s\S]*wrong: the search filtered, incorrectly/);
      const hrefs = await detail.locator('a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect(existsSync(join(dirname(dash), decodeURI(href))), href).toBe(true);
      await page.screenshot({ path: join(bad.outDir, 'dashboard.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(network).toEqual([]);
    });
    expect(statSync(join(third!.outDir, 'dashboard.png')).size).toBeGreaterThan(10_000);
  });

  test('two shards merged give exactly the verdicts of the unsharded run with the same seed', async () => {
    const [a, b] = await shards();
    const [unsharded] = await rollout();
    const m = await merge();
    expect([a!.results!.seed, b!.results!.seed, m.results!.seed]).toEqual([unsharded!.results!.seed, unsharded!.results!.seed, unsharded!.results!.seed]);
    // Each shard ran part of it; together, all of it.
    expect(a!.results!.summary.pass).toBeGreaterThan(0);
    expect(b!.results!.summary.pass).toBeGreaterThan(0);
    expect(verdicts(m)).toEqual(verdicts(unsharded!));
    expect(m.code).toBe(unsharded!.code);
    const checks = (dir: string) => (JSON.parse(readFileSync(join(dir, 'checks.json'), 'utf8')) as CheckRecord[]).map((c) => `${c.capability} ${c.verdict}`).sort();
    expect(checks(m.outDir)).toEqual(checks(unsharded!.outDir));
    expect(readFileSync(join(m.outDir, 'junit.xml'), 'utf8').match(/<testcase /g)?.length).toBe(readFileSync(join(unsharded!.outDir, 'junit.xml'), 'utf8').match(/<testcase /g)?.length);
    expect(m.results!.coverage?.search.total).toEqual(unsharded!.results!.coverage?.search.total);
    expect(existsSync(join(m.outDir, 'allure-results.tgz'))).toBe(true);
  });

  test('the certificate verifies; a one-byte edit of any file in the folder fails verification', async () => {
    const [, , certified] = await rollout();
    const dir = certified!.outDir;
    const cert = JSON.parse(readFileSync(join(dir, 'certificate.json'), 'utf8'));
    expect(cert).toMatchObject({ verdict: 'partial', seed: certified!.results!.seed, matrix: certified!.results!.matrix, harness: certified!.results!.harness });
    expect(cert.files['results.json']).toMatch(/^[0-9a-f]{64}$/);
    const ok = cli(['verify', dir]);
    expect(ok.status, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/verified: \d+ files match the certificate/);
    const covered = filesUnder(dir).filter((f) => !f.endsWith('.png'));
    expect(covered.length).toBeGreaterThan(6);
    for (const f of covered) {
      const copy = mkdtempSync(join(tmpdir(), 'dhp-cert-edit-'));
      cpSync(dir, copy, { recursive: true });
      const target = join(copy, relative(dir, f));
      const bytes = readFileSync(target);
      bytes[bytes.length >> 1] ^= 0x20;
      writeFileSync(target, bytes);
      expect(verifyCertificate(copy).ok, relative(dir, f)).toBe(false);
    }
    const edited = mkdtempSync(join(tmpdir(), 'dhp-cert-edit-'));
    cpSync(dir, edited, { recursive: true });
    writeFileSync(join(edited, 'results.json'), readFileSync(join(dir, 'results.json'), 'utf8').replace('"pass"', '"fail"'));
    const bad = cli(['verify', edited]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('results.json was changed');
    // Certifying a target with expected gaps is refused up front.
    const refused = await runCli(['run', '--profile', 'playground', '--certify']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/has \d+ expected gaps, so it cannot be certified/);
  });

  test('a server with hundreds of failing checks: under 2,000 console lines, one group per root cause, everything in failures.md, under 15 MB', async () => {
    const r = await failing();
    const checks = JSON.parse(readFileSync(join(r.outDir, 'checks.json'), 'utf8')) as CheckRecord[];
    const failed = checks.filter((c) => c.verdict === 'fail');
    const lines = (r.stdout + r.stderr).split('\n');
    const mb = bytesUnder(r.outDir) / 1e6;
    console.log(`[self-test] failing server: ${failed.length} failing checks, ${r.results!.summary.fail} failing capabilities, ${lines.length} console lines, ${mb.toFixed(2)} MB written`);
    expect(r.code).toBe(1);
    expect(failed.length).toBeGreaterThanOrEqual(200);
    expect(lines.length).toBeLessThan(2000);
    expect(lines.filter((l) => l.includes('✗')).length).toBeLessThanOrEqual(MAX_CONSOLE_ITEMS);
    expect(r.stdout).not.toMatch(/\n\s+at .*\.ts:\d+/);
    expect(r.stdout).toMatch(/\n {2}search +\d+\/\d+ checks +\d+ failing so far +running \d+ s\n/);
    expect(r.stdout).toMatch(/\n {2}search +(\d+)\/\1 checks +\d+ failing +done \d+ s\n/);
    expect(r.stdout).toMatch(/● fail: wrong: the search filtered, incorrectly \[system\|code\] — \d+ capabilities/);
    expect(r.stdout).toMatch(/● fail: wrong: the search filtered, incorrectly \[gt\] — \d+ capabilities/);
    const md = readFileSync(join(r.outDir, 'failures.md'), 'utf8');
    for (const c of r.results!.capabilities.filter((x) => x.verdict === 'fail')) expect(md).toContain(`\`${c.id}\``);
    expect(readFileSync(stepSummary, 'utf8')).toMatch(/## dhp-conformance: failures — local \(conformant\)/);
    expect(mb).toBeLessThan(15);
    // Evidence only for verdicts that are not pass: one file per failing check at most, the bodies shared.
    expect(filesUnder(join(r.outDir, 'evidence')).filter((f) => f.endsWith('.json') || f.endsWith('.json.gz')).length).toBeLessThanOrEqual(checks.filter((c) => c.verdict !== 'pass').length);
  });

  test('npm run report: the Allure report as one HTML file that opens offline, with capability, suite, severity and evidence', async () => {
    const [, playground] = await rollout();
    const out = mkdtempSync(join(tmpdir(), 'dhp-allure-report-'));
    const r = cli(['report', playground!.outDir, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/googletagmanager|<script[^>]+src="http/);
    // The single file carries the report's data files inline, base64.
    const data = [...html.matchAll(/d\("(data\/[^"]+)","([A-Za-z0-9+/=]+)"\)/g)].map(([, path, b64]) => [path!, Buffer.from(b64!, 'base64').toString('utf8')] as const);
    const results = data.filter(([p]) => p.startsWith('data/test-results/')).map(([, t]) => JSON.parse(t) as { labels: { name: string; value: string }[] });
    const gap = results.find((t) => t.labels.some((l) => l.name === 'capability' && l.value === 'endpoint:AuditEvent'))!;
    expect(gap.labels).toEqual(expect.arrayContaining([{ name: 'epic', value: 'availability' }, { name: 'severity', value: 'critical' }]));
    expect(data.filter(([p]) => p.startsWith('data/attachments/')).map(([, t]) => t).join('\n')).toContain('"capability": "endpoint:AuditEvent"');
    expect(findLeaks(data.map(([p, t]) => [p, t]), [['the planted client secret', PLANTED]])).toEqual([]);
  });

  test('the planted client secret, tokens and codes appear in no file any of it wrote, nor on the console', async () => {
    const runs = [...(await rollout()), ...(await shards()), await failing(), await merge()];
    const texts: [string, string][] = runs.flatMap((r) => [['stdout', r.stdout], ['stderr', r.stderr], ...filesUnder(r.outDir).filter((f) => !f.endsWith('.png')).map((f): [string, string] => [f, readableText(f)])]);
    for (const dir of [dirname(history), dirname(failingHistory)]) texts.push(...filesUnder(dir).map((f): [string, string] => [f, readableText(f)]));
    texts.push([stepSummary, readFileSync(stepSummary, 'utf8')]);
    const where = texts.map(([w]) => w);
    // Not vacuous: the history, the dashboard, the certificate, the packed Allure results and stored bodies were read.
    for (const f of ['history.jsonl', 'index.html', 'availability.md', 'certificate.json', 'certificate.html', 'allure-results.tgz', '.txt.gz']) expect(where.some((w) => w.endsWith(f)), f).toBe(true);
    expect(texts.some(([, t]) => t.includes('[REDACTED]'))).toBe(true);
    expect(findLeaks(texts, [['the planted client secret', PLANTED]])).toEqual([]);
  });
});
