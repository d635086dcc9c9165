import { describe, expect, test } from 'vitest';
import { loadMatrix, prerequisitesOf } from '../matrix/load.ts';
import { blockingPrerequisite, prerequisiteOrder, PROBES } from './prerequisites.ts';

const { matrix } = loadMatrix();

/**
 * Prerequisites whose dependents meet their failure inline (no preflight probe): the login flow needs a test user and
 * a driver; paging and family search are seen failing by the very searches that depend on them (lib/search/judge.ts).
 */
const JUDGED_INLINE = ['auth:authorization-code-pkce', 'search:paging', 'search:Patient:family'];
/** A search param the searches across it (_include, chain, :missing) stand on: they re-run its own query when they fail (lib/search/judge-related.ts). */
const PARAM = /^search:[A-Z][A-Za-z]+:[^:]+$/;

describe('prerequisites as data', () => {
  test('every prerequisite the matrix names is probed in the preflight, or judged inline by its dependents', () => {
    const required = [...new Set(matrix.capabilities.flatMap((c) => c.requires ?? []))].sort();
    expect(required.filter((id) => !PROBES[id] && !JUDGED_INLINE.includes(id) && !PARAM.test(id))).toEqual([]);
    expect(Object.keys(PROBES).filter((id) => id !== 'server:capability-statement' && !required.includes(id))).toEqual([]);
  });

  test('the preflight judges each prerequisite after its own prerequisites', () => {
    const order = prerequisiteOrder(matrix);
    for (const [i, id] of order.entries()) for (const p of prerequisitesOf(matrix, id)) if (order.includes(p)) expect(order.indexOf(p), `${p} before ${id}`).toBeLessThan(i);
    expect(order.indexOf('server:create-read')).toBeLessThan(order.indexOf('concurrency:update-with-if-match'));
    expect(order.indexOf('concurrency:update-with-if-match')).toBeLessThan(order.indexOf('concurrency:stale-if-match-412'));
  });

  test('a failed prerequisite blocks its dependents, named by the root cause', () => {
    expect(blockingPrerequisite(['a:1'], { 'a:1': { verdict: 'pass' } })).toBeUndefined();
    expect(blockingPrerequisite(['a:1'], { 'a:1': { verdict: 'not-run', reason: 'read-only' } })).toBeUndefined();
    expect(blockingPrerequisite(['a:1'], {})).toBeUndefined();
    const direct = blockingPrerequisite(['a:1'], { 'a:1': { verdict: 'fail', reason: 'version unchanged' } })!;
    expect([direct.prerequisite, direct.message]).toEqual(['a:1', 'blocked by a:1: version unchanged']);
    const via = blockingPrerequisite(['a:2'], { 'a:2': { verdict: 'blocked', rootCause: 'a:1', reason: 'version unchanged' } })!;
    expect([via.prerequisite, via.message]).toEqual(['a:1', 'blocked by a:1: (via a:2) version unchanged']);
    expect(blockingPrerequisite(['a:1'], { 'a:1': { verdict: 'error', reason: 'timeout' } })!.message).toBe('blocked by a:1: could not be judged: timeout');
  });
});

test('only the prerequisites of the selected suites are judged first', () => {
  expect(prerequisiteOrder(matrix, ['availability'])).toEqual([]);
  expect(prerequisiteOrder(matrix, ['auth'])).toEqual(['auth:api-requires-token', 'auth:authorization-code-pkce']);
  expect(prerequisiteOrder(matrix, ['transactions'])).toEqual(expect.arrayContaining(['server:create-read', 'transaction:response', 'transaction:atomic', 'concurrency:update-with-if-match']));
  expect(prerequisiteOrder(matrix, ['transactions'])).not.toContain('concurrency:stale-if-match-412');
});
