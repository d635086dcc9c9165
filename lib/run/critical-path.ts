// The critical path of a run: the longest chain of round trips that had to happen one after another. With a
// server that answers every request in exactly L ms and unlimited concurrency, no run of the same checks can
// finish faster than (chain length × L); the benchmark compares the wall time with that bound.
//
// Definition (computed from the run's own request log, lib/client/request-log.ts). Request B depends on
// request A when A was answered before B was issued (A.end ≤ B.issued — "issued" is when the check called the
// client, before it waited for a permit, so queueing behind the limiter creates no dependency) and A is in
//   - B's own scope (one check, or one hook: the awaits of its code), or
//   - a scope B's scope is ordered after:
//       a check           after the beforeAll hooks of every suite enclosing it;
//       a beforeAll hook  after the beforeAll hooks of the suites enclosing its suite;
//       an afterAll hook  after the beforeAll hooks enclosing it and everything inside its suite (checks, hooks).
// Nothing else orders requests: checks of a suite are not ordered after one another even where vitest ran them
// in sequence (that order is the harness's choice, not a dependency), so the bound is what full concurrency
// would reach. chain(B) = 1 + max chain(A) over B's dependencies; the critical path is the largest chain.
import type { RequestRecord, ScopeRecord } from '../client/request-log.ts';

export interface CriticalPath {
  /** Round trips on the longest chain. */
  length: number;
  /** The scopes the chain passes through, in order, with how many of its round trips each holds. */
  steps: { scope: string; name: string; roundTrips: number }[];
}

interface Node { r: RequestRecord; chain: number; prev?: Node }

export function criticalPath(requests: RequestRecord[], scopes: Map<string, ScopeRecord>): CriticalPath {
  // Per scope: the request with the longest chain among those answered so far.
  const bestOfScope = new Map<string, Node>();
  // Per suite: the best answered request of any scope inside it (what its afterAll depends on).
  const bestInSuite = new Map<string, Node>();
  const better = (a: Node | undefined, b: Node | undefined) => (!a ? b : !b ? a : b.chain > a.chain ? b : a);

  const nodes = requests.map((r): Node => ({ r, chain: 0 }));
  type Event = { t: number; end: boolean; n: Node };
  const events: Event[] = [];
  for (const n of nodes) events.push({ t: n.r.i, end: false, n }, { t: n.r.e, end: true, n });
  // At equal times an answer comes before an issue: A.end ≤ B.issued counts as a dependency.
  events.sort((a, b) => a.t - b.t || (a.end === b.end ? 0 : a.end ? -1 : 1));

  let top: Node | undefined;
  for (const { end, n } of events) {
    const scope = scopes.get(n.r.s);
    if (!end) {
      let prev = bestOfScope.get(n.r.s);
      if (scope) {
        const enclosing = scope.kind === 'beforeAll' ? scope.suites.slice(0, -1) : scope.suites;
        if (scope.kind !== 'other') for (const suite of enclosing) prev = better(prev, bestOfScope.get(`beforeAll:${suite}`));
        if (scope.kind === 'afterAll') prev = better(prev, bestInSuite.get(scope.suites.at(-1)!));
      }
      n.prev = prev;
      n.chain = 1 + (prev?.chain ?? 0);
      continue;
    }
    bestOfScope.set(n.r.s, better(bestOfScope.get(n.r.s), n)!);
    for (const suite of scope?.suites ?? []) bestInSuite.set(suite, better(bestInSuite.get(suite), n)!);
    top = better(top, n);
  }

  const steps: CriticalPath['steps'] = [];
  for (let n = top; n; n = n.prev) {
    const last = steps[0];
    if (last && last.scope === n.r.s) last.roundTrips++;
    else steps.unshift({ scope: n.r.s, name: scopes.get(n.r.s)?.name ?? n.r.s, roundTrips: 1 });
  }
  return { length: top?.chain ?? 0, steps };
}
