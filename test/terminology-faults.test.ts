// Self-tests of the terminology suite against the reference server: conformant, every terminology:* capability passes
// (and, with the matrix still expecting the AV5 gap, every UZ Core one reports gap-closed: what the nightly shows the
// night the IG is loaded); playground, every UZ Core one is the not-loaded expected gap and the international ones
// pass; each terminology fault flips exactly the ids whose checks it breaks (computed from the plans the suite draws,
// with the run's seed). Five CLI runs of the terminology suite, side by side.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { planFor } from '../lib/checks/terminology-plan.ts';
import { DEFAULT_MATRIX_PATH, loadMatrix } from '../lib/matrix/load.ts';
import { draw } from '../lib/run/seed.ts';
import { parseTerminologyId, UZ_CORE_PREFIX } from '../lib/terminology/ids.ts';
import { idsWith, runCli } from './support/run-cli.ts';

const SEED = '20260603';
const ids = loadMatrix().matrix.capabilities.filter((c) => c.suite === 'terminology').map((c) => c.id).sort();
const uzCore = ids.filter((id) => id.startsWith(`${UZ_CORE_PREFIX}:`));
const others = ids.filter((id) => !id.startsWith(`${UZ_CORE_PREFIX}:`));
const run = (args: string[], only?: string[]) => runCli(['run', '--suite', 'terminology', '--seed', SEED, ...args], only ? { DHP_TERMINOLOGY_IDS: only.join(',') } : {});

/** The ids whose drawn plan satisfies `pick` (the checks a fault can break). */
function planned(pick: (p: ReturnType<typeof planFor>) => boolean): string[] {
  return ids.filter((id) => {
    const parsed = parseTerminologyId(id);
    return parsed && pick(planFor(parsed, draw(Number(SEED), id)));
  });
}

describe.concurrent('terminology suite against the reference server', () => {
  test('playground: every UZ Core capability is the not-loaded expected gap (AV5), the international ones pass', async () => {
    const r = await run(['--profile', 'playground']);
    expect(idsWith(r.results, 'expected-gap')).toEqual(uzCore);
    expect(idsWith(r.results, 'pass').filter((id) => id.startsWith('terminology:'))).toEqual(others);
    for (const c of r.results!.capabilities.filter((x) => x.verdict === 'expected-gap')) expect(c.reason, c.id).toMatch(/^not-loaded as expected \(AV5 since 2026-06-03\)/);
    expect(r.code).toBe(0);
  }, 600_000);

  // One run proves both: a gap-closed verdict is given only where the capability's checks all passed.
  test('conformant (with the playground gaps still in the matrix): every UZ Core capability is gap-closed, every other passes', async () => {
    const m = JSON.parse(readFileSync(DEFAULT_MATRIX_PATH, 'utf8'));
    m.targets.local.profiles.conformant.gapsOf = 'playground';
    const file = join(mkdtempSync(join(tmpdir(), 'dhp-matrix-')), 'capabilities.json');
    writeFileSync(file, JSON.stringify(m));
    const r = await run(['--profile', 'conformant', '--matrix', file]);
    expect(r.results, r.stderr.slice(-2000)).toBeDefined();
    const mine = r.results!.capabilities.filter((c) => c.suite === 'terminology');
    expect(mine.map((c) => c.id).sort()).toEqual(ids);
    expect(mine.filter((c) => c.verdict !== (c.id.startsWith(`${UZ_CORE_PREFIX}:`) ? 'gap-closed' : 'pass')).map((c) => `${c.id}: ${c.verdict} ${c.reason ?? ''}`)).toEqual([]);
    expect(r.code).toBe(0);
  }, 600_000);

  // Each run is restricted to the operations whose requests reach the faulty behaviour (the others send no filter,
  // no displayLanguage and call no $validate-code); within them the flipped set must be exact.
  test.for([
    ['validate-code-always-true', ['uz-core:validate-code', 'uz-core:validate-code-vs', 'international', 'uz-core:lookup'],
      () => planned((p) => ['validate-code', 'validate-code-vs', 'international'].includes(p.op))],
    ['expand-ignores-filter', ['uz-core:expand'], () => planned((p) => p.op === 'expand' && !!p.plan.filter)],
    ['supplements-ignored', ['uz-core:expand', 'uz-core:designation', 'uz-core:lookup'],
      () => planned((p) => p.op === 'designation' || (p.op === 'expand' && !!p.plan.language?.supplementDependent))],
  ] as const)('fault %s flips exactly the capabilities whose checks it breaks', { timeout: 600_000 }, async ([fault, only, expected]) => {
    const r = await run(['--profile', 'conformant', '--fault', fault], [...only]);
    const flipped = expected();
    expect(flipped.length).toBeGreaterThan(0);
    expect(idsWith(r.results, 'fail', 'error')).toEqual(flipped);
    const ran = r.results!.capabilities.filter((c) => c.suite === 'terminology' && c.verdict !== 'not-run').map((c) => c.id);
    expect(ran.length).toBe(ids.filter((id) => only.some((o) => id.startsWith(`terminology:${o}:`))).length);
    expect(r.code).toBe(1);
  });
});
