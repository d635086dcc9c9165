// What a conformance run prints, and the Markdown twins of it: a progress line per suite while it runs, then the
// summary — one line per failing capability (id, short reason, evidence), grouped by root cause, capped, with a
// pointer to the files that hold everything. A run against a server with a thousand failures stays readable.
import { isAbsolute, join, relative } from 'node:path';
import type { CapabilityResult, Results } from './results.ts';
import { mdCell } from './text.ts';

/** Capabilities listed one per line in the console (all of them go to failures.md). */
export const MAX_CONSOLE_ITEMS = 40;
/** Per root cause, in the console. */
export const MAX_ITEMS_PER_CAUSE = 5;
/** Root causes listed in the console. */
export const MAX_CONSOLE_CAUSES = 25;

const BROKEN = new Set(['fail', 'error', 'blocked']);

export interface SuiteProgress { suite: string; done: number; total: number; failing: number; finished: boolean }

export function progressLine(p: SuiteProgress, elapsedMs: number): string {
  const state = p.finished ? 'done' : 'running';
  return `  ${p.suite.padEnd(14)} ${`${p.done}/${p.total}`.padStart(11)} checks  ${String(p.failing).padStart(5)} failing${p.finished ? '' : ' so far'}  ${state} ${Math.round(elapsedMs / 1000)} s`;
}

