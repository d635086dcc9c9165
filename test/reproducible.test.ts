// Reproducible runs: the same seed plants the same values — compared on what the harness actually sent to a real
// reference server — and two CLI runs with the same seed agree on every verdict.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FhirClient } from '../lib/client/http.ts';
import { runTag } from '../lib/fixtures/run-tag.ts';
import { GapBook } from '../lib/matrix/gaps.ts';
import { loadMatrix } from '../lib/matrix/load.ts';
import { seedSource } from '../lib/run/seed.ts';
import { TypeFixtures, writableTypes } from '../lib/search/type-fixtures.ts';
import { startServer } from '../server/index.ts';
import { runCli } from './support/run-cli.ts';

const TYPES = ['Encounter', 'Condition'];

/**
 * The transaction Bundles the planter sends for TYPES with this seed and run id, as sent — with the run id and the ids
 * the server assigned (which later Bundles reference) masked: neither is a value the harness generates.
 */
async function planted(seed: number, runId: string): Promise<string[]> {
  const { matrix } = loadMatrix();
  const server = await startServer({ profile: 'conformant', quiet: true, auth: false });
  const sent: string[] = [];
  const assigned: string[] = [];
  const client = new FhirClient({
    baseUrl: server.baseUrl,
    onExchange: (e) => {
      if (e.request.method === 'POST' && e.request.body) sent.push(e.request.body);
      for (const m of (e.response?.body ?? '').matchAll(/"location":\s*"[^"]*?\/([A-Za-z0-9\-.]{1,64})\/_history\//g)) assigned.push(m[1]!);
    },
  });
  try {
    const seeds = seedSource(seed, runId);
    for (const type of TYPES) {
      const fx = new TypeFixtures(matrix.resources.find((r) => r.type === type)!, writableTypes(matrix, new GapBook([])), runTag(runId), seeds);
      await fx.plant(client);
      expect(fx.problem).toBeUndefined();
      await fx.teardown(client, matrix);
    }
  } finally {
    await client.close();
    await server.close();
  }
  return sent.map((body) => assigned.reduce((b, id, i) => b.replaceAll(id, `<id ${i}>`), body.replaceAll(runId, '<run>')));
}

describe('the same seed plants the same values', () => {
  test('what the planter sends depends on the seed, not on the run', async () => {
    const [a, b, c] = await Promise.all([planted(77, 'run-a'), planted(77, 'run-b'), planted(78, 'run-a')]);
    expect(a.length).toBeGreaterThan(1);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  }, 120_000);
});

describe('replaying a seed', () => {
  test('two runs with the same seed agree on every verdict (search types, concurrency, transactions; a fault makes some fail)', async () => {
    const args = ['run', '--profile', 'conformant', '--suite', 'search,concurrency,transactions', '--fault', 'date-boundary', '--seed', '4242'];
    const env = { DHP_SEARCH_TYPES: 'Encounter' };
    const [one, two] = await Promise.all([runCli(args, env), runCli(args, env)]);
    for (const r of [one, two]) expect(r.results, r.stderr.slice(-2000)).toBeDefined();
    expect([one.results!.seed, two.results!.seed]).toEqual([4242, 4242]);
    const verdicts = (r: typeof one) => Object.fromEntries(r.results!.capabilities.map((c) => [c.id, c.verdict]));
    expect(verdicts(two)).toEqual(verdicts(one));
    // Not vacuous: the runs judged search parameters and the fault made some of them fail.
    expect(Object.values(verdicts(one)).filter((v) => v === 'pass').length).toBeGreaterThan(30);
    expect(Object.values(verdicts(one))).toContain('fail');
    // The properties drew the same fast-check seeds.
    // What the suites print goes to the run's worker.log (the console shows progress and the summary only).
    const fcSeeds = (r: typeof one) => [...readFileSync(join(r.outDir, 'worker.log'), 'utf8').matchAll(/fast-check (\S+): seed (\d+)/g)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(fcSeeds(two)).toEqual(fcSeeds(one));
    expect(fcSeeds(one)).toHaveLength(2);
  }, 600_000);
});
