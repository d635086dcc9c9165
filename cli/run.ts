// `dhp-conformance run`: resolve the target (starting the embedded server when it is the target), run the
// selected suites through vitest, then write results.json, update reports/latest and print the summary.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startVitest } from 'vitest/node';
import { plainContext } from '../lib/checks/context.ts';
import { judgePrerequisites } from '../lib/checks/prerequisites.ts';
import { TransactionFixtures } from '../lib/checks/transactions.ts';
import { FhirClient } from '../lib/client/http.ts';
import { LimiterService, parseConcurrency } from '../lib/client/limiter.ts';
import { loginDriverFromEnv } from '../lib/client/login.ts';
import { registerSecret } from '../lib/client/redact.ts';
import { TokenSource } from '../lib/client/token.ts';
import { tokenEndpointClient } from '../lib/client/token-endpoint.ts';
import { readEnv, unknownDhpVars } from '../lib/config/env.ts';
import { ConfigError, credentialsFromEnv, loginFromEnv, resolveTarget, type Credentials } from '../lib/config/target.ts';
import { factsWarnings, serverFactsOf, type ServerFacts } from '../lib/fhir/server-facts.ts';
import { runTag } from '../lib/fixtures/run-tag.ts';
import { leftoversWarning } from '../lib/fixtures/teardown.ts';
import { WriteFixtures } from '../lib/fixtures/write-fixtures.ts';
import { loadMatrix, PROJECT_ROOT } from '../lib/matrix/load.ts';
import { buildResults, EXIT, type Results } from '../lib/report/results.ts';
import type { PrerequisiteOutcome, RunContext } from '../lib/run/context.ts';
import { writeJunit } from '../lib/report/junit.ts';
import { writeJsonRecords } from '../lib/report/json-file.ts';
import { SUITES } from '../lib/run/suites.ts';
import { packRequestLog } from '../lib/client/request-log.ts';
import ChecksReporter, { type CheckRecord } from '../lib/vitest/checks-reporter.ts';
import { runReporters } from '../lib/vitest/reporters.ts';
import { formatSummary } from '../lib/report/console.ts';
import { publishRun } from '../lib/report/publish.ts';
import { mergeParts, readCoverage } from '../lib/search/coverage.ts';
import { defaultSeed, parseSeed, seedSource } from '../lib/run/seed.ts';
import type { Matrix } from '../lib/matrix/types.ts';
import { startServer, type RunningServer } from '../server/index.ts';
import { parseFaults } from '../server/faults.ts';
import { certifyDecision } from '../lib/report/certificate.ts';


export interface RunOptions {
  target?: string;
  profile?: string;
  suites?: string[];
  strictGaps?: boolean;
  shard?: string;
  faults?: string[];
  outDir?: string;
  matrixFile?: string;
  /** --seed; else DHP_SEED; else derived from the harness version and the matrix sha256. */
  seed?: string;
  /** --concurrency: most requests in flight at once, across every worker of the run (default 32; else DHP_CONCURRENCY). */
  concurrency?: string;
  /** Stack traces and vitest's own reporter (DHP_VERBOSE too). */
  verbose?: boolean;
  /** Write the vendor certificate (always for --target vendor); refused for a target with expected gaps. */
  certify?: boolean;
  /** The history to append to (default reports/history.jsonl; none with --out or --shard unless given). */
  history?: string;
}

function harnessInfo(): Results['harness'] {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch { /* not a git checkout (an unpacked release): the version alone pins the harness */ }
  return { name: pkg.name, version: pkg.version, commit };
}

