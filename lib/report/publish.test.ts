import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { loadMatrix } from '../matrix/load.ts';
import { buildResults } from './results.ts';
import { publishRun } from './publish.ts';

const { matrix, sha256 } = loadMatrix();
const results = () => buildResults({
  runId: 'r-publish', seed: 1, harness: { name: 'dhp-conformance', version: '0.1.0', commit: null }, matrix, matrixSha256: sha256,
  target: { name: 'local', baseUrl: 'http://127.0.0.1:1/fhir', profile: 'conformant', readOnly: false, embedded: true },
  gaps: [], suites: ['availability'], strictGaps: false, startedAt: '2026-06-03T00:00:00Z',
  checks: [{ capability: 'endpoint:Patient', title: 'GET Patient', file: 'suites/availability.suite.ts', verdict: 'fail', reason: 'answered 404', evidence: 'evidence/e.json', flaky: false, durationMs: 1 }],
});

describe('what follows a run', () => {
  test('failures.md, the step summary, the packed Allure results, a history line, the dashboard and the certificate', () => {
    const root = mkdtempSync(join(tmpdir(), 'dhp-publish-'));
    const run = join(root, 'run');
    mkdirSync(join(run, 'allure-results'), { recursive: true });
    writeFileSync(join(run, 'allure-results', 'x-result.json'), '{}');
    writeFileSync(join(run, 'results.json'), '{}');
    const wrote = publishRun(results(), run, matrix, { historyFile: join(root, 'history.jsonl'), certify: true, allSuites: ['availability'], env: { GITHUB_STEP_SUMMARY: join(root, 'summary.md') } });
    expect(wrote.map(([label]) => label)).toEqual(['history', 'dashboard', 'certificate']);
    expect(readFileSync(join(run, 'failures.md'), 'utf8')).toContain('`endpoint:Patient`');
    expect(readFileSync(join(root, 'summary.md'), 'utf8')).toContain('## dhp-conformance: failures');
    expect([existsSync(join(run, 'allure-results.tgz')), existsSync(join(run, 'allure-results'))]).toEqual([true, false]);
    expect(readFileSync(join(root, 'history.jsonl'), 'utf8')).toContain('"runId":"r-publish"');
    expect(existsSync(join(root, 'dashboard', 'index.html'))).toBe(true);
    expect(JSON.parse(readFileSync(join(run, 'certificate.json'), 'utf8')).files).toHaveProperty(['allure-results.tgz']);
  });

  test('a history that cannot be written is a warning: the run and its verdict stand', () => {
    const root = mkdtempSync(join(tmpdir(), 'dhp-publish-'));
    const run = join(root, 'run');
    mkdirSync(run);
    writeFileSync(join(root, 'history.jsonl'), 'not json\n');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(publishRun(results(), run, matrix, { historyFile: join(root, 'history.jsonl'), allSuites: [] })).toEqual([]);
      expect(warn.mock.calls[0]![0]).toMatch(/^warning: the history .* not written: .*history\.jsonl:1: not JSON/);
    } finally {
      warn.mockRestore();
    }
    expect(existsSync(join(run, 'failures.md'))).toBe(true);
  });
});
