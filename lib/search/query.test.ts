// Query syntax: escapes, OR splitting, prefixes, modifiers, and the format ∘ parse round trip.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { escapeValue, formatOr, formatValue, parseParamName, parseQuery, parseValue, splitOr, unescapeValue } from './query.ts';

describe('splitOr', () => {
  test.for([
    // spec: "code=a,b is a request for any Observation that has a code of either a or b"
    { raw: 'a,b', expected: ['a', 'b'] },
    // spec: "code=a\,b is a request for any Observation that has a code of a,b"
    { raw: 'a\\,b', expected: ['a\\,b'] },
    { raw: 'x\\\\,y', expected: ['x\\\\', 'y'] },
    { raw: '', expected: [''] },
  ])('$raw', ({ raw, expected }) => expect(splitOr(raw)).toEqual(expected));
});

describe('parseValue', () => {
  test.for([
    { raw: 'ge2013-01-14', type: 'date', prefix: 'ge', value: '2013-01-14' },
    { raw: '2013-01-14', type: 'date', prefix: undefined, value: '2013-01-14' },
    { raw: 'ne-5', type: 'number', prefix: 'ne', value: '-5' },
    { raw: 'gt5.4|http://unitsofmeasure.org|mg', type: 'quantity', prefix: 'gt', value: '5.4|http://unitsofmeasure.org|mg' },
    // prefixes exist only for ordered types: a token that looks like one is a code
    { raw: 'gt5', type: 'token', prefix: undefined, value: 'gt5' },
    { raw: 'eqx', type: 'date', prefix: undefined, value: 'eqx' },
    // spec: "param=xx\$xx indicates that the parameter has the literal value xx$xx"
    { raw: 'xx\\$xx', type: 'string', prefix: undefined, value: 'xx$xx' },
    // spec: "the parameter value param=xx\\xx indicates a literal value of xx\xx"
    { raw: 'xx\\\\xx', type: 'string', prefix: undefined, value: 'xx\\xx' },
  ] as const)('$raw as $type', ({ raw, type, prefix, value }) => {
    const p = parseValue(raw, type);
    expect(p.prefix).toBe(prefix);
    expect(p.value).toBe(value);
  });

  test('| splits parts, \\| does not', () => {
    expect(parseValue('http://a|b\\|c', 'token').parts).toEqual(['http://a', 'b|c']);
    expect(parseValue('|c', 'token').parts).toEqual(['', 'c']);
    expect(parseValue('s|', 'token').parts).toEqual(['s', '']);
  });

  // spec: "The parameter value xx\xx is illegal"
  test('illegal escape throws', () => expect(() => unescapeValue('xx\\xx')).toThrow(SyntaxError));
});

test.for([
  { key: 'name', name: 'name', modifier: undefined },
  { key: 'name:exact', name: 'name', modifier: 'exact' },
  { key: 'subject:Patient', name: 'subject', modifier: 'Patient' },
  { key: 'code:not', name: 'code', modifier: 'not' },
])('parseParamName $key', ({ key, name, modifier }) => expect(parseParamName(key)).toEqual({ name, modifier }));

test('format then parse returns the parts, whatever they contain', () => {
  const parts = fc.array(fc.string({ unit: fc.constantFrom('a', ',', '$', '|', '\\', 'ʻ', ' ') }), { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(fc.array(parts, { minLength: 1, maxLength: 3 }), (alternatives) => {
      const raw = formatOr(alternatives.map((p) => formatValue(p)));
      expect(parseQuery(raw, 'token').map((v) => v.parts)).toEqual(alternatives);
    }),
  );
});

test('escapeValue ∘ unescapeValue is the identity', () => {
  fc.assert(fc.property(fc.string(), (s) => unescapeValue(escapeValue(s)) === s));
});