/** The run's identity, not generated data: unique per run on purpose (the run seed decides every planted value). */
function newRunId(target: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${stamp}-${target.replace(/[^a-z0-9]+/gi, '-').slice(0, 24)}-${randomBytes(2).toString('hex')}`;
}

export async function run(o: RunOptions): Promise<number> {
  const env = readEnv();
  for (const name of unknownDhpVars()) console.warn(`warning: ${name} is not a variable dhp-conformance knows (a typo?): it is ignored; see the README's environment table`);
  const { matrix, file: matrixFile, sha256 } = loadMatrix(o.matrixFile);
  const target = resolveTarget(matrix, { target: o.target, profile: o.profile });
  const suites = o.suites?.length ? o.suites : [...SUITES];
  const unknown = suites.filter((s) => !(SUITES as readonly string[]).includes(s));
  if (unknown.length) throw new ConfigError(`unknown suite ${unknown.join(', ')}; known: ${SUITES.join(', ')}`);
  if (o.shard && !/^\d+\/\d+$/.test(o.shard)) throw new ConfigError('--shard takes i/n, e.g. 1/3');
  if (o.faults?.length && !target.embedded) throw new ConfigError('--fault applies to the embedded target only');
  let faults: ReturnType<typeof parseFaults>;
  try {
    faults = parseFaults(o.faults ?? []);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }

  const concurrency = parseConcurrency(o.concurrency, env.concurrency);

  const harness = harnessInfo();
  let seed: number;
  try {
    seed = o.seed !== undefined ? parseSeed(o.seed) : env.seed ?? defaultSeed(harness.version, sha256);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }

  // The vendor target has no gaps (unless a matrix of one's own gives it some: then it is certified only on request).
  const certify = certifyDecision({ requested: !!o.certify, target: target.name, gaps: target.gaps.length, shard: !!o.shard, profile: target.profile });
  const verbose = !!o.verbose || env.verbose;
  if (verbose) process.env.DHP_VERBOSE = '1';

  const runId = newRunId(target.name === 'local' ? `local-${target.profile}` : target.name);
  const runDir = resolve(o.outDir ?? join(PROJECT_ROOT, 'reports', 'runs', runId));
  mkdirSync(runDir, { recursive: true });
  const startedAt = new Date().toISOString();

  let server: RunningServer | undefined;
  let limiter: LimiterService | undefined;
  if (target.embedded) {
    server = await startServer({ profile: target.profile as 'conformant' | 'playground', faults, quiet: true });
    target.baseUrl = server.baseUrl;
    target.tokenUrl = server.tokenUrl;
    // The embedded server's test client and user reach the workers the way a real target's do: env only.
    Object.assign(process.env, {
      DHP_CLIENT_ID: server.clientId, DHP_CLIENT_SECRET: server.clientSecret,
      DHP_AUTHORIZE_URL: `${server.issuer}/auth`, DHP_PUBLIC_CLIENT_ID: server.publicClient.clientId,
      DHP_REDIRECT_URI: server.publicClient.redirectUri,
      DHP_TEST_USERNAME: server.testUser.username, DHP_TEST_PASSWORD: server.testUser.password,
    });
    console.log(`embedded reference server (profile ${target.profile}${server.faults.length ? `, faults ${server.faults.join(', ')}` : ''}) at ${server.baseUrl}`);
  }
  try {
    const credentials = credentialsFromEnv();
    if (!credentials) throw new ConfigError(`target "${target.name}" needs DHP_CLIENT_ID and DHP_CLIENT_SECRET in the environment (see .env.example)`);
    registerSecret(credentials.clientSecret);
    registerSecret(readEnv().login.password);
    const facts = await preflight(target.baseUrl!, target.tokenUrl!, target.clientAuth, credentials);
    // Said once for the whole run, not in every reason.
    for (const w of factsWarnings(facts, `${target.baseUrl}/metadata`)) console.warn(`warning: ${w}`);

    const tag = runTag(runId);
    const prerequisites = await judgeFirst(matrix, { baseUrl: target.baseUrl!, tokenUrl: target.tokenUrl!, clientAuth: target.clientAuth, name: target.name, readOnly: target.readOnly }, credentials, { facts, tag, seed, runId, suites });
    const ctx: RunContext = {
      runId, runDir, matrixFile, strictGaps: !!o.strictGaps, startedAt, tag, seed, server: facts, prerequisites,
      target: { ...target, baseUrl: target.baseUrl!, tokenUrl: target.tokenUrl! },
    };
    writeFileSync(join(runDir, 'context.json'), `${JSON.stringify(ctx, null, 2)}\n`);
    process.env.DHP_RUN_CONTEXT = join(runDir, 'context.json');
    process.env.DHP_RUN_DIR = runDir;

    console.log(`run ${runId}: target ${target.name} (${target.baseUrl})${target.readOnly ? ' read-only' : ''}, suites ${suites.join(', ')}, seed ${seed} (replay: --seed ${seed}), at most ${concurrency} requests in flight`);
    // One limit for the whole run: every worker's client asks this process for a permit (lib/client/limiter.ts).
    limiter = await LimiterService.start(concurrency);
    Object.assign(process.env, { DHP_LIMITER: limiter.address, DHP_CONCURRENCY: String(concurrency) });
    const suiteOf = new Map(matrix.capabilities.map((c) => [c.id, c.suite]));
    const vitest = await startVitest('test', suites.map((s) => `suites/${s}`), {
      root: PROJECT_ROOT, run: true, watch: false, project: ['conformance'],
      shard: o.shard, passWithNoTests: true,
      ...workerOptions(env.workers),
      reporters: [...runReporters(runDir, { verbose, suiteOf: (id) => suiteOf.get(id) }), new ChecksReporter(runDir)],
    });
    await vitest.close();
    writeFileSync(join(runDir, 'limiter.json'), `${JSON.stringify(limiter.semaphore.stats(), null, 2)}\n`);
    packRequestLog(join(runDir, 'requests'));

    const checksFile = join(runDir, 'checks.json');
    const checks = existsSync(checksFile) ? (JSON.parse(readFileSync(checksFile, 'utf8')) as CheckRecord[]) : [];
    writeJunit(join(runDir, 'junit.xml'), checks, { strictGaps: !!o.strictGaps });
    const partial = readCoverage(runDir);
    const searchCoverage = partial && mergeParts(runDir, matrix, partial.selectedTypes);
    const results = buildResults({
      runId, seed, harness, matrix, matrixSha256: sha256,
      target: { name: target.name, baseUrl: target.baseUrl!, profile: target.profile, readOnly: target.readOnly, embedded: target.embedded, faults: server?.faults },
      gaps: target.gaps, suites, strictGaps: !!o.strictGaps, shard: o.shard, startedAt, checks, searchCoverage,
      server: facts, prerequisites,
    });
    writeJsonRecords(join(runDir, 'results.json'), results);
    const wrote = publishRun(results, runDir, matrix, {
      // A shard is part of a run: its merge goes into the history, not the shard.
      historyFile: o.history ?? (o.outDir || o.shard ? undefined : join(PROJECT_ROOT, 'reports', 'history.jsonl')),
      runDirs: [join(PROJECT_ROOT, 'reports', 'runs')], certify, allSuites: SUITES,
    });
    if (!o.outDir) publishLatest(runDir);
    console.log(formatSummary(results, runDir, wrote).join('\n'));
    return results.exitCode;
  } finally {
    await limiter?.close();
    await server?.close();
  }
}

