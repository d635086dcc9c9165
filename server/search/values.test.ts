import { describe, expect, test } from 'vitest';
import { parseDateRange } from './dates.ts';
import { parseReference, parseToken, splitEscaped, splitPrefix, unescapeValue } from './values.ts';

describe('value parsing', () => {
  test('splitEscaped keeps escapes until unescapeValue', () => {
    expect(splitEscaped('a,b\\,c,d', ',')).toEqual(['a', 'b\\,c', 'd']);
    expect(splitEscaped('a\\\\,b', ',')).toEqual(['a\\\\', 'b']); // an escaped backslash does not escape the comma
    expect(splitEscaped('x$y\\$z', '$').map(unescapeValue)).toEqual(['x', 'y$z']);
  });
  test.for([
    ['code', { system: undefined, code: 'code' }],
    ['sys|code', { system: 'sys', code: 'code' }],
    ['|code', { system: null, code: 'code' }],
    ['sys|', { system: 'sys', code: undefined }],
    ['a\\|b', { system: undefined, code: 'a|b' }],
    ['http://x|a|b', { system: 'http://x', code: 'a|b' }],
  ] as [string, object][])('parseToken(%s)', ([s, out]) => expect(parseToken(s)).toEqual(out));
  test.for([
    ['gt2020', 'gt', '2020'],
    ['2020', 'eq', '2020'],
    ['ap-5', 'ap', '-5'],
    ['ne.5', 'ne', '.5'],
    ['eq', 'eq', 'eq'],
  ])('splitPrefix(%s)', ([s, p, rest]) => expect(splitPrefix(s)).toEqual({ prefix: p, rest }));
  test.for([
    ['Patient/1', { rtype: 'Patient', rid: '1' }],
    ['1', { rid: '1' }],
    ['https://dhp.uz/fhir/Patient/1', { rtype: 'Patient', rid: '1', url: 'https://dhp.uz/fhir/Patient/1' }],
    ['urn:uuid:abc', { url: 'urn:uuid:abc' }],
    ['http://x.org/vs|2.0', { url: 'http://x.org/vs', version: '2.0' }],
    ['http://x.org/fhir/ValueSet', { url: 'http://x.org/fhir/ValueSet' }],
  ] as [string, object][])('parseReference(%s)', ([s, out]) => expect(parseReference(s)).toEqual(out));
});

describe('parseDateRange precision', () => {
  const ms = (s: string) => Date.parse(s);
  test.for([
    ['2020', '2020-01-01T00:00:00.000Z', '2020-12-31T23:59:59.999Z'],
    ['2020-02', '2020-02-01T00:00:00.000Z', '2020-02-29T23:59:59.999Z'],
    ['2021-02-28', '2021-02-28T00:00:00.000Z', '2021-02-28T23:59:59.999Z'],
    ['2020-06-15T10:30', '2020-06-15T10:30:00.000Z', '2020-06-15T10:30:59.999Z'],
    ['2020-06-15T10:30:05Z', '2020-06-15T10:30:05.000Z', '2020-06-15T10:30:05.999Z'],
    ['2020-06-15T10:30:05.1Z', '2020-06-15T10:30:05.100Z', '2020-06-15T10:30:05.199Z'],
    ['2020-06-15T10:30:05.123456Z', '2020-06-15T10:30:05.123Z', '2020-06-15T10:30:05.123Z'],
    ['2020-06-15T10:30:05+05:00', '2020-06-15T05:30:05.000Z', '2020-06-15T05:30:05.999Z'],
    ['0050-01-01', '0050-01-01T00:00:00.000Z', '0050-01-01T23:59:59.999Z'],
  ])('%s', ([s, lo, hi]) => expect(parseDateRange(s)).toEqual({ low: ms(lo), high: ms(hi) }));
});
