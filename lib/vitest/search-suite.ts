// Generates the search suite from the matrix: one describe per resource type, one capabilityTest per labelled
// sub-check of every search param (all with the param's capability id `search:<Type>:<name>`), planting in beforeAll
// and deleting in afterAll; a type the harness may search but not write is judged on what the target holds instead
// (lib/search/judge-found.ts). Suite files stay thin: they only say which share of the types they run.
//
// DHP_SEARCH_TYPES=Observation,Condition restricts the suite to those types (self-tests, quick local runs).
import { afterAll, beforeAll, describe } from 'vitest';
import { formatCoverage, writeCoverage, type ParamCoverage } from '../search/coverage.ts';
import { checkQuery } from '../search/judge.ts';
import { takesFoundValue } from '../search/found-value.ts';
import { checkFound, FoundData } from '../search/judge-found.ts';
import type { ParamPlan } from '../search/plant.ts';
import { TypeFixtures, writableTypes } from '../search/type-fixtures.ts';
import { readEnv } from '../config/env.ts';
import { leftoversWarning } from '../fixtures/teardown.ts';
import { session } from '../run/session.ts';
import { capabilityTest, checkedCapability } from './capability.ts';
import { scopedHook } from './scope.ts';
import { referencePairs, writableOf } from '../search/related.ts';
import { relatedSearchTests, searchTest } from './search-related.ts';

export function selectedSearchTypes(env: NodeJS.ProcessEnv = process.env): string[] | null {
  return readEnv(env).searchTypes;
}

/** Deterministic share of the types for suite file `part` of `parts` (balanced by param count). */
export function typesOfPart(types: { type: string; params: number }[], part: number, parts: number): string[] {
  const loads = Array.from({ length: parts }, () => 0);
  const owner = new Map<string, number>();
  for (const t of [...types].sort((a, b) => b.params - a.params || a.type.localeCompare(b.type))) {
    const i = loads.indexOf(Math.min(...loads));
    loads[i]! += t.params;
    owner.set(t.type, i + 1);
  }
  return types.filter((t) => owner.get(t.type) === part).map((t) => t.type);
}

const displayValue = (p: ParamPlan, label: string) => `${p.type}?${p.param.name}${label.startsWith(':') ? label.split('=')[0] : ''}=… (${label})`;

export function searchParamSuite(part: number, parts: number): void {
  const s = session();
  const selected = selectedSearchTypes();
  const all = s.matrix.resources.filter((r) => !selected || selected.includes(r.type)).map((r) => ({ type: r.type, params: r.searchParams.length }));
  const mine = typesOfPart(all, part, parts);
  const writable = writableTypes(s.matrix, s.gaps);
  const coverage: ParamCoverage[] = [];
  const started = Date.now();
  // The matrix's own pairs (its writability, not this target's): the capability ids name them (related.ts).
  const pairs = referencePairs(s.matrix, writableOf(s.matrix.resources), mine);

  for (const type of mine) {
    const resource = s.matrix.resources.find((r) => r.type === type)!;
    // Types are independent of one another, and so are the checks of a type once it is planted: all concurrent,
    // bounded by the run's limit on requests in flight. Planting (beforeAll) and teardown (afterAll) stay ordered.
    describe.concurrent(`${type} search parameters`, () => {
      const gap = s.gaps.lookup(`endpoint:${type}`);
      const fx = new TypeFixtures(resource, writable, s.ctx.tag, s,
        gap?.kind === 'not-enabled' ? `the target's expected gap ${gap.ticket ?? ''} says the ${type} endpoint is not enabled: nothing can be planted` : undefined, s.matrix);
      // A type the harness may search but not write: judged on what the target holds (read-only-safe, so on every target).
      const found = !writable.has(type) && gap?.kind !== 'not-enabled' ? new FoundData(type, s) : undefined;
      beforeAll(scopedHook('beforeAll', async () => {
        if (found) await found.read(s.client);
        if (!s.ctx.target.readOnly) await fx.plant(s.client);
      }), 600_000);
      afterAll(scopedHook('afterAll', async () => {
        for (const plan of fx.plans) {
          if (found && takesFoundValue(plan.param)) {
            coverage.push({ type, name: plan.param.name, capability: plan.param.capability, paramType: plan.param.type, ...found.coverage(plan.param) });
            continue;
          }
          const problem = plan.status !== 'not-run' && !s.ctx.target.readOnly ? fx.problemFor(plan) : undefined;
          const generatedProblem = plan.generated && !s.ctx.target.readOnly ? fx.problemFor(plan, 'generated') : undefined;
          coverage.push({
            type, name: plan.param.name, capability: plan.param.capability, paramType: plan.param.type,
            status: plan.status === 'not-run' || problem || s.ctx.target.readOnly ? 'not-run' : 'tested',
            reason: plan.reason ?? problem?.message ?? (s.ctx.target.readOnly ? 'read-only target' : generatedProblem ? `generated triple not planted: ${generatedProblem.message}` : undefined),
            where: plan.where, checks: plan.queries.map((q) => q.label), systemDiscriminated: plan.systemDiscriminated,
            extras: plan.extras && Object.keys(plan.extras).length ? Object.keys(plan.extras) : undefined,
          });
        }
        for (const [capability, { kind, plan }] of related) {
          const problem = !s.ctx.target.readOnly ? fx.problemFor(plan) : undefined;
          coverage.push({
            type, name: capability.slice(`search:${type}:`.length), capability, paramType: kind,
            status: problem || s.ctx.target.readOnly ? 'not-run' : 'tested', reason: problem?.message ?? (s.ctx.target.readOnly ? 'read-only target' : undefined), checks: [],
          });
        }
        const warning = leftoversWarning(s.ctx.target.readOnly ? [] : await fx.teardown(s.client, s.matrix));
        if (warning) console.warn(warning);
      }), 600_000);

      for (const plan of fx.plans) {
        const cap = plan.param.capability;
        if (!checkedCapability(s, cap)) continue;
        if (found && takesFoundValue(plan.param)) {
          capabilityTest(cap, `${type}?${plan.param.name}=… (a value found on the target) returns the ${type} it came from and only ${type} that match`, (c) => checkFound(c, found, plan.param));
          continue;
        }
        if (plan.status === 'not-run') {
          searchTest(fx, cap, plan, `${type}?${plan.param.name} is judged by the search suite (not run: ${plan.reason})`, async () => undefined);
          continue;
        }
        for (const sub of plan.queries) {
          // The type's own fixture tag: other types plant and delete resources of this type concurrently.
          searchTest(fx, cap, plan, `${displayValue(plan, sub.label)} returns exactly the planted resources that match`, (c) => checkQuery(c, fx, plan, sub, fx.queryTag), sub.triple);
        }
      }
      const related = relatedSearchTests(s, fx, pairs);
    });
  }

  afterAll(() => {
    const merged = writeCoverage(s.ctx.runDir, `part-${part}-of-${parts}`, coverage, s.matrix, selected);
    console.log(`${formatCoverage(merged)}\n(search suite part ${part}/${parts}: ${mine.length} types in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });
}
