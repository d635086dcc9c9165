import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Matrix } from '../matrix/types.ts';
import type { Verdict } from '../verdicts.ts';
import { dashboardModel } from './dashboard-model.ts';
import { renderDashboard } from './dashboard-html.ts';
import { addToHistory, historyEntry, importRuns, readHistory, verdictMap, type HistoryEntry } from './history.ts';
import type { Results } from './results.ts';

const matrix = {
  resources: [{ type: 'AuditEvent' }, { type: 'Condition' }, { type: 'Observation' }],
  capabilities: [
    { id: 'auth:client-credentials', suite: 'auth', tier: 'SHALL', title: 'token' },
    { id: 'endpoint:AuditEvent', suite: 'availability', tier: 'SHALL', title: 'AuditEvent endpoint' },
    { id: 'endpoint:Condition', suite: 'availability', tier: 'SHALL', title: 'Condition endpoint' },
    { id: 'search:AuditEvent:date', suite: 'search', tier: 'SHALL', title: 'AuditEvent date' },
    { id: 'search:Condition:onset-date', suite: 'search', tier: 'SHALL', title: 'onset-date' },
    { id: 'search:Observation:date', suite: 'search', tier: 'SHALL', title: 'Observation date' },
    { id: 'search:paging', suite: 'search', tier: 'SHALL', title: 'paging' },
  ],
  targets: {
    playground: {
      gaps: [
        { capability: 'endpoint:AuditEvent', kind: 'not-enabled', reason: 'r', ticket: 'AV1', since: '2026-06-03' },
        { capability: 'search:Condition:onset-date', kind: 'unfiltered', reason: 'r', ticket: 'AV2', since: '2026-06-03' },
      ],
      confirmed: [{ capability: 'search:Condition:recorded-date', note: 'n', ticket: 'AV3', since: '2026-06-03' }],
    },
  },
} as unknown as Matrix;
const pageRows = [
  { id: 'AV1', capability: 'endpoints', playground: 'not yet enabled' },
  { id: 'AV2', capability: 'date-range search returns results UNFILTERED' },
  { id: 'AV6', capability: 'PUT without If-Match', playground: 'rejected with 412' },
];

function run(runId: string, startedAt: string, verdicts: Record<string, Verdict>, o: { suites?: string[]; types?: string[] | null } = {}): Results {
  const capabilities = matrix.capabilities.map((c) => ({
    id: c.id, tier: c.tier, suite: c.suite, title: c.title, verdict: verdicts[c.id] ?? ((o.suites ?? ['availability', 'search']).includes(c.suite) ? 'pass' : 'not-run'),
    reason: verdicts[c.id] ? `because ${c.id}` : undefined, evidence: verdicts[c.id] ? [`evidence/${c.id.replace(/:/g, '_')}.json`] : [], flaky: false, checks: [],
    ...(c.id === 'search:AuditEvent:date' && verdicts[c.id] === 'expected-gap' && { gap: { capability: 'endpoint:AuditEvent', kind: 'not-enabled' as const, reason: 'r', since: '2026-06-03' } }),
  }));
  const summary = Object.fromEntries(['pass', 'fail', 'error', 'blocked', 'expected-gap', 'gap-closed', 'not-run'].map((v) => [v, capabilities.filter((c) => c.verdict === v).length])) as Results['summary'];
  return {
    schemaVersion: 1, runId, seed: 1, harness: { name: 'dhp-conformance', version: '0.1.0', commit: null }, matrix: { version: 'm', sha256: 's' },
    target: { name: 'local', baseUrl: 'http://user:pw-123456@127.0.0.1:1/fhir', profile: 'playground', readOnly: false, embedded: true },
    options: { suites: o.suites ?? ['availability', 'search'], strictGaps: false }, startedAt, finishedAt: startedAt, exitCode: 0, outcome: 'conformant',
    summary, bySuite: {}, capabilities, unmapped: [],
    coverage: { search: { total: { params: 3, tested: 3, percent: 100 }, byType: {}, selectedTypes: o.types === undefined ? ['AuditEvent', 'Condition'] : o.types } },
  };
}

const conformant = (id: string, at: string) => run(id, at, {});
const playground = (id: string, at: string) => run(id, at, { 'endpoint:AuditEvent': 'expected-gap', 'search:AuditEvent:date': 'expected-gap', 'search:Condition:onset-date': 'expected-gap' });

