// Which check (or hook) a request belongs to, carried by AsyncLocalStorage through every await: checks run
// concurrently on one shared client, so "the exchanges recorded while this check ran" would mix checks; "the
// exchanges made inside this check's async context" does not. The request log names the scope of every request,
// from which the benchmark derives the chains of dependent round trips (lib/run/critical-path.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Exchange } from './http.ts';

export type ScopeKind = 'test' | 'beforeAll' | 'afterAll' | 'other';

export interface RequestScope {
  /** Unique in the run: a vitest task id, or `<kind>:<suite id>` for a hook. */
  id: string;
  kind: ScopeKind;
  /** Ids of the enclosing vitest suites, outermost (the file) first; for a hook, ending with its own suite. */
  suites: string[];
  /** A name for people reading the critical path (test title, or hook + suite name). */
  name: string;
  /** The exchanges of this scope, kept as the check's evidence (undefined: not kept). */
  exchanges?: Exchange[];
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` with `scope` as the scope of every request it makes, however deep and however concurrent. */
export function inScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}
