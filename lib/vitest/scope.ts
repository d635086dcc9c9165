// Request scopes for vitest tasks: each check and each hook that talks to the target runs in a scope of its own,
// so concurrent checks keep their own evidence and the request log knows what each request belonged to.
import type { RunnerTestSuite, RunnerTask } from 'vitest';
import type { Exchange } from '../client/http.ts';
import { inScope, type RequestScope } from '../client/scope.ts';

/** Ids of the suites enclosing a task (or a suite itself), outermost (the file) first. */
function suitesOf(task: RunnerTask | undefined): string[] {
  const out: string[] = [];
  for (let t = task; t; t = t.suite ?? (t.file !== t ? t.file : undefined)) if (t.type === 'suite') out.unshift(t.id);
  return [...new Set(out)];
}

export function testScope(task: RunnerTask, exchanges: Exchange[]): RequestScope {
  return { id: task.id, kind: 'test', suites: suitesOf(task.suite ?? task.file), name: task.name, exchanges };
}

/**
 * Wraps a beforeAll/afterAll callback so its requests carry the hook's scope: `beforeAll(scopedHook('beforeAll', fn))`.
 * Checks of the suite depend on its beforeAll; its afterAll depends on everything in the suite.
 */
export function scopedHook(kind: 'beforeAll' | 'afterAll', fn: () => Promise<void>): (context: object, suite: Readonly<RunnerTestSuite>) => Promise<void> {
  // vitest reads the first parameter as a fixtures pattern: it must be a destructuring one, even an empty one.
  return ({}, suite) => inScope({ id: `${kind}:${suite.id}`, kind, suites: suitesOf(suite as RunnerTestSuite), name: `${kind} ${suite.name}` }, fn);
}