/**
 * Two workers (DHP_WORKERS) that each load the harness once (isolate: false) measured cheapest: every extra worker
 * costs its own module graph in CPU and memory, and concurrent checks within a file already hide the latency (how
 * many run at once per worker is the conformance project's maxConcurrency in vitest.config.ts). A concurrent check's
 * duration includes its wait for a permit, so vitest's "slow test" lines (300 ms) would list nearly every check.
 */
function workerOptions(workers: number): { maxWorkers: number; isolate: boolean; slowTestThreshold: number } {
  return { maxWorkers: workers, isolate: false, slowTestThreshold: 30_000 };
}

/**
 * Fails fast, with a clear message, when the target cannot be reached or will not give the harness a token; reads
 * /metadata, the one time a run does, for the server's facts.
 */
async function preflight(baseUrl: string, tokenUrl: string, clientAuth: 'client_secret_post' | 'client_secret_basic', credentials: Credentials): Promise<ServerFacts> {
  const anon = new FhirClient({ baseUrl, timeoutMs: 15_000, maxRetries: 1 });
  let facts: ServerFacts;
  try {
    const res = await anon.request('GET', 'metadata', { auth: false, accept: 'any' });
    facts = serverFactsOf(res.status, res.headers['content-type'], res.body);
  } catch (e) {
    throw new ConfigError(`cannot reach the target at ${baseUrl}: ${(e as Error).message}`);
  } finally {
    await anon.close();
  }
  try {
    await new TokenSource({ tokenUrl, clientAuth, ...credentials }).get();
  } catch (e) {
    throw new ConfigError(`${(e as Error).message} — check DHP_CLIENT_ID / DHP_CLIENT_SECRET (and DHP_CLIENT_AUTH=basic if the server wants HTTP Basic)`);
  }
  return facts;
}

