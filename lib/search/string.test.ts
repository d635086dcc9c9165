// String matcher: default/contains/exact over strings, HumanName and Address, with Uzbek Latin and Cyrillic folding.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseValue } from './query.ts';
import { fold, matches } from './string.ts';
import { UnsupportedSearchError } from './query.ts';

const at = (q: string, target: unknown, modifier?: string) => matches([target], parseValue(q, 'string'), modifier);

// R5 search.html "string", verbatim in `why`.
describe('R5 spec examples', () => {
  test.for([
    { query: 'eve', modifier: undefined, target: 'Eve', expected: true, why: 'given name "Eve"' },
    { query: 'eve', modifier: undefined, target: 'Evelyn', expected: true, why: '"Evelyn"' },
    { query: 'eve', modifier: undefined, target: 'Severine', expected: false, why: '"eve" at the start of the name' },
    { query: 'eve', modifier: 'contains', target: 'Severine', expected: true, why: 'and also "Severine"' },
    { query: 'Eve', modifier: 'exact', target: 'Eve', expected: true, why: 'a given part that is exactly "Eve"' },
    { query: 'Eve', modifier: 'exact', target: 'eve', expected: false, why: 'would not include patients with the given name "eve"' },
    { query: 'Eve', modifier: 'exact', target: 'EVE', expected: false, why: 'or "EVE"' },
    { query: 'Eve', modifier: 'exact', target: 'Evelyn', expected: false, why: 'the entire supplied parameter' },
    { query: 'Quinones', modifier: undefined, target: { family: 'Carreno Quinones' }, expected: true, why: 'searching either "Carreno" or "Quinones" should match' },
    { query: 'Carreno', modifier: undefined, target: { family: 'Carreno Quinones' }, expected: true, why: 'searching either "Carreno" or "Quinones" should match' },
  ])('$query:$modifier vs $target: $why', ({ query, modifier, target, expected }) => expect(at(query, target, modifier)).toBe(expected));
});

describe('modifier × script × target', () => {
  test.for([
    // query, modifier, target, expected
    ['oʻgʻ', undefined, 'Oʻgʻiloy', true], // the same apostrophe shape; other shapes: the advisory check, apostrophes.ts
    ['Og', undefined, 'Oʻgʻiloy', false],
    ['zeoие', undefined, 'ZéÖйёx', true], // é ö й ё fold to e o и е
    ['zmabc', undefined, 'KzmAbcAlpha', false], // starts with, not anywhere
    ['тошкент', undefined, 'Тошкент', true],
    ['ТОШ', undefined, 'Тошкент шаҳри', true],
    ['ўзбекистон', undefined, 'Ўзбекистон', true],
    ['узбек', undefined, 'Ўзбекистон', true],
    ['шаҳноза', undefined, 'Шаҳноза', true],
    ['шахноза', undefined, 'Шаҳноза', false],
    ['jose', undefined, 'José', true],
    ['JOSÉ', undefined, 'jose', true],
    ['anna maria', undefined, 'Anna   Maria', true],
    ['gulnora', undefined, 'Gul-nora', true],
    ['кент', 'contains', 'Тошкент', true],
    ['gʻil', 'contains', 'Oʻgʻiloy', true],
    ['Тошкент', 'exact', 'Тошкент', true],
    ['тошкент', 'exact', 'Тошкент', false],
    ['José', 'exact', 'Jose\u0301', true],
    ['Jose', 'exact', 'José', false],
    ["O'g'iloy", 'exact', 'Oʻgʻiloy', false],
    ['zMaBCaLPHA', 'exact', 'ZmAbcAlpha', false],
    ['Karim', undefined, { given: ['Akmal'], family: 'Karimov', use: 'official' }, true],
    ['official', undefined, { given: ['Akmal'], family: 'Karimov', use: 'official' }, false],
    ['Akm', undefined, { given: ['Akmal'], family: 'Karimov' }, true],
    ['Yunus', undefined, { line: ['Amir Temur 1'], city: 'Toshkent', district: 'Yunusobod' }, true],
    ['100', undefined, { city: 'Toshkent', postalCode: '100000' }, true],
    ['home', undefined, { city: 'Toshkent', use: 'home' }, false],
    ['Toshkent', undefined, { text: 'Toshkent, Yunusobod' }, true],
  ] as const)('%s :%s vs %j → %s', ([q, modifier, target, expected]) => expect(at(q, target, modifier)).toBe(expected));

  test(':missing', () => expect(matches([], parseValue('true', 'string'), 'missing')).toBe(true));
  test(':text is not judged', () => expect(() => at('x', 'x', 'text')).toThrow(UnsupportedSearchError));
});

test('fold is idempotent and every value starts with each of its own prefixes in any case', () => {
  const text = fc.string({ unit: fc.constantFrom(...'aAoOʻʼ\'‘’`gGшШҳҲўЎéÉ -') });
  fc.assert(
    fc.property(text, fc.nat(), (s, cut) => {
      const prefix = [...s].slice(0, cut % (s.length + 1)).join('');
      return fold(fold(s)) === fold(s) && at(prefix.toUpperCase(), s) && at(prefix.toLowerCase(), s);
    }),
  );
});
