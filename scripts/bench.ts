// `npm run bench`: how fast a full run is at a distance. Starts the reference server (conformant profile) in its own
// process with --latency 0, then --latency 100, runs the full suite against it over HTTP as a URL target, and
// prints one row per latency: wall time, requests sent, requests/s, harness CPU per request, peak RSS of the
// harness's process tree, and wall time / critical-path bound (lib/run/critical-path.ts: the longest chain of
// dependent round trips × the latency), then the ratio of the two wall times. Writes reports/bench.json.
//
// Harness CPU is user+system time of the `run` process and every process it started (vitest workers), read from
// /proc/self/stat (cutime/cstime) around it while the server, a sibling, is still running; peak RSS sums VmRSS
// over the harness's process tree sampled every 100 ms. Linux only (/proc). Not part of npm test.
//
//   npm run bench [-- --latency 0,100] [--concurrency <n>] [--repeat <k>]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readRequestLog } from '../lib/client/request-log.ts';
import { PROJECT_ROOT } from '../lib/matrix/load.ts';
import { criticalPath } from '../lib/run/critical-path.ts';

interface Row {
  latencyMs: number;
  concurrency: string;
  wallS: number;
  exitCode: number;
  outcome?: string;
  requests: number;
  requestsPerS: number;
  harnessCpuS: number;
  /** The reference server's CPU over the same run (it shares the cores). */
  serverCpuS: number;
  cpuPerRequestMs: number;
  peakRssMb: number;
  criticalPath: number;
  boundS: number | null;
  wallOverBound: number | null;
  criticalSteps: string[];
  /** CPU seconds of the CLI process and of each worker (last sample before it exited). */
  cpuByProcess: { main: number; workers: number[] };
  limiter?: unknown;
  load: { before: number[]; after: number[] };
}

const TARGETS = { wall0S: 45, wall100S: 90, wallOverBound100: 1.5, cpuPerRequestMs: 1, peakRssMb: 1536 };
const TICK = 100; // Linux USER_HZ: /proc times are in 1/100 s.

/** User+system CPU seconds a running process has used so far. */
function cpuOfS(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK;
}

function childrenCpuS(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 3; cutime and cstime are fields 16 and 17.
  return (Number(f[13]) + Number(f[14])) / TICK;
}

/** Last seen user+system CPU seconds of every process of the tree (a process's total, minus its last < 100 ms). */
const cpuSeen = new Map<number, { role: string; cpuS: number }>();

/** Sum of VmRSS over `root` and its descendants, in MB; also notes each process's CPU so far. */
function treeRssMb(root: number): number {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const inTree = (pid: number): boolean => { for (let p: number | undefined = pid, n = 0; p && n < 64; p = parent.get(p), n++) if (p === root) return true; return false; };
  let kb = 0;
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue;
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const role = pid === root ? 'main' : 'worker';
      cpuSeen.set(pid, { role, cpuS: (Number(f[11]) + Number(f[12])) / TICK });
    } catch { /* gone */ }
  }
  return kb / 1024;
}

const node = (args: string[], env: NodeJS.ProcessEnv, stdio: 'pipe' | 'ignore' = 'pipe'): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', stdio, stdio] });

function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DHP_|VITEST|TINYPOOL)/.test(k) && k !== 'NODE_OPTIONS'));
}

interface Server { proc: ChildProcess; base: string; token: string; creds: Record<string, string> }

async function startServer(latencyMs: number): Promise<Server> {
  const proc = node(['serve', '--profile', 'conformant', '--port', '0', '--latency', String(latencyMs)], cleanEnv());
  let out = '';
  const field = (label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(out)?.[1];
  await new Promise<void>((ok, ko) => {
    const timer = setTimeout(() => ko(new Error(`the reference server did not start: ${out}`)), 60_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      if (/public client:.*\n/.test(out) && /profile:/.test(out)) { clearTimeout(timer); ok(); }
    });
    proc.on('exit', (c) => ko(new Error(`the reference server exited (${c}): ${out}`)));
  });
  const base = field('FHIR base URL')!;
  const user = /test user:\s+(\S+) \/ (\S+)/.exec(out)!;
  const pub = /public client:\s+(\S+) \(redirect_uri (\S+)\)/.exec(out)!;
  const origin = new URL(base).origin;
  return {
    proc, base, token: field('Token URL')!,
    creds: {
      DHP_CLIENT_ID: field('client_id')!, DHP_CLIENT_SECRET: field('client_secret')!,
      DHP_AUTHORIZE_URL: `${origin}/oauth/auth`, DHP_PUBLIC_CLIENT_ID: pub[1]!, DHP_REDIRECT_URI: pub[2]!,
      DHP_TEST_USERNAME: user[1]!, DHP_TEST_PASSWORD: user[2]!,
    },
  };
}

