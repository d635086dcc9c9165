import { defineConfig } from 'vitest/config';
import { DEFAULT_CONCURRENCY } from './lib/client/limiter.ts';
import { readEnv } from './lib/config/env.ts';
import { runReporters } from './lib/vitest/reporters.ts';

// Two projects: `self` tests the harness itself (npm test); `conformance` holds the suites that judge a
// target and runs only through the CLI (npm start), which sets DHP_RUN_DIR and DHP_RUN_CONTEXT.
const env = readEnv();
const runDir = env.runDir;

export default defineConfig({
  test: {
    reporters: runDir ? runReporters(runDir) : ['default'],
    projects: [
      {
        test: {
          name: 'self',
          include: ['lib/**/*.test.ts', 'server/**/*.test.ts', 'test/**/*.test.ts', 'cli/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'conformance',
          include: ['suites/**/*.suite.ts'],
          // Tests and hooks running at once per worker (vitest ignores this option from the CLI for a project):
          // enough for one worker to fill the run's limit on requests in flight (DHP_CONCURRENCY, set by the CLI),
          // which is what bounds the target's load.
          maxConcurrency: Math.max(8, 2 * (env.concurrency ?? DEFAULT_CONCURRENCY)),
          setupFiles: ['allure-vitest/setup'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
