// The generators' promise, checked by the oracle: match and second match are selected, the decoy is not.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  arbitraryDateCase, arbitraryNumberCase, arbitraryQuantityCase, arbitraryReferenceCase, arbitraryStringCase,
  arbitraryTokenCase, arbitraryUriCase, holds,
} from './values.ts';
import type { SearchCase } from './values.ts';

const generators: Record<string, fc.Arbitrary<SearchCase>> = {
  'date/date': arbitraryDateCase('date'),
  'date/dateTime': arbitraryDateCase('dateTime'),
  'date/instant': arbitraryDateCase('instant'),
  'date/Period': arbitraryDateCase('Period'),
  'date/Timing': arbitraryDateCase('Timing'),
  number: arbitraryNumberCase(),
  quantity: arbitraryQuantityCase(),
  'string/string': arbitraryStringCase('string'),
  'string/HumanName': arbitraryStringCase('HumanName'),
  'string/Address': arbitraryStringCase('Address'),
  'token/Coding': arbitraryTokenCase('Coding'),
  'token/CodeableConcept': arbitraryTokenCase('CodeableConcept'),
  'token/Identifier': arbitraryTokenCase('Identifier'),
  'token/code': arbitraryTokenCase('code'),
  reference: arbitraryReferenceCase(),
  uri: arbitraryUriCase(),
};

describe('every generated case holds by the oracle', () => {
  test.for(Object.keys(generators))('%s', (key) => {
    fc.assert(fc.property(generators[key], (c) => holds(c) && !Object.is(c.match, c.decoy)), { numRuns: 200 });
  });
});

test('string queries vary case but keep the apostrophe as planted (its other shapes are an advisory rule)', () => {
  const samples = fc.sample(arbitraryStringCase('string'), 300);
  expect(samples.some((c) => c.query.includes('ʻ'))).toBe(true);
  expect(samples.every((c) => !/[ʼ'‘’`]/.test(c.query))).toBe(true);
  expect(samples.some((c) => /\p{Script=Cyrillic}/u.test(c.query))).toBe(true);
  expect(samples.every((c) => c.query !== c.match)).toBe(true);
});

test('a token decoy differs from the match only by system', () => {
  fc.assert(fc.property(arbitraryTokenCase('Coding'), (c) => {
    const m = c.match as { system: string; code: string }, d = c.decoy as { system: string; code: string };
    return m.code === d.code && m.system !== d.system;
  }));
});
