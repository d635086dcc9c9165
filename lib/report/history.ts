// reports/history.jsonl: one line per run, what the rollout dashboard is drawn from. A line is compact: the counts,
// and the verdict of each capability whose verdict is not pass — leaving out what the run did not select (a suite it
// did not run, a search type outside DHP_SEARCH_TYPES), which reads back as not-run. `history import` rebuilds the
// file from run folders (the nightly's downloaded artifacts).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { redactUrl } from '../client/redact.ts';
import type { Matrix } from '../matrix/types.ts';
import type { Verdict } from '../verdicts.ts';
import type { Results } from './results.ts';

export const HISTORY_SCHEMA = 1;

export interface HistoryEntry {
  schema: typeof HISTORY_SCHEMA;
  runId: string;
  target: string;
  profile?: string;
  baseUrl: string;
  embedded: boolean;
  faults?: string[];
  seed: number;
  harness: { version: string; commit: string | null };
  matrix: { version: string; sha256: string };
  startedAt: string;
  finishedAt: string;
  outcome: Results['outcome'];
  /** What the run selected: capabilities outside it are not-run and not listed. */
  suites: string[];
  searchTypes: string[] | null;
  shard?: string;
  summary: Record<Verdict, number>;
  coverage?: { tested: number; params: number; percent: number };
  /** Capability ids by verdict, for every verdict but pass (ids outside the selection left out). */
  verdicts: Partial<Record<Verdict, string[]>>;
  /** For an expected gap or a closed one reported under another id: the gap's own capability (`endpoint:AuditEvent`). */
  gapOf?: Record<string, string>;
}

/** The resource type a capability id is about (`search:Observation:date` → Observation), if it names one. */
export function typeOf(id: string, types: ReadonlySet<string>): string | undefined {
  const t = id.split(':')[1];
  return t && types.has(t) ? t : undefined;
}

export interface Scope { suites: string[]; searchTypes: string[] | null }

/** Whether the run selected this capability (its suite, and for a search on a type, the type). */
export function inScope(scope: Scope, id: string, suite: string, types: ReadonlySet<string>): boolean {
  if (!scope.suites.includes(suite)) return false;
  const type = suite === 'search' ? typeOf(id, types) : undefined;
  return !type || !scope.searchTypes || scope.searchTypes.includes(type);
}

const resourceTypes = (matrix: Pick<Matrix, 'resources'>) => new Set(matrix.resources.map((r) => r.type));

export function historyEntry(r: Results, matrix: Pick<Matrix, 'resources'>): HistoryEntry {
  const types = resourceTypes(matrix);
  const scope: Scope = { suites: r.options.suites, searchTypes: r.coverage?.search.selectedTypes ?? null };
  const verdicts: HistoryEntry['verdicts'] = {};
  const gapOf: Record<string, string> = {};
  for (const c of r.capabilities) {
    if (c.verdict === 'pass' || (c.verdict === 'not-run' && !inScope(scope, c.id, c.suite, types))) continue;
    (verdicts[c.verdict] ??= []).push(c.id);
    if (c.gap && c.gap.capability !== c.id) gapOf[c.id] = c.gap.capability;
  }
  const cov = r.coverage?.search.total;
  return {
    schema: HISTORY_SCHEMA, runId: r.runId, target: r.target.name, profile: r.target.profile, baseUrl: redactUrl(r.target.baseUrl),
    embedded: r.target.embedded, ...(r.target.faults?.length && { faults: r.target.faults }), seed: r.seed,
    harness: { version: r.harness.version, commit: r.harness.commit }, matrix: r.matrix,
    startedAt: r.startedAt, finishedAt: r.finishedAt, outcome: r.outcome, suites: scope.suites, searchTypes: scope.searchTypes,
    ...(r.options.shard && { shard: r.options.shard }), summary: r.summary,
    ...(cov && { coverage: { tested: cov.tested, params: cov.params, percent: cov.percent } }),
    verdicts, ...(Object.keys(gapOf).length && { gapOf }),
  };
}

/** The verdict of every capability a run judged or listed: listed ids as listed, the rest of its selection pass. */
export function verdictMap(e: HistoryEntry, matrix: Pick<Matrix, 'resources' | 'capabilities'>): Map<string, Verdict> {
  const types = resourceTypes(matrix);
  const out = new Map<string, Verdict>();
  for (const c of matrix.capabilities) if (inScope(e, c.id, c.suite, types)) out.set(c.id, 'pass');
  for (const [v, ids] of Object.entries(e.verdicts) as [Verdict, string[]][]) for (const id of ids) out.set(id, v);
  return out;
}

export class HistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryError';
  }
}

export function readHistory(file: string): HistoryEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    let e: HistoryEntry;
    try {
      e = JSON.parse(line) as HistoryEntry;
    } catch (err) {
      throw new HistoryError(`${file}:${i + 1}: not JSON (${(err as Error).message})`);
    }
    if (e.schema !== HISTORY_SCHEMA || !e.runId || !e.target || !e.verdicts) throw new HistoryError(`${file}:${i + 1}: not a history line of schema ${HISTORY_SCHEMA}`);
    return [e];
  });
}

function writeHistory(file: string, entries: HistoryEntry[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
  renameSync(tmp, file);
}

const byTime = (a: HistoryEntry, b: HistoryEntry) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId);

/** Adds runs to the history (a run already there, by run id, is replaced), kept in start-time order. */
export function addToHistory(file: string, entries: HistoryEntry[]): HistoryEntry[] {
  const byId = new Map(readHistory(file).map((e) => [e.runId, e]));
  for (const e of entries) byId.set(e.runId, e);
  const all = [...byId.values()].sort(byTime);
  writeHistory(file, all);
  return all;
}

/** Every folder under `dir` (itself included) holding a results.json: downloaded artifacts nest them. */
export function runFolders(dir: string, depth = 4): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new HistoryError(`${dir} is not a folder`);
  if (existsSync(join(dir, 'results.json'))) return [dir];
  if (depth === 0) return [];
  return readdirSync(dir).map((n) => join(dir, n)).filter((p) => statSync(p).isDirectory()).flatMap((p) => runFolders(p, depth - 1));
}

/** Rebuilds history entries from run folders (unsharded or merged runs; a lone shard is listed with its shard). */
export function importRuns(file: string, dirs: string[], matrix: Pick<Matrix, 'resources'>): { imported: string[]; total: number } {
  const entries = dirs.flatMap((d) => runFolders(d)).map((d) => historyEntry(JSON.parse(readFileSync(join(d, 'results.json'), 'utf8')) as Results, matrix));
  const all = addToHistory(file, entries);
  return { imported: entries.map((e) => e.runId), total: all.length };
}
