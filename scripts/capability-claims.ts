// Which capability ids the suites claim, found the way vitest finds tests: each suite file is collected (imported,
// its tests declared with their `meta.capability`) but no test runs and no target is contacted. The capability
// contract self-test compares this with the matrix both ways; `npm run claims` prints it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVitest } from 'vitest/node';
import { PROJECT_ROOT, DEFAULT_MATRIX_PATH } from '../lib/matrix/load.ts';
import type { RunContext } from '../lib/run/context.ts';

export interface Claims {
  /** capability id → the suite files whose tests name it */
  claims: Record<string, string[]>;
  /** Suite files that failed to collect (their tests are unknown, so the contract cannot hold). */
  errors: string[];
}

/**
 * A run context for a target nobody listens on: suites declare their tests from the matrix at import time, and
 * against the embedded conformant target every capability they can check is declared (none skipped for read-only
 * targets or missing test users: those checks are declared and report not-run when they run).
 */
function dryContext(dir: string): RunContext {
  return {
    runId: 'claims-dry-run', runDir: dir, matrixFile: DEFAULT_MATRIX_PATH, strictGaps: false,
    startedAt: new Date(0).toISOString(), seed: 0, tag: { system: 'https://dhp-conformance.uz/run', code: 'claims-dry-run' },
    // Nothing is judged first in a dry collection, and the server declares nothing: suites must declare every test anyway.
    server: { isCapabilityStatement: false, answered: 'dry collection', types: {} }, prerequisites: {},
    target: {
      name: 'local', profile: 'conformant', embedded: true, readOnly: false, clientAuth: 'client_secret_post', gaps: [],
      baseUrl: 'http://127.0.0.1:9/fhir', tokenUrl: 'http://127.0.0.1:9/oauth/token',
    } as unknown as RunContext['target'],
  };
}

export async function collectClaims(): Promise<Claims> {
  const dir = mkdtempSync(join(tmpdir(), 'dhp-claims-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'context.json'), JSON.stringify(dryContext(dir)));
  process.env.DHP_RUN_CONTEXT = join(dir, 'context.json');
  process.env.DHP_RUN_DIR = dir;
  for (const k of ['DHP_CLIENT_ID', 'DHP_CLIENT_SECRET', 'DHP_SEARCH_TYPES']) delete process.env[k];
  const vitest = await createVitest('test', { root: PROJECT_ROOT, project: ['conformance'], watch: false, reporters: [] });
  try {
    const { testModules } = await vitest.collect();
    const claims: Record<string, string[]> = {};
    const errors: string[] = [];
    for (const m of testModules) {
      const file = m.relativeModuleId;
      for (const e of m.errors()) errors.push(`${file}: ${e.message}`);
      for (const t of m.children.allTests()) {
        const id = t.meta().capability;
        if (id) (claims[id] ??= []).includes(file) || claims[id].push(file);
      }
    }
    return { claims, errors };
  } finally {
    await vitest.close();
  }
}

if (process.argv[1]?.endsWith('capability-claims.ts')) {
  const c = await collectClaims();
  console.log(JSON.stringify(c, null, 2));
}