const oneLine = (s: string | undefined, max: number) => {
  const line = (s ?? '').split('\n')[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The label of the deciding sub-check, when a capability has several (`Patient?birthdate=… (gt) returns …` → `gt`). */
function decidingLabel(c: CapabilityResult): string | undefined {
  if (c.checks.length < 2) return undefined;
  const deciding = c.checks.find((k) => k.verdict === c.verdict);
  const labels = [...(deciding?.title ?? '').matchAll(/\(([^()]+)\)/g)].map((m) => m[1]!);
  return labels.at(-1);
}

/** How a failure is described, without what is particular to this capability: what several failures share. */
export function causeOf(c: CapabilityResult): string {
  const reason = oneLine(c.reason, 400) || `${c.verdict} without a reason`;
  const head = reason.includes(' — ') ? reason.split(' — ')[0]! : reason.replace(/\s+/g, ' ').slice(0, 120);
  const label = decidingLabel(c);
  return `${c.verdict}: ${head.replace(new RegExp(`^${c.verdict}: `), '')}${label ? ` [${label}]` : ''}`;
}

export interface RootCause {
  /** The prerequisite capability (blocked groups) or the shared description of the failure. */
  cause: string;
  /** The prerequisite's own result, when it is a capability of this run. */
  root?: CapabilityResult;
  items: CapabilityResult[];
}

/**
 * Failing capabilities grouped by root cause, biggest first: what is blocked goes under its prerequisite (which heads
 * the group when it failed itself); other failures group by their shared description.
 */
export function rootCauses(r: Results): RootCause[] {
  const byId = new Map(r.capabilities.map((c) => [c.id, c]));
  const groups = new Map<string, RootCause>();
  const broken = r.capabilities.filter((c) => BROKEN.has(c.verdict));
  const prerequisites = new Set(broken.map((c) => c.blockedBy).filter((p): p is string => !!p));
  for (const c of broken) {
    const prerequisite = c.verdict === 'blocked' ? c.blockedBy : undefined;
    if (!prerequisite && prerequisites.has(c.id)) {
      const g = groups.get(`blocked:${c.id}`) ?? { cause: `${c.id} (and what it blocks)`, items: [] };
      g.root = c;
      groups.set(`blocked:${c.id}`, g);
      continue;
    }
    const key = prerequisite ? `blocked:${prerequisite}` : causeOf(c);
    const g = groups.get(key) ?? { cause: prerequisite ? `${prerequisite} (and what it blocks)` : key, root: prerequisite ? byId.get(prerequisite) : undefined, items: [] };
    g.items.push(c);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => groupItems(b).length - groupItems(a).length || a.cause.localeCompare(b.cause));
}

/** A group's failing capabilities: its root first when it failed itself, then what it holds. */
export function groupItems(g: RootCause): CapabilityResult[] {
  return [...(g.root && BROKEN.has(g.root.verdict) ? [g.root] : []), ...g.items];
}

/** What stands on an expected gap is blocked by it: known, excused, and not a failure of the run. */
const behindGap = (g: RootCause) => g.root?.verdict === 'expected-gap' && g.items.every((c) => c.verdict === 'blocked');

/** The specific part of a reason, once its group's shared description is said. */
const particular = (c: CapabilityResult) => {
  const reason = oneLine(c.reason, 400);
  return reason.includes(' — ') ? reason.split(' — ').slice(1).join(' — ') : reason;
};

function itemLine(c: CapabilityResult, runDir: string, max: number): string {
  const ev = c.evidence[0] ? `  → ${join(displayDir(runDir), c.evidence[0])}${c.evidence.length > 1 ? ` (+${c.evidence.length - 1})` : ''}` : '';
  return `    ✗ ${c.id} [${c.verdict}] ${oneLine(particular(c), max)}${ev}`;
}

export function displayDir(runDir: string): string {
  return runDir.startsWith(process.cwd()) ? relative(process.cwd(), runDir) || '.' : runDir;
}

const countsLine = (counts: Record<string, number>) =>
  Object.entries(counts).filter(([, n]) => n).map(([v, n]) => `${n} ${v}`).join(', ') || 'nothing';

/** The end-of-run summary, capped: every failing capability is in failures.md and results.json. `extraFiles`: [label, absolute path]. */
export function formatSummary(r: Results, runDir: string, extraFiles: [string, string][] = []): string[] {
  const out: string[] = ['', '── dhp-conformance summary ──────────────────────────────'];
  for (const [suite, counts] of Object.entries(r.bySuite)) out.push(`  ${suite.padEnd(14)} ${countsLine(counts)}`);
  out.push(`  ${'total'.padEnd(14)} ${countsLine(r.summary)} (${r.capabilities.length} capabilities)`);
  const cov = r.coverage?.search.total;
  if (cov) out.push(`  search coverage: ${cov.tested}/${cov.params} parameters judged (${cov.percent} %); the rest, with reasons, in search-coverage.json`);

  const [causes, behindGaps] = partition(rootCauses(r), (g) => !behindGap(g));
  const failing = causes.reduce((n, g) => n + groupItems(g).length, 0);
  if (causes.length) out.push('', `  ${failing} capabilities failing, ${causes.length} root cause${causes.length > 1 ? 's' : ''}:`);
  let listed = 0;
  for (const g of causes.slice(0, MAX_CONSOLE_CAUSES)) {
    const items = groupItems(g);
    const n = items.length;
    out.push(`  ● ${oneLine(g.cause, 140)} — ${n} capabilit${n === 1 ? 'y' : 'ies'}`);
    const room = Math.max(0, Math.min(MAX_ITEMS_PER_CAUSE, MAX_CONSOLE_ITEMS - listed));
    for (const c of items.slice(0, room)) out.push(itemLine(c, runDir, 110));
    listed += Math.min(room, items.length);
    if (items.length > room) out.push(`    … ${items.length - room} more`);
  }
  if (causes.length > MAX_CONSOLE_CAUSES) out.push(`  … ${causes.length - MAX_CONSOLE_CAUSES} more root causes`);
  if (causes.length) out.push(`  every failing capability, with reason and evidence: ${join(displayDir(runDir), 'failures.md')}`);
  if (behindGaps.length) {
    const n = behindGaps.reduce((k, g) => k + g.items.length, 0);
    const gaps = behindGaps.map((g) => g.root!.id);
    out.push('', `  ${n} capabilit${n === 1 ? 'y is' : 'ies are'} blocked by ${gaps.length} expected gap${gaps.length > 1 ? 's' : ''} (${gaps.slice(0, 3).join(', ')}${gaps.length > 3 ? ', …' : ''}): not failures; listed in ${join(displayDir(runDir), 'failures.md')}`);
  }
  for (const c of r.capabilities.filter((x) => x.verdict === 'gap-closed')) out.push(`  ★ gap closed: ${c.id}`);
  for (const c of r.unmapped.filter((x) => BROKEN.has(x.verdict)).slice(0, 5)) out.push(`  ✗ (no capability) ${oneLine(c.title, 80)}: ${oneLine(c.reason, 100)}`);

  const rel = displayDir(runDir);
  if (r.incomplete) out.push('', `  run INCOMPLETE: the harness lost ${r.incomplete.lostChecks} checks (reported as error, not as the server's failures): ${oneLine(r.incomplete.reasons[0], 300)}`);
  if (r.outcome === 'nothing-verified') out.push('', '  every check was not-run: nothing was verified');
  out.push('', `  outcome: ${r.outcome} (exit ${r.exitCode})`);
  for (const [label, file] of [['results', 'results.json'], ['junit', 'junit.xml'], ['evidence', 'evidence/'], ['allure', 'allure-results.tgz (HTML: npm run report)'], ...extraFiles]) {
    out.push(`  ${`${label}:`.padEnd(12)} ${isAbsolute(file!) ? displayDir(file!) : join(rel, file!)}`);
  }
  return out;
}

/** Every failing capability, grouped by root cause (failures.md in the run folder; the console shows the head). */
export function failuresMarkdown(r: Results): string {
  const causes = rootCauses(r);
  const lines = [`# Failing capabilities — run ${r.runId}`, '', `Target ${r.target.name} (${r.target.baseUrl}), outcome **${r.outcome}**.`, ''];
  if (!causes.length) lines.push('Nothing failed.');
  for (const g of causes) {
    lines.push(`## ${mdCell(g.cause)}`, '');
    if (g.root) lines.push(`Root: \`${g.root.id}\` — ${g.root.verdict}: ${mdCell(oneLine(g.root.reason, 400))}`, '');
    lines.push('| capability | verdict | reason | evidence |', '|---|---|---|---|');
    for (const c of g.items) lines.push(`| \`${c.id}\` | ${c.verdict} | ${mdCell(oneLine(c.reason, 400))} | ${c.evidence.map((e) => `[${e.split('/').pop()}](${e})`).join(' ')} |`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** The Markdown summary for $GITHUB_STEP_SUMMARY: counts per suite and the root causes (capped: GitHub limits the size). */
export function stepSummaryMarkdown(r: Results, maxCauses = 30): string {
  const verdicts = Object.keys(r.summary).filter((v) => r.summary[v as keyof typeof r.summary]);
  const lines = [
    `## dhp-conformance: ${r.outcome} — ${r.target.name}${r.target.profile ? ` (${r.target.profile})` : ''}`, '',
    `Run \`${r.runId}\`, seed ${r.seed}, harness ${r.harness.version}${r.harness.commit ? ` @ ${r.harness.commit.slice(0, 12)}` : ''}, matrix ${r.matrix.version}.`, '',
    `| suite | ${verdicts.join(' | ')} |`, `|---|${verdicts.map(() => '---:').join('|')}|`,
    ...Object.entries(r.bySuite).map(([s, c]) => `| ${s} | ${verdicts.map((v) => c[v as keyof typeof c] || '').join(' | ')} |`),
    `| **total** | ${verdicts.map((v) => `**${r.summary[v as keyof typeof r.summary]}**`).join(' | ')} |`, '',
  ];
  const causes = rootCauses(r).filter((g) => !behindGap(g));
  if (causes.length) {
    lines.push('| root cause | capabilities | e.g. |', '|---|---:|---|');
    for (const g of causes.slice(0, maxCauses)) {
      const items = groupItems(g);
      lines.push(`| ${mdCell(oneLine(g.cause, 140))} | ${items.length} | \`${items[0]?.id ?? ''}\` |`);
    }
    if (causes.length > maxCauses) lines.push('', `… ${causes.length - maxCauses} more root causes in failures.md (run artifact).`);
  }
  return `${lines.join('\n')}\n`;
}

function partition<T>(xs: readonly T[], keep: (x: T) => boolean): [T[], T[]] {
  return [xs.filter(keep), xs.filter((x) => !keep(x))];
}
