// `dhp-conformance merge <dir>… --out <dir>`: the shards of one run (`run --shard i/n`, same seed, harness, matrix,
// target and suites, one CI job each) become one run folder. results.json is rebuilt from the shards' checks with the
// same builder an unsharded run uses, so a merged run has exactly the verdicts of the unsharded run with that seed;
// the evidence, the Allure results, the search coverage parts and the JUnit suites are carried over.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExpectedGap, Matrix } from '../matrix/types.ts';
import { mergeParts } from '../search/coverage.ts';
import type { CheckRecord } from '../vitest/checks-reporter.ts';
import { ALLURE_DIR, unpackAllureResults } from './allure-pack.ts';
import { writeJunit } from './junit.ts';
import { buildResults, type Results } from './results.ts';
import { writeJsonRecords } from './json-file.ts';

export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

interface Shard { dir: string; results: Results; checks: CheckRecord[]; index: number; of: number }

function readShard(dir: string): Shard {
  const file = join(dir, 'results.json');
  if (!existsSync(file)) throw new MergeError(`${dir} holds no results.json (is it a run folder?)`);
  const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
  const m = /^(\d+)\/(\d+)$/.exec(results.options.shard ?? '');
  if (!m) throw new MergeError(`${dir}: run ${results.runId} is not a shard (it was run without --shard)`);
  const checksFile = join(dir, 'checks.json');
  const checks = existsSync(checksFile) ? (JSON.parse(readFileSync(checksFile, 'utf8')) as CheckRecord[]) : [];
  return { dir, results, checks, index: Number(m[1]), of: Number(m[2]) };
}

/** What must be equal across the shards of one run. */
const identity = (r: Results) => ({
  seed: r.seed, harness: r.harness, matrix: r.matrix, target: { name: r.target.name, profile: r.target.profile, faults: r.target.faults },
  suites: r.options.suites, strictGaps: r.options.strictGaps, searchTypes: r.coverage?.search.selectedTypes ?? null,
});

/** Shard order is not run order: every shard's gap lookups are the same, so the gaps are their union. */
function gapsOf(shards: Shard[]): ExpectedGap[] {
  const seen = new Map<string, ExpectedGap>();
  for (const s of shards) for (const c of s.results.capabilities) if (c.gap) seen.set(JSON.stringify(c.gap), c.gap);
  return [...seen.values()];
}

export function mergeShards(dirs: string[], outDir: string, matrix: Matrix, matrixSha256: string): Results {
  if (!dirs.length) throw new MergeError('merge needs the shards\' run folders');
  const shards = dirs.map(readShard).sort((a, b) => a.index - b.index);
  const first = shards[0]!;
  const id = JSON.stringify(identity(first.results));
  for (const s of shards) {
    if (JSON.stringify(identity(s.results)) !== id) throw new MergeError(`${s.dir}: shard ${s.results.options.shard} is not of the same run as ${first.dir} (seed, harness, matrix, target or suites differ)`);
    if (s.of !== first.of) throw new MergeError(`${s.dir}: shard ${s.results.options.shard} is not one of ${first.of}`);
  }
  const indexes = shards.map((s) => s.index);
  const missing = Array.from({ length: first.of }, (_, i) => i + 1).filter((i) => !indexes.includes(i));
  const twice = indexes.filter((i, k) => indexes.indexOf(i) !== k);
  if (missing.length || twice.length) throw new MergeError(`the shards do not make one run: ${missing.length ? `missing ${missing.map((i) => `${i}/${first.of}`).join(', ')}` : ''}${twice.length ? ` twice ${twice.join(', ')}` : ''}`.trim());
  if (first.results.matrix.sha256 !== matrixSha256) throw new MergeError(`the shards were run with matrix sha256 ${first.results.matrix.sha256}; this checkout's is ${matrixSha256} (check out the harness commit ${first.results.harness.commit ?? '?'} or pass --matrix)`);

  mkdirSync(outDir, { recursive: true });
  for (const s of shards) {
    for (const sub of ['evidence', ALLURE_DIR]) if (existsSync(join(s.dir, sub))) cpSync(join(s.dir, sub), join(outDir, sub), { recursive: true });
    unpackAllureResults(s.dir, outDir);
    const parts = join(s.dir, 'search-coverage.parts');
    if (existsSync(parts)) for (const f of readdirSync(parts)) cpSync(join(parts, f), join(outDir, 'search-coverage.parts', `shard${s.index}-${f}`));
  }
  const checks = shards.flatMap((s) => s.checks);
  writeJsonRecords(join(outDir, 'checks.json'), checks);
  // JUnit carries the verdicts of the merged checks, as an unsharded run's does.
  writeJunit(join(outDir, 'junit.xml'), checks, { strictGaps: first.results.options.strictGaps });

  const r = first.results;
  const selectedTypes = r.coverage?.search.selectedTypes ?? null;
  const searchCoverage = existsSync(join(outDir, 'search-coverage.parts')) ? mergeParts(outDir, matrix, selectedTypes) : undefined;
  const runId = `${r.runId}-merged`;
  const results = buildResults({
    runId, seed: r.seed, harness: r.harness, matrix, matrixSha256, target: r.target, gaps: gapsOf(shards),
    suites: r.options.suites, strictGaps: r.options.strictGaps, startedAt: shards.map((s) => s.results.startedAt).sort()[0]!, checks, searchCoverage,
    // Every shard read the same /metadata and judged the same prerequisites first: the first shard's stand for the run.
    server: r.server, prerequisites: r.prerequisites,
  });
  results.finishedAt = shards.map((s) => s.results.finishedAt).sort().at(-1)!;
  writeJsonRecords(join(outDir, 'results.json'), results);
  const context = join(first.dir, 'context.json');
  if (existsSync(context)) {
    const ctx = JSON.parse(readFileSync(context, 'utf8')) as Record<string, unknown>;
    writeFileSync(join(outDir, 'context.json'), `${JSON.stringify({ ...ctx, runId, runDir: outDir, mergedFrom: shards.map((s) => s.results.runId) }, null, 2)}\n`);
  }
  return results;
}
