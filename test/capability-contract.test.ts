// The capability contract, both ways: every id of the matrix is claimed by a check of some suite or carries a
// `notTested` reason in the matrix (never both), and every id a check names is in the matrix. Claims come from a dry
// collection of the suites (scripts/capability-claims.ts: vitest collects the test files, runs nothing), so
// data-driven suites are seen exactly as they will run.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT, loadMatrix } from '../lib/matrix/load.ts';
import type { Claims } from '../scripts/capability-claims.ts';

function collect(): Claims {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|DHP_|TINYPOOL)/.test(k) && k !== 'NODE_OPTIONS'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'capability-claims.ts')], { cwd: PROJECT_ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 240_000 });
  if (r.status !== 0) throw new Error(`collecting the suites' claims failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as Claims;
}

/** One line per offending id, grouped by suite, so the failure says exactly what to fix. */
const listing = (ids: string[], why: string) => (ids.length ? `${ids.length} ${why}:\n  ${ids.join('\n  ')}` : '');

describe('the capability contract', () => {
  const { matrix } = loadMatrix();
  const claims = collect();

  test('every suite file collects', () => {
    expect(claims.errors).toEqual([]);
  });

  test('every capability of the matrix is claimed by a check, or says in the matrix why it is not tested', () => {
    const unclaimed = matrix.capabilities.filter((c) => !claims.claims[c.id] && !c.notTested).map((c) => `${c.id} (suite ${c.suite})`);
    expect(listing(unclaimed, 'capabilities no check claims and the matrix gives no notTested reason for (add a check, or a notTested reason where the matrix is built)')).toBe('');
  });

  test('no capability is both checked and marked notTested', () => {
    const both = matrix.capabilities.filter((c) => c.notTested && claims.claims[c.id]).map((c) => `${c.id} (claimed by ${claims.claims[c.id]!.join(', ')})`);
    expect(listing(both, 'capabilities marked notTested that a check claims anyway')).toBe('');
  });

  test('every capability a check names is in the matrix', () => {
    const ids = new Set(matrix.capabilities.map((c) => c.id));
    const unknown = Object.entries(claims.claims).filter(([id]) => !ids.has(id)).map(([id, files]) => `${id} (named in ${files.join(', ')})`);
    expect(listing(unknown, 'capability ids named by checks but absent from capabilities.json (regenerate the matrix or fix the suite)')).toBe('');
  });

  test('the claims are not vacuous: every suite of the matrix claims something', () => {
    const claimedSuites = new Set(matrix.capabilities.filter((c) => claims.claims[c.id]).map((c) => c.suite));
    const suites = [...new Set(matrix.capabilities.filter((c) => !c.notTested).map((c) => c.suite))];
    expect(suites.filter((s) => !claimedSuites.has(s))).toEqual([]);
    expect(Object.keys(claims.claims).length).toBeGreaterThan(2900);
  });
});
