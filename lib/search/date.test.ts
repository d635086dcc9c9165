// Date matcher: the R5 prefix table, the spec's own examples, and a brute-force set model of the range rules.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { matches, rangeOf } from './date.ts';
import { parseValue } from './query.ts';

const at = (q: string, target: unknown, now?: string) =>
  matches([target], parseValue(q, 'date'), undefined, now ? { now: new Date(now) } : undefined);

describe('rangeOf', () => {
  test.for([
    { value: '2013', precision: 'year', lo: '2013-01-01T00:00:00.000Z', hi: '2014-01-01T00:00:00.000Z' },
    { value: '2013-02', precision: 'month', lo: '2013-02-01T00:00:00.000Z', hi: '2013-03-01T00:00:00.000Z' },
    { value: '2012-02-29', precision: 'day', lo: '2012-02-29T00:00:00.000Z', hi: '2012-03-01T00:00:00.000Z' },
    { value: '2013-01-14T10:00', precision: 'minute, no zone = UTC', lo: '2013-01-14T10:00:00.000Z', hi: '2013-01-14T10:01:00.000Z' },
    { value: '2013-01-14T10:00:05+05:00', precision: 'second', lo: '2013-01-14T05:00:05.000Z', hi: '2013-01-14T05:00:06.000Z' },
    { value: '2013-01-14T10:00:05.1-03:30', precision: 'tenth', lo: '2013-01-14T13:30:05.100Z', hi: '2013-01-14T13:30:05.200Z' },
    { value: '2013-01-14T10:00:05.123456Z', precision: 'ms (finer truncated)', lo: '2013-01-14T10:00:05.123Z', hi: '2013-01-14T10:00:05.124Z' },
  ])('$value ($precision)', ({ value, lo, hi }) => {
    expect(rangeOf(value)).toEqual({ lo: Date.parse(lo), hi: Date.parse(hi) });
  });

  test('year 0099 is not 1999', () => expect(new Date(rangeOf('0099')!.lo).getUTCFullYear()).toBe(99));

  test.for(['2013-13', '2013-02-30', '2013-01-14T24:00', '2013-01-14T10', '13-01-14', '2013-01-14Z', 'now'])(
    '%s is not a date',
    (value) => expect(rangeOf(value)).toBeUndefined(),
  );
});

// The examples of R5 search.html "date", verbatim in `why`.
describe('R5 spec examples', () => {
  const from21Jan = { start: '2013-01-21' };
  const from15Mar = { start: '2013-03-15' };
  const upTo21Jan = { end: '2013-01-21' };
  test.for([
    { query: 'eq2013-01-14', target: '2013-01-14T00:00', expected: true, why: '2013-01-14T00:00 matches (obviously)' },
    { query: 'eq2013-01-14', target: '2013-01-14T10:00', expected: true, why: '2013-01-14T10:00 matches' },
    { query: 'eq2013-01-14', target: '2013-01-15T00:00', expected: false, why: "2013-01-15T00:00 does not match - it's not in the range" },
    { query: 'ne2013-01-14', target: '2013-01-15T00:00', expected: true, why: "2013-01-15T00:00 matches - it's not in the range" },
    { query: 'ne2013-01-14', target: '2013-01-14T00:00', expected: false, why: "2013-01-14T00:00 does not match - it's in the range" },
    { query: 'ne2013-01-14', target: '2013-01-14T10:00', expected: false, why: "2013-01-14T10:00 does not match - it's in the range" },
    { query: 'lt2013-01-14T10:00', target: '2013-01-14', expected: true, why: 'includes the part of 14-Jan 2013 before 10am' },
    { query: 'gt2013-01-14T10:00', target: '2013-01-14', expected: true, why: 'includes the part of 14-Jan 2013 after 10am' },
    { query: 'ge2013-03-14', target: from21Jan, expected: true, why: 'that period may include times after 14-Mar 2013' },
    { query: 'le2013-03-14', target: from21Jan, expected: true, why: 'that period may include times before 14-Mar 2013' },
    { query: 'sa2013-03-14', target: from15Mar, expected: true, why: 'that period starts after 14-Mar 2013' },
    { query: 'sa2013-03-14', target: from21Jan, expected: false, why: 'that period starts before 14-Mar 2013' },
    { query: 'sa2013-03-14', target: upTo21Jan, expected: false, why: 'that period starts (and ends) before 14-Mar 2013' },
    { query: 'eb2013-03-14', target: from15Mar, expected: false, why: 'that period starts after 14-Mar 2013' },
    { query: 'eb2013-03-14', target: from21Jan, expected: false, why: 'starts before 14-Mar 2013, but does not end before it' },
    { query: 'eb2013-03-14', target: upTo21Jan, expected: true, why: 'that period ends before 14-Mar 2013' },
    // ap depends on "now": with now a week after the value, 10% of the gap is under a day.
    { query: 'ap2013-03-14', target: '2013-03-14', expected: true, why: '14-Mar 2013 is included - as it exactly matches' },
    { query: 'ap2013-03-14', target: '2013-01-21', expected: false, why: '21-Jan 2013 is not included (not near 14-Mar 2013)' },
    { query: 'ap2013-03-14', target: '2015-06-15', expected: false, why: '15-Jun 2015 is not included - as it is not near 14-Mar 2013' },
  ])('$query vs $target: $why', ({ query, target, expected }) => {
    expect(at(query, target, '2013-03-21T00:00:00Z')).toBe(expected);
  });
});

