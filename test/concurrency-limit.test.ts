// `run --concurrency`: the limit is the run's, whatever the number of workers and concurrent checks; 1 still works
// (one request at a time, verdicts unchanged), and a nonsense value is a usage error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { idsWith, runCli } from './support/run-cli.ts';

test.concurrent('--concurrency 1: never more than one request in flight across every worker, and a conformant verdict', async () => {
  const r = await runCli(['run', '--profile', 'conformant', '--suite', 'availability,search', '--concurrency', '1'], { DHP_SEARCH_TYPES: 'Patient' });
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  expect(idsWith(r.results, 'fail', 'error')).toEqual([]);
  const limiter = JSON.parse(readFileSync(join(r.outDir, 'limiter.json'), 'utf8'));
  expect(limiter).toMatchObject({ max: 1, peakInFlight: 1 });
  expect(limiter.grants).toBeGreaterThan(150);
}, 300_000);

test.concurrent('--concurrency 0 is a usage error', async () => {
  const r = await runCli(['run', '--concurrency', '0']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--concurrency takes a whole number from 1 to 1024, not "0"');
});
