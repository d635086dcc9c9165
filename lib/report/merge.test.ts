import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Matrix } from '../matrix/types.ts';
import { MergeError, mergeShards } from './merge.ts';
import type { Results } from './results.ts';

describe('merging shards', () => {
  const matrix = { matrixVersion: 'm', resources: [], capabilities: [{ id: 'auth:client-credentials', suite: 'auth', tier: 'SHALL', title: 't' }] } as unknown as Matrix;
  function shard(shardOf: string, o: Partial<Results> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), 'dhp-shard-'));
    const r = {
      schemaVersion: 1, runId: `run-${shardOf.replace('/', 'of')}`, seed: 5, harness: { name: 'h', version: '1', commit: 'c' }, matrix: { version: 'm', sha256: 'sha' },
      target: { name: 'local', baseUrl: 'http://127.0.0.1:1/fhir', profile: 'conformant', readOnly: false, embedded: true },
      options: { suites: ['auth'], strictGaps: false, shard: shardOf }, startedAt: '2026-06-03T00:00:00Z', finishedAt: '2026-06-03T00:01:00Z',
      capabilities: [], unmapped: [], ...o,
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'results.json'), JSON.stringify(r));
    writeFileSync(join(dir, 'checks.json'), JSON.stringify(shardOf.startsWith('1') ? [{ capability: 'auth:client-credentials', title: 't', file: 'f', verdict: 'pass', flaky: false, durationMs: 1 }] : []));
    return dir;
  }

  test('the shards of one run make one run folder with the verdicts of their checks', () => {
    const out = mkdtempSync(join(tmpdir(), 'dhp-merged-'));
    const r = mergeShards([shard('2/2'), shard('1/2')], out, matrix, 'sha');
    expect(r.capabilities.map((c) => [c.id, c.verdict])).toEqual([['auth:client-credentials', 'pass']]);
    expect([r.runId, r.options.shard, r.outcome]).toEqual(['run-1of2-merged', undefined, 'conformant']);
    // JUnit is written from the merged checks' verdicts, not spliced from the shards' files.
    expect(readFileSync(join(out, 'junit.xml'), 'utf8').match(/<testcase /g)).toHaveLength(1);
  });

  test.for([
    ['a missing shard', () => [shard('1/3'), shard('2/3')], /missing 3\/3/],
    ['another seed', () => [shard('1/2'), shard('2/2', { seed: 6 })], /not of the same run/],
    ['a run that is no shard', () => [shard('1/2'), shard('')], /is not a shard/],
  ] as const)('%s is refused', ([, dirs, message]) => {
    expect(() => mergeShards(dirs(), mkdtempSync(join(tmpdir(), 'dhp-merged-')), matrix, 'sha')).toThrow(MergeError);
    expect(() => mergeShards(dirs(), mkdtempSync(join(tmpdir(), 'dhp-merged-')), matrix, 'sha')).toThrow(message);
  });
});