describe('history.jsonl', () => {
  test('a line lists the verdicts that are not pass, leaving out what the run did not select', () => {
    const e = historyEntry(run('r', '2026-06-01T00:00:00Z', { 'search:Condition:onset-date': 'fail' }), matrix);
    // auth not selected, Observation outside DHP_SEARCH_TYPES: left out; the rest passed.
    expect(e.verdicts).toEqual({ fail: ['search:Condition:onset-date'] });
    expect(e.baseUrl).not.toContain('pw-123456');
    expect([...verdictMap(e, matrix)]).toEqual([
      ['endpoint:AuditEvent', 'pass'], ['endpoint:Condition', 'pass'], ['search:AuditEvent:date', 'pass'],
      ['search:Condition:onset-date', 'fail'], ['search:paging', 'pass'],
    ]);
  });

  test('a gap reported under another id keeps the gap it belongs to', () => {
    expect(historyEntry(playground('r', '2026-06-01T00:00:00Z'), matrix).gapOf).toEqual({ 'search:AuditEvent:date': 'endpoint:AuditEvent' });
  });

  test('runs are kept in start order, a run added twice once; import rebuilds from run folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dhp-history-'));
    const file = join(dir, 'history.jsonl');
    addToHistory(file, [historyEntry(conformant('b', '2026-06-02T00:00:00Z'), matrix)]);
    addToHistory(file, [historyEntry(conformant('a', '2026-06-01T00:00:00Z'), matrix), historyEntry(conformant('b', '2026-06-02T00:00:00Z'), matrix)]);
    expect(readHistory(file).map((e) => e.runId)).toEqual(['a', 'b']);
    for (const [name, r] of [['artifact-1/latest', playground('c', '2026-06-03T00:00:00Z')], ['artifact-2', conformant('d', '2026-06-04T00:00:00Z')]] as const) {
      mkdirSync(join(dir, 'downloads', name), { recursive: true });
      writeFileSync(join(dir, 'downloads', name, 'results.json'), JSON.stringify(r));
    }
    expect(importRuns(file, [join(dir, 'downloads')], matrix)).toEqual({ imported: ['c', 'd'], total: 4 });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(4);
  });
});

describe('the dashboard from the history', () => {
  const history: HistoryEntry[] = [
    conformant('r1', '2026-06-01T01:00:00Z'), playground('r2', '2026-06-02T01:00:00Z'), playground('r3', '2026-06-03T01:00:00Z'), conformant('r4', '2026-06-04T01:00:00Z'),
  ].map((r) => historyEntry(r, matrix));
  const latest = run('r4', '2026-06-04T01:00:00Z', {});
  const model = dashboardModel(history, matrix, new Map([['r4', { results: latest, hrefBase: 'runs/r4' }]]), { rows: pageRows, asOf: '2026-06-03' });
  const t = model.targets[0]!;

  test('a gap opens with the run that first shows it and closes with the first that does not', () => {
    expect(t.gaps.map((g) => [g.key, g.ids, g.periods, g.open])).toEqual([
      ['endpoint:AuditEvent', ['endpoint:AuditEvent', 'search:AuditEvent:date'], [{ open: 1, close: 3 }], false],
      ['search:Condition:onset-date', ['search:Condition:onset-date'], [{ open: 1, close: 3 }], false],
    ]);
    expect(t.gaps[0]!.states).toEqual(['closed', 'gap', 'gap', 'closed']);
  });

  test('newly passing since the previous run; the availability rows measured, with the date they last changed', () => {
    expect(t.newlyPassing).toEqual(['endpoint:AuditEvent', 'search:AuditEvent:date', 'search:Condition:onset-date']);
    expect(t.newlyFailing).toEqual([]);
    expect(t.availability.map((r) => [r.id, r.now.status, r.lastChanged?.at.slice(0, 10), r.lastChanged?.from])).toEqual([
      ['AV1', 'live', '2026-06-04', 'gap (1 of 1 measured)'],
      ['AV2', 'live', '2026-06-04', 'gap (1 of 1 measured)'],
    ]);
  });

  test('the grid: a cell per resource type and capability kind, coloured by the worst verdict judged', () => {
    expect(t.rows).toEqual(['AuditEvent', 'Condition', 'Observation']);
    expect(t.kinds).toEqual(['endpoint', 'search']);
    expect(t.cells.find((c) => c.key === 'Observation|search')).toMatchObject({ verdict: 'not-run', ids: ['search:Observation:date'] });
    expect(t.protocol.map((c) => c.key)).toEqual(['auth|auth:client-credentials', 'search|search:paging']);
    const html = renderDashboard(model);
    expect(html).toContain('href="#t0/AuditEvent%7Cendpoint"');
    expect(html).not.toMatch(/<(link|img|iframe)\b|src="http|url\(http/);
  });
});