describe('prefix × precision × target', () => {
  test.for([
    // value, precision, prefix, target, expected
    ['2013', 'year', 'eq', '2013-07-01', true],
    ['2013', 'year', 'eq', { start: '2013-02-01', end: '2013-11-30' }, true],
    ['2013', 'year', 'eq', { start: '2013-02-01' }, false],
    ['2013', 'year', 'ne', { start: '2013-02-01' }, true],
    ['2013-07', 'month', 'gt', '2013-07-15', false],
    ['2013-07', 'month', 'ge', '2013-07-15', true],
    ['2013-07', 'month', 'gt', '2013', true],
    ['2013-07', 'month', 'lt', '2013', true],
    ['2013-07', 'month', 'sa', '2013', false],
    ['2013-07-14', 'day', 'gt', '2013-07-14T10:00Z', false],
    ['2013-07-14', 'day', 'ge', '2013-07-14T10:00Z', true],
    ['2013-07-14', 'day', 'le', '2013-07-14T10:00Z', true],
    ['2013-07-14', 'day', 'lt', '2013-07-14T10:00Z', false],
    ['2013-07-14', 'day', 'sa', '2013-07-15T00:00:00Z', true],
    ['2013-07-14', 'day', 'eb', '2013-07-13T23:59:59.999Z', true],
    // +05:00 shifts the instant to the previous UTC day (values without zone are UTC)
    ['2013-07-14', 'day', 'eq', '2013-07-14T03:00:00+05:00', false],
    ['2013-07-14', 'day', 'eq', '2013-07-14T10:00:00+05:00', true],
    ['2013-07-14T10:00+05:00', 'minute', 'eq', '2013-07-14T05:00:30Z', true],
    ['2013-07-14T10:00:00+05:00', 'second', 'eq', '2013-07-14T05:00:00.500Z', true],
    ['2013-07-14T10:00:00+05:00', 'second', 'gt', '2013-07-14T05:00:01Z', true],
    ['2013-07-14', 'day', 'eq', { event: ['2013-07-14T09:00:00Z', '2013-07-14T18:00:00Z'] }, true],
    ['2013-07-14', 'day', 'eq', { event: ['2013-07-14T09:00:00Z', '2013-07-16T09:00:00Z'] }, false],
    // Timing: only the outer limits matter, so a day the schedule skips still overlaps
    ['2013-02-01', 'day', 'ap', { repeat: { boundsPeriod: { start: '2013-01-31', end: '2013-03-24' }, frequency: 1, period: 2, periodUnit: 'd' } }, true],
    ['2013-02-01', 'day', 'ge', { repeat: { boundsPeriod: { start: '2013-01-31' } } }, true],
    ['2013-02-01', 'day', 'eq', { repeat: { frequency: 1 } }, false],
    ['2013-02-01', 'day', 'ne', {}, false],
  ] as const)('%s (%s) %s vs %j → %s', ([value, , prefix, target, expected]) => {
    expect(at(prefix + value, target)).toBe(expected);
  });

  test(':missing', () => {
    expect(matches([], parseValue('true', 'date'), 'missing')).toBe(true);
    expect(matches(['2013'], parseValue('true', 'date'), 'missing')).toBe(false);
    expect(matches(['2013'], parseValue('false', 'date'), 'missing')).toBe(true);
  });

  test('any target node suffices', () => expect(at('2013', ['1999'] as never)).toBe(false));
  test('one of several nodes', () =>
    expect(matches(['1999', '2013-05-05'], parseValue('2013', 'date'))).toBe(true));
  test('a malformed search value throws', () => expect(() => at('eq2013-1', '2013')).toThrow(SyntaxError));
});