async function benchOne(latencyMs: number, concurrency: string | undefined): Promise<Row> {
  const server = await startServer(latencyMs);
  const out = mkdtempSync(join(tmpdir(), 'dhp-bench-'));
  try {
    const load = { before: loadavg().map((x) => Math.round(x * 100) / 100), after: [] as number[] };
    const cpu0 = childrenCpuS();
    const serverCpu0 = cpuOfS(server.proc.pid!);
    const t0 = Date.now();
    const args = ['run', '--target', server.base, '--out', out, ...(concurrency ? ['--concurrency', concurrency] : [])];
    const harness = node(args, { ...cleanEnv(), DHP_TOKEN_URL: server.token, ...server.creds }, 'ignore');
    let peak = 0;
    cpuSeen.clear();
    const sampler = setInterval(() => { peak = Math.max(peak, treeRssMb(harness.pid!)); }, 100);
    const exitCode = await new Promise<number>((ok) => harness.on('exit', (c) => ok(c ?? -1)));
    clearInterval(sampler);
    const wallS = (Date.now() - t0) / 1000;
    const harnessCpuS = childrenCpuS() - cpu0;
    const serverCpuS = cpuOfS(server.proc.pid!) - serverCpu0;
    load.after = loadavg().map((x) => Math.round(x * 100) / 100);

    const { requests, scopes } = readRequestLog(join(out, 'requests'));
    const cp = criticalPath(requests, scopes);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { outcome: string };
    const boundS = latencyMs > 0 ? (cp.length * latencyMs) / 1000 : null;
    let limiter: unknown;
    try { limiter = JSON.parse(readFileSync(join(out, 'limiter.json'), 'utf8')); } catch { /* older run layout */ }
    return {
      latencyMs, concurrency: concurrency ?? 'default', wallS: round(wallS), exitCode, outcome: results.outcome,
      requests: requests.length, requestsPerS: round(requests.length / wallS),
      harnessCpuS: round(harnessCpuS), serverCpuS: round(serverCpuS), cpuPerRequestMs: round((harnessCpuS * 1000) / Math.max(1, requests.length), 3),
      peakRssMb: Math.round(peak), criticalPath: cp.length, boundS: boundS === null ? null : round(boundS),
      wallOverBound: boundS ? round(wallS / boundS) : null,
      criticalSteps: cp.steps.map((s) => `${s.roundTrips} × ${s.name}`), limiter, load,
      cpuByProcess: {
        main: round([...cpuSeen.values()].filter((p) => p.role === 'main').reduce((n, p) => n + p.cpuS, 0)),
        workers: [...cpuSeen.values()].filter((p) => p.role === 'worker').map((p) => round(p.cpuS)),
      },
    };
  } finally {
    server.proc.kill('SIGTERM');
    await new Promise((ok) => server.proc.on('exit', ok));
    rmSync(out, { recursive: true, force: true });
  }
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function table(rows: Row[]): string {
  const head = ['latency', 'wall s', 'requests', 'req/s', 'CPU ms/req', 'peak RSS MB', 'critical path', 'bound s', 'wall/bound', 'outcome', 'load (1 min) before→after'];
  const lines = rows.map((r) => [
    `${r.latencyMs} ms`, r.wallS, r.requests, r.requestsPerS, r.cpuPerRequestMs, r.peakRssMb, r.criticalPath,
    r.boundS ?? '—', r.wallOverBound ?? '—', r.exitCode === 0 ? r.outcome ?? '' : `${r.outcome ?? 'no results'} (exit ${r.exitCode})`,
    `${r.load.before[0]}→${r.load.after[0]}`,
  ].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { latency: { type: 'string' }, concurrency: { type: 'string' }, repeat: { type: 'string' } } });
  const latencies = (values.latency ?? '0,100').split(',').map(Number);
  const repeat = Number(values.repeat ?? 1);
  const rows: Row[] = [];
  for (let i = 0; i < repeat; i++) {
    for (const latency of latencies) {
      process.stdout.write(`bench: latency ${latency} ms${repeat > 1 ? ` (run ${i + 1}/${repeat})` : ''}, ${values.concurrency ?? 'default'} concurrency … `);
      const row = await benchOne(latency, values.concurrency);
      rows.push(row);
      console.log(`${row.wallS} s`);
    }
  }
  const best = (latency: number) => rows.filter((r) => r.latencyMs === latency).sort((a, b) => a.wallS - b.wallS)[0];
  const at0 = best(0), at100 = best(100);
  const ratio100to0 = at0 && at100 ? round(at100.wallS / at0.wallS) : null;
  console.log(`\n${table(rows)}\n`);
  if (ratio100to0 !== null) console.log(`wall at 100 ms / wall at 0 ms: ${ratio100to0}`);
  for (const r of rows) if (r.criticalSteps.length) console.log(`critical path at ${r.latencyMs} ms: ${r.criticalSteps.join(' → ')}`);
  for (const r of rows) console.log(`CPU at ${r.latencyMs} ms: harness ${r.harnessCpuS} s (CLI process ${r.cpuByProcess.main} s + workers ${r.cpuByProcess.workers.join(' + ')} s), reference server ${r.serverCpuS} s`);
  const checks = [
    at0 && [`wall at 0 ms ≤ ${TARGETS.wall0S} s`, at0.wallS <= TARGETS.wall0S],
    at100 && [`wall at 100 ms ≤ ${TARGETS.wall100S} s`, at100.wallS <= TARGETS.wall100S],
    at100?.wallOverBound != null && [`wall/bound at 100 ms ≤ ${TARGETS.wallOverBound100}`, at100.wallOverBound <= TARGETS.wallOverBound100],
    [`harness CPU per request < ${TARGETS.cpuPerRequestMs} ms`, rows.every((r) => r.cpuPerRequestMs < TARGETS.cpuPerRequestMs)],
    [`peak RSS < ${TARGETS.peakRssMb} MB`, rows.every((r) => r.peakRssMb < TARGETS.peakRssMb)],
    ['every run conformant', rows.every((r) => r.exitCode === 0)],
  ].filter((c): c is [string, boolean] => !!c);
  for (const [what, ok] of checks) console.log(`  ${ok ? '✓' : '✗'} ${what}`);
  mkdirSync(join(PROJECT_ROOT, 'reports'), { recursive: true });
  const file = join(PROJECT_ROOT, 'reports', 'bench.json');
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), cores: availableParallelism(), targets: TARGETS, ratio100to0, checks: Object.fromEntries(checks), rows }, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

await main();
