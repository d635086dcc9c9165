// What the rollout dashboard shows, computed from the history (and the latest run folder of each target, for reasons and
// evidence): per target the capability grid, a timeline per gap from open to closed, what newly fails or passes since
// the run before, coverage over time and the availability table as measured. Pure data: dashboard-html.ts draws it.
import type { Matrix } from '../matrix/types.ts';
import type { Verdict } from '../verdicts.ts';
import { availabilityRows, GAP, measureRows, WORKS, type MeasuredRow, type PageRow } from './availability.ts';
import { typeOf, verdictMap, type HistoryEntry } from './history.ts';
import type { Results } from './results.ts';

/** Runs per target the timeline and the chart show (the history keeps them all). */
export const MAX_RUNS_SHOWN = 60;
/** Gap rows per target in the timeline; the rest are counted. */
export const MAX_GAP_ROWS = 150;

/** A cell's colour: the worst verdict among the judged (not-run only when nothing was judged). */
const CELL_ORDER: Verdict[] = ['error', 'fail', 'blocked', 'expected-gap', 'gap-closed', 'pass', 'not-run'];

export interface CapView { id: string; suite: string; verdict: Verdict; title?: string; reason?: string; evidence: string[] }
export interface Cell { key: string; row: string; kind: string; verdict: Verdict; counts: Partial<Record<Verdict, number>>; ids: string[]; suites: string[] }
export interface RunPoint { runId: string; startedAt: string; profile?: string; outcome: string; passPercent: number | null; coverage?: number; faults?: string[] }
export type GapState = 'gap' | 'closed' | 'unknown';
export interface GapRow { key: string; ids: string[]; suites: string[]; states: GapState[]; periods: { open: number; close?: number }[]; open: boolean }

export interface TargetModel {
  name: string;
  profile?: string;
  baseUrl: string;
  runs: RunPoint[];
  /** The latest run's folder was found: its reasons and evidence are in `caps`. */
  details: boolean;
  rows: string[];
  kinds: string[];
  cells: Cell[];
  protocol: Cell[];
  caps: Record<string, CapView>;
  gaps: GapRow[];
  gapsNotShown: number;
  newlyFailing: string[];
  newlyPassing: string[];
  previousRunId?: string;
  availability: MeasuredRow[];
}

export interface DashboardModel { generatedAt: string; pageAsOf: string; targets: TargetModel[]; suites: string[] }

export interface LatestRun { results: Results; /** Prefix of evidence links, relative to the dashboard page. */ hrefBase: string }

const worstJudged = (vs: Verdict[]) => CELL_ORDER.find((v) => vs.includes(v)) ?? 'not-run';

function gapRows(entries: HistoryEntry[], maps: Map<string, Verdict>[]): GapRow[] {
  const groups = new Map<string, Set<string>>();
  entries.forEach((e, i) => {
    for (const [id, v] of maps[i]!) {
      if (!GAP.has(v)) continue;
      const key = e.gapOf?.[id] ?? id;
      (groups.get(key) ?? groups.set(key, new Set()).get(key)!).add(id);
    }
  });
  return [...groups].map(([key, idSet]) => {
    const ids = [...idSet].sort();
    const states = maps.map((m): GapState => {
      const vs = ids.map((id) => m.get(id)).filter((v): v is Verdict => !!v && v !== 'not-run');
      return vs.some((v) => GAP.has(v)) ? 'gap' : vs.some((v) => WORKS.has(v)) ? 'closed' : 'unknown';
    });
    const periods: GapRow['periods'] = [];
    states.forEach((s, i) => {
      const last = periods.at(-1);
      if (s === 'gap' && (!last || last.close !== undefined)) periods.push({ open: i });
      if (s === 'closed' && last && last.close === undefined) last.close = i;
    });
    const suites = [...new Set(ids.map((id) => id.split(':')[0]!))];
    return { key, ids, suites, states, periods, open: periods.at(-1)?.close === undefined };
  }).sort((a, b) => Number(b.open) - Number(a.open) || a.periods[0]!.open - b.periods[0]!.open || a.key.localeCompare(b.key));
}

