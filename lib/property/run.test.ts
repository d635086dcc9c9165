import fc from 'fast-check';
import { expect, test } from 'vitest';
import { TransportError } from '../client/http.ts';
import { CheckFailure, HarnessError } from '../verdicts.ts';
import { assertProperty, propertySeed } from './run.ts';

test('a failing property becomes a CheckFailure with the shrunk counterexample, the seed and the cause', async () => {
  const notes: string[] = [];
  const err = await assertProperty(fc.asyncProperty(fc.integer({ min: 0, max: 100 }), async (n) => {
    if (n >= 10) throw new CheckFailure(`too big: ${n}`);
  }), { numRuns: 200, label: 'demo', note: (t) => notes.push(t), runSeed: 1 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CheckFailure);
  expect((err as CheckFailure).kind).toBe('wrong');
  expect((err as Error).message).toMatch(/Counterexample: \[10\]/);
  expect((err as Error).message).toMatch(/Caused by: too big: 10/);
  expect(notes[0]).toMatch(/^fast-check demo: seed \d+, numRuns 200/);
});

test('a transport problem inside the property stays a TransportError (verdict error, not fail)', async () => {
  const err = await assertProperty(fc.asyncProperty(fc.constant(1), async () => {
    throw new TransportError('timeout', 'GET x', 'no answer');
  }), { numRuns: 3, label: 'demo', runSeed: 1 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TransportError);
});

test('a harness bug inside the property is a HarnessError (verdict error), not the server\'s failure', async () => {
  const err = await assertProperty(fc.asyncProperty(fc.constant(1), async () => {
    (undefined as unknown as { x: number }).x;
  }), { numRuns: 3, label: 'demo', runSeed: 1 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(HarnessError);
  expect((err as Error).message).toMatch(/the property demo threw TypeError/);
});

test('the seed is a function of the run seed and the label; DHP_FC_SEED overrides it', () => {
  expect(propertySeed(7, 'lost-update', {})).toBe(propertySeed(7, 'lost-update', {}));
  expect(propertySeed(7, 'lost-update', {})).not.toBe(propertySeed(7, 'atomic-property', {}));
  expect(propertySeed(7, 'lost-update', {})).not.toBe(propertySeed(8, 'lost-update', {}));
  expect(propertySeed(7, 'x', { DHP_FC_SEED: '-7' })).toBe(-7);
  expect(() => propertySeed(7, 'x', { DHP_FC_SEED: 'abc' })).toThrow(/DHP_FC_SEED must be an integer/);
});

test('same seeds, same generated inputs', async () => {
  const seen: number[][] = [[], []];
  for (const i of [0, 1]) await assertProperty(fc.asyncProperty(fc.integer(), async (n) => { seen[i]!.push(n); }), { numRuns: 20, label: 'demo', runSeed: 3 });
  expect(seen[0]).toEqual(seen[1]);
});