// Brute force: days as integers, ranges as explicit sets of days, prefixes as the spec's set sentences.
describe('agrees with a set model of the R5 range rules', () => {
  const U0 = Date.UTC(2010, 0, 1) / 86_400_000, U1 = Date.UTC(2017, 0, 1) / 86_400_000;
  const dayOf = (iso: string) => Date.parse(iso.length === 4 ? `${iso}-01-01` : iso.length === 7 ? `${iso}-01` : iso) / 86_400_000;
  const lastDayOf = (iso: string) => {
    const [y, m, d] = iso.split('-').map(Number);
    const next = d ? Date.UTC(y, m - 1, d + 1) : m ? Date.UTC(y, m, 1) : Date.UTC(y + 1, 0, 1);
    return next / 86_400_000 - 1;
  };
  const days = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

  const written = fc
    .record({ d: fc.integer({ min: Date.UTC(2012, 0, 1) / 86_400_000, max: Date.UTC(2014, 11, 31) / 86_400_000 }), p: fc.constantFrom(4, 7, 10) })
    .map(({ d, p }) => new Date(d * 86_400_000).toISOString().slice(0, p));
  const target = fc.oneof(
    written,
    fc.record({ start: fc.option(written, { nil: undefined }), end: fc.option(written, { nil: undefined }) }, { requiredKeys: [] })
      .filter((p) => (p.start !== undefined || p.end !== undefined) && (!p.start || !p.end || dayOf(p.start) <= lastDayOf(p.end))),
  );

  test('every prefix, random values and targets', () => {
    fc.assert(
      fc.property(written, target, fc.constantFrom('eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb'), (value, t, prefix) => {
        const S = new Set(days(dayOf(value), lastDayOf(value)));
        const T = typeof t === 'string'
          ? days(dayOf(t), lastDayOf(t))
          : days(t.start ? dayOf(t.start) : U0, t.end ? lastDayOf(t.end) : U1);
        const above = (x: number) => x > lastDayOf(value);
        const below = (x: number) => x < dayOf(value);
        const openLow = typeof t !== 'string' && !t.start, openHigh = typeof t !== 'string' && !t.end;
        const contained = !openLow && !openHigh && T.every((x) => S.has(x));
        const overlapsAbove = T.some(above), overlapsBelow = T.some(below);
        const disjoint = !T.some((x) => S.has(x));
        const expected = {
          eq: contained,
          ne: !contained,
          gt: overlapsAbove,
          lt: overlapsBelow,
          ge: overlapsAbove || contained,
          le: overlapsBelow || contained,
          sa: disjoint && !openLow && T.every(above),
          eb: disjoint && !openHigh && T.every(below),
        }[prefix];
        expect(at(prefix + value, t)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
