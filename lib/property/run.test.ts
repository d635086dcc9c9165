import fc from 'fast-check';
import { expect, test } from 'vitest';
import { TransportError } from '../client/http.ts';
import { CheckFailure } from '../verdicts.ts';
import { assertProperty, propertySeed } from './run.ts';

test('a failing property becomes a CheckFailure with the shrunk counterexample, the seed and the cause', async () => {
  const notes: string[] = [];
  const err = await assertProperty(fc.asyncProperty(fc.integer({ min: 0, max: 100 }), async (n) => {
    if (n >= 10) throw new CheckFailure(`too big: ${n}`);
  }), { numRuns: 200, label: 'demo', note: (t) => notes.push(t) }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CheckFailure);
  expect((err as CheckFailure).kind).toBe('wrong');
  expect((err as Error).message).toMatch(/Counterexample: \[10\]/);
  expect((err as Error).message).toMatch(/Caused by: too big: 10/);
  expect(notes[0]).toMatch(/^fast-check demo: seed -?\d+, numRuns 200/);
});

test('a transport problem inside the property stays a TransportError (verdict error, not fail)', async () => {
  const err = await assertProperty(fc.asyncProperty(fc.constant(1), async () => {
    throw new TransportError('timeout', 'GET x', 'no answer');
  }), { numRuns: 3, label: 'demo' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TransportError);
});

test.for([
  ['42', 42], ['-7', -7], ['', undefined], ['abc', undefined],
] as const)('DHP_FC_SEED=%s', ([v, expected]) => {
  const seed = propertySeed({ DHP_FC_SEED: v });
  if (expected === undefined) expect(Number.isInteger(seed)).toBe(true);
  else expect(seed).toBe(expected);
});