/**
 * Root causes first: judges the matrix's prerequisite capabilities before any suite runs (their probes create what
 * they need with the run tag and delete it again), prints what failed, and returns the outcomes for the workers.
 */
async function judgeFirst(
  matrix: Matrix, target: { baseUrl: string; tokenUrl: string; clientAuth: 'client_secret_post' | 'client_secret_basic'; name: string; readOnly: boolean },
  credentials: Credentials, run: { facts: ServerFacts; tag: { system: string; code: string }; seed: number; runId: string; suites: string[] },
): Promise<Record<string, PrerequisiteOutcome>> {
  const { timeoutMs } = readEnv();
  const tokens = new TokenSource({ tokenUrl: target.tokenUrl, clientAuth: target.clientAuth, ...credentials });
  const client = new FhirClient({ baseUrl: target.baseUrl, token: () => tokens.get(), timeoutMs, connections: 4 });
  const anonymous = new FhirClient({ baseUrl: target.baseUrl, timeoutMs, connections: 2 });
  const sso = tokenEndpointClient(target.tokenUrl, anonymous);
  const seeds = seedSource(run.seed, run.runId);
  const fx = new WriteFixtures(client, run.tag, seeds);
  try {
    const outcomes = await judgePrerequisites(matrix, plainContext(client, anonymous, seeds), {
      facts: run.facts, fx, tx: new TransactionFixtures(fx),
      auth: { targetName: target.name, tokenUrl: target.tokenUrl, sso, tag: run.tag, credentials, token: () => tokens.get(), login: loginFromEnv(), driver: () => loginDriverFromEnv() },
    }, { readOnly: target.readOnly, suites: run.suites });
    const failed = Object.entries(outcomes).filter(([, x]) => x.verdict === 'fail' || x.verdict === 'error');
    console.log(`prerequisites judged first: ${Object.keys(outcomes).length}${failed.length ? `, ${failed.length} failed — what depends on them is reported blocked:` : ', none failed'}`);
    for (const [id, x] of failed) console.log(`  ✗ ${id} [${x.verdict}] ${x.reason?.split('\n')[0]?.slice(0, 200) ?? ''}`);
    return outcomes;
  } finally {
    const warning = leftoversWarning(target.readOnly ? [] : await fx.created.deleteAll(client, matrix));
    if (warning) console.warn(warning);
    if (sso !== anonymous) await sso.close();
    await Promise.all([client.close(), anonymous.close()]);
  }
}

function publishLatest(runDir: string): void {
  const latest = join(PROJECT_ROOT, 'reports', 'latest');
  rmSync(latest, { recursive: true, force: true });
  cpSync(runDir, latest, { recursive: true });
}

export { EXIT };