function targetModel(entries: HistoryEntry[], matrix: Matrix, pageRows: PageRow[] | undefined, latestRun?: LatestRun): TargetModel {
  const shown = entries.slice(-MAX_RUNS_SHOWN);
  const maps = shown.map((e) => verdictMap(e, matrix));
  const latest = shown.at(-1)!;
  const now = maps.at(-1)!;
  const types = new Set(matrix.resources.map((r) => r.type));
  const byId = new Map(latestRun?.results.capabilities.map((c) => [c.id, c]));

  const caps: Record<string, CapView> = {};
  for (const c of matrix.capabilities) {
    const r = byId.get(c.id);
    const verdict = now.get(c.id) ?? 'not-run';
    caps[c.id] = {
      id: c.id, suite: c.suite, verdict,
      ...(verdict !== 'pass' && { title: c.title }),
      ...(verdict !== 'pass' && r?.reason && { reason: r.reason }),
      evidence: verdict !== 'pass' && r ? r.evidence.map((e) => `${latestRun!.hrefBase}/${e}`) : [],
    };
  }

  const cellMap = new Map<string, Cell>();
  for (const cap of Object.values(caps)) {
    const type = typeOf(cap.id, types);
    const kind = cap.id.split(':')[0]!;
    const key = type ? `${type}|${kind}` : `${kind}|${cap.id}`;
    const cell = cellMap.get(key) ?? { key, row: type ?? kind, kind: type ? kind : cap.id, verdict: 'not-run', counts: {}, ids: [], suites: [] };
    cell.ids.push(cap.id);
    cell.counts[cap.verdict] = (cell.counts[cap.verdict] ?? 0) + 1;
    if (!cell.suites.includes(cap.suite)) cell.suites.push(cap.suite);
    cellMap.set(key, cell);
  }
  for (const cell of cellMap.values()) cell.verdict = worstJudged(Object.keys(cell.counts) as Verdict[]);
  const cells = [...cellMap.values()].filter((c) => types.has(c.row));
  const kinds = [...new Set(cells.map((c) => c.kind))].sort((a, b) => (a === 'endpoint' ? -1 : b === 'endpoint' ? 1 : a.localeCompare(b)));

  const prev = maps.at(-2);
  const moved = (from: ReadonlySet<Verdict>, to: ReadonlySet<Verdict>) => prev
    ? [...now].filter(([id, v]) => to.has(v) && from.has(prev.get(id) ?? 'not-run')).map(([id]) => id).sort() : [];
  const gaps = gapRows(shown, maps);

  return {
    name: latest.target, profile: latest.profile, baseUrl: latest.baseUrl,
    runs: shown.map((e) => {
      const judged = Object.entries(e.summary).filter(([v]) => v !== 'not-run').reduce((n, [, k]) => n + k, 0);
      return {
        runId: e.runId, startedAt: e.startedAt, profile: e.profile, outcome: e.outcome, faults: e.faults,
        passPercent: judged ? Math.round(((e.summary.pass + e.summary['gap-closed']) / judged) * 1000) / 10 : null,
        ...(e.coverage && { coverage: e.coverage.percent }),
      };
    }),
    details: !!latestRun, rows: [...new Set(cells.map((c) => c.row))].sort(), kinds, cells,
    protocol: [...cellMap.values()].filter((c) => !types.has(c.row)).sort((a, b) => a.row.localeCompare(b.row) || a.kind.localeCompare(b.kind)),
    caps, gaps: gaps.slice(0, MAX_GAP_ROWS), gapsNotShown: Math.max(0, gaps.length - MAX_GAP_ROWS),
    newlyFailing: moved(WORKS, GAP), newlyPassing: moved(GAP, WORKS), previousRunId: shown.at(-2)?.runId,
    availability: pageRows ? measureRows(availabilityRows(matrix, pageRows), shown.map((e, i) => ({ runId: e.runId, startedAt: e.startedAt, verdictOf: (id: string) => maps[i]!.get(id) }))) : [],
  };
}

/** The dashboard of every target in the history; `latest` holds the run folders found for the targets' latest runs. */
export function dashboardModel(history: HistoryEntry[], matrix: Matrix, latest: Map<string, LatestRun>, page?: { rows: PageRow[]; asOf: string }): DashboardModel {
  const byTarget = new Map<string, HistoryEntry[]>();
  for (const e of history) byTarget.set(e.target, [...(byTarget.get(e.target) ?? []), e]);
  const targets = [...byTarget.values()].map((entries) => targetModel(entries, matrix, page?.rows, latest.get(entries.at(-1)!.runId)));
  return {
    generatedAt: new Date().toISOString(), pageAsOf: page?.asOf ?? '',
    targets: targets.sort((a, b) => a.name.localeCompare(b.name)),
    suites: [...new Set(matrix.capabilities.map((c) => c.suite))],
  };
}
