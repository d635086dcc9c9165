// "A verdict that flips between seeds is reported with both seeds": compares two runs' results.json (nightly rotates
// the seed) capability by capability. Pure, so the history and the dashboard can call it on any two runs. A flip is
// only blamed on the seed when the two runs differ in nothing else that decides a verdict (harness, matrix, target,
// faults, suites); otherwise the comparison says what else changed.
import type { Results } from './results.ts';
import type { Verdict } from '../verdicts.ts';

export interface RunSide { runId: string; seed: number; verdict: Verdict; reason?: string }
export interface VerdictFlip { id: string; suite: string; a: RunSide; b: RunSide }

export interface SeedComparison {
  /** The seeds of the two runs (equal seeds: any flip is non-determinism of the harness or the server). */
  seeds: [number, number];
  /** What else differs between the runs, besides the seed (empty: the seed is the only difference). */
  otherDifferences: string[];
  flips: VerdictFlip[];
}

type RunKey = Pick<Results, 'harness' | 'matrix' | 'target' | 'options'>;

function differences(a: RunKey, b: RunKey): string[] {
  const out: string[] = [];
  const same = (what: string, x: unknown, y: unknown) => { if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${what}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`); };
  same('harness', [a.harness.version, a.harness.commit], [b.harness.version, b.harness.commit]);
  same('matrix', a.matrix.sha256, b.matrix.sha256);
  same('target', [a.target.name, a.target.profile, a.target.readOnly], [b.target.name, b.target.profile, b.target.readOnly]);
  same('faults', a.target.faults ?? [], b.target.faults ?? []);
  same('suites', [...a.options.suites].sort(), [...b.options.suites].sort());
  same('shard', a.options.shard, b.options.shard);
  return out;
}

export function compareRuns(a: Pick<Results, 'runId' | 'seed' | 'capabilities'> & RunKey, b: Pick<Results, 'runId' | 'seed' | 'capabilities'> & RunKey): SeedComparison {
  const other = new Map(b.capabilities.map((c) => [c.id, c]));
  const flips: VerdictFlip[] = [];
  // A capability of a suite one run did not select was not judged there: no flip.
  const judgedInBoth = (suite: string) => a.options.suites.includes(suite) && b.options.suites.includes(suite);
  for (const x of a.capabilities) {
    const y = other.get(x.id);
    if (!y || y.verdict === x.verdict || !judgedInBoth(x.suite)) continue;
    flips.push({
      id: x.id, suite: x.suite,
      a: { runId: a.runId, seed: a.seed, verdict: x.verdict, ...(x.reason && { reason: x.reason }) },
      b: { runId: b.runId, seed: b.seed, verdict: y.verdict, ...(y.reason && { reason: y.reason }) },
    });
  }
  return { seeds: [a.seed, b.seed], otherDifferences: differences(a, b), flips };
}

/** The report a person reads: every flip with both seeds (and how to replay each). */
export function formatComparison(c: SeedComparison): string[] {
  const [s1, s2] = c.seeds;
  const lines = [c.flips.length
    ? `${c.flips.length} verdict${c.flips.length === 1 ? '' : 's'} flip between seed ${s1} and seed ${s2}${s1 === s2 && !c.otherDifferences.length ? ' (the same seed: the harness or the server is not deterministic)' : ''}:`
    : `no verdict flips between seed ${s1} and seed ${s2}`];
  if (c.otherDifferences.length) lines.push(`  note: the runs differ in more than the seed, so a flip may be a change of what is named here: ${c.otherDifferences.join('; ')}`);
  for (const f of c.flips) {
    lines.push(`  ${f.id}: ${f.a.verdict} with seed ${f.a.seed} (--seed ${f.a.seed}), ${f.b.verdict} with seed ${f.b.seed} (--seed ${f.b.seed})`);
    for (const side of [f.a, f.b]) if (side.reason) lines.push(`    seed ${side.seed}: ${side.reason.split('\n')[0]!.slice(0, 240)}`);
  }
  return lines;
}
