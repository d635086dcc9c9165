import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { Resource } from 'fhir/r5.js';
import { kit } from './testkit.ts';
import { parseDateRange } from './dates.ts';

/** Does an Observation with these effective[x] fields match the query? A fresh index per row. */
function matches(effective: Record<string, unknown>, query: string, faults: ['date-boundary', ''][] = []): boolean {
  const k = kit({ faults });
  k.add({ resourceType: 'Observation', id: 'x', status: 'final', code: {}, ...effective } as unknown as Resource);
  return k.ids('Observation', query).includes('x');
}

const dt = (v: string) => ({ effectiveDateTime: v });
const period = (start?: string, end?: string) => ({ effectivePeriod: { ...(start && { start }), ...(end && { end }) } });

describe('date prefixes (R5 range table)', () => {
  test.for([
    // [label, effective, query, expected]
    ['day in day', dt('2020-06-15'), 'date=2020-06-15', true],
    ['time in day', dt('2020-06-15T10:00:00Z'), 'date=eq2020-06-15', true],
    ['-02:00 pushes into next UTC day', dt('2020-06-15T23:30:00-02:00'), 'date=2020-06-15', false],
    ['-02:00 pushes into next UTC day (2)', dt('2020-06-15T23:30:00-02:00'), 'date=2020-06-16', true],
    ['+05:00 pulls into previous UTC day', dt('2020-06-15T01:00:00+05:00'), 'date=2020-06-15', false],
    ['month not inside day', dt('2020-06'), 'date=2020-06-15', false],
    ['month in month', dt('2020-06'), 'date=2020-06', true],
    ['month in year', dt('2020-06'), 'date=2020', true],
    ['year not inside month', dt('2020'), 'date=2020-06', false],
    ['leap day in Feb', dt('2020-02-29'), 'date=2020-02', true],
    ['ne: month vs day', dt('2020-06'), 'date=ne2020-06-15', true],
    ['ne: same day', dt('2020-06-15'), 'date=ne2020-06-15', false],
    ['gt: next day', dt('2020-06-16'), 'date=gt2020-06-15', true],
    ['gt: last second of the day', dt('2020-06-15T23:59:59Z'), 'date=gt2020-06-15', false],
    ['gt: month reaching past the day', dt('2020-06'), 'date=gt2020-06-15', true],
    ['gt: day before', dt('2020-06-14'), 'date=gt2020-06-15', false],
    ['gt year: next year', dt('2021-01-01'), 'date=gt2020', true],
    ['gt year: last second', dt('2020-12-31T23:59:59Z'), 'date=gt2020', false],
    ['lt: day before', dt('2020-06-14'), 'date=lt2020-06-15', true],
    ['lt: first instant of the day', dt('2020-06-15T00:00:00Z'), 'date=lt2020-06-15', false],
    ['lt: month reaching before the day', dt('2020-06'), 'date=lt2020-06-15', true],
    ['lt year', dt('2019-12-31'), 'date=lt2020', true],
    ['ge: inside', dt('2020-06-15T12:00:00Z'), 'date=ge2020-06-15', true],
    ['ge: just before', dt('2020-06-14T23:59:59Z'), 'date=ge2020-06-15', false],
    ['ge: after', dt('2020-06-16'), 'date=ge2020-06-15', true],
    ['le: inside', dt('2020-06-15T12:00:00Z'), 'date=le2020-06-15', true],
    ['le: just after', dt('2020-06-16T00:00:00Z'), 'date=le2020-06-15', false],
    ['sa: next day', dt('2020-06-16'), 'date=sa2020-06-15', true],
    ['sa: overlapping month', dt('2020-06'), 'date=sa2020-06-15', false],
    ['sa: inside', dt('2020-06-15T12:00:00Z'), 'date=sa2020-06-15', false],
    ['eb: day before', dt('2020-06-14'), 'date=eb2020-06-15', true],
    ['eb: overlapping month', dt('2020-06'), 'date=eb2020-06-15', false],
    // precision: seconds, minutes, milliseconds
    ['second in second', dt('2020-06-15T10:00:00Z'), 'date=2020-06-15T10:00:00Z', true],
    ['ms in second', { effectiveInstant: '2020-06-15T10:00:00.500Z' }, 'date=2020-06-15T10:00:00Z', true],
    ['next second', dt('2020-06-15T10:00:01Z'), 'date=2020-06-15T10:00:00Z', false],
    ['gt second: .999 is inside', { effectiveInstant: '2020-06-15T10:00:00.999Z' }, 'date=gt2020-06-15T10:00:00Z', false],
    ['gt second: next second', dt('2020-06-15T10:00:01Z'), 'date=gt2020-06-15T10:00:00Z', true],
    ['second in minute', dt('2020-06-15T10:00:30Z'), 'date=2020-06-15T10:00Z', true],
    ['instant ms = ms', { effectiveInstant: '2020-06-15T10:00:00.123Z' }, 'date=2020-06-15T10:00:00.123Z', true],
    ['instant ms ≠ next ms', { effectiveInstant: '2020-06-15T10:00:00.123Z' }, 'date=2020-06-15T10:00:00.124Z', false],
    // time zones in the search value; zone-less = UTC
    ['zone-less search = UTC', dt('2020-06-15T10:00:00Z'), 'date=2020-06-15T10:00:00', true],
    ['zone-less search ≠ +05:00 target', dt('2020-06-15T10:00:00+05:00'), 'date=2020-06-15T10:00:00', false],
    ['zone-less search = shifted +05:00 target', dt('2020-06-15T10:00:00+05:00'), 'date=2020-06-15T05:00:00', true],
    ['+05:00 search = Z target', dt('2020-06-15T10:00:00Z'), 'date=2020-06-15T15:00:00+05:00', true],
    ['-03:30 search', dt('2020-06-15T13:30:00Z'), 'date=2020-06-15T10:00:00-03:30', true],
    // Period
    ['period in month', period('2020-06-01', '2020-06-30'), 'date=2020-06', true],
    ['period not in day', period('2020-06-01', '2020-06-30'), 'date=2020-06-15', false],
    ['period ne day', period('2020-06-01', '2020-06-30'), 'date=ne2020-06-15', true],
    ['period gt inner day', period('2020-06-01', '2020-06-30'), 'date=gt2020-06-15', true],
    ['period lt inner day', period('2020-06-01', '2020-06-30'), 'date=lt2020-06-15', true],
    ['period ge inner day', period('2020-06-01', '2020-06-30'), 'date=ge2020-06-15', true],
    ['period sa previous month', period('2020-06-01', '2020-06-30'), 'date=sa2020-05', true],
    ['period sa same month', period('2020-06-01', '2020-06-30'), 'date=sa2020-06', false],
    ['period eb next month', period('2020-06-01', '2020-06-30'), 'date=eb2020-07', true],
    ['period eb its last day', period('2020-06-01', '2020-06-30'), 'date=eb2020-06-30', false],
    ['period gt its last day', period('2020-06-01', '2020-06-30'), 'date=gt2020-06-30', false],
    ['open end: eq never', period('2020-06-01'), 'date=2020', false],
    ['open end: ne', period('2020-06-01'), 'date=ne2020', true],
    ['open end: gt far future', period('2020-06-01'), 'date=gt2030', true],
    ['open end: lt its start day', period('2020-06-01'), 'date=lt2020-06-01', false],
    ['open end: lt the day after start', period('2020-06-01'), 'date=lt2020-06-02', true],
    ['open end: sa day before', period('2020-06-01'), 'date=sa2020-05-31', true],
    ['open end: eb never', period('2020-06-01'), 'date=eb2099', false],
    ['open start: lt long ago', period(undefined, '2020-06-30'), 'date=lt1900', true],
    ['open start: gt its end', period(undefined, '2020-06-30'), 'date=gt2020-06-30', false],
    ['open start: gt day before end', period(undefined, '2020-06-30'), 'date=gt2020-06-29', true],
    ['open start: eb day after end', period(undefined, '2020-06-30'), 'date=eb2020-07-01', true],
    ['open start: sa never', period(undefined, '2020-06-30'), 'date=sa1900', false],
    ['period with times', period('2020-06-15T08:00:00Z', '2020-06-15T09:00:00Z'), 'date=2020-06-15', true],
    // Timing: each event, and repeat.boundsPeriod
    ['timing event', { effectiveTiming: { event: ['2020-01-01T10:00:00Z', '2020-03-01T10:00:00Z'] } }, 'date=2020-03-01', true],
    ['timing: no event in Feb', { effectiveTiming: { event: ['2020-01-01T10:00:00Z', '2020-03-01T10:00:00Z'] } }, 'date=2020-02', false],
    ['timing bounds in year', { effectiveTiming: { repeat: { boundsPeriod: { start: '2021-01-01', end: '2021-12-31' } } } }, 'date=2021', true],
    ['timing bounds not in month', { effectiveTiming: { repeat: { boundsPeriod: { start: '2021-01-01', end: '2021-12-31' } } } }, 'date=2021-06', false],
    ['timing bounds ge month', { effectiveTiming: { repeat: { boundsPeriod: { start: '2021-01-01', end: '2021-12-31' } } } }, 'date=ge2021-06', true],
    ['timing boundsDuration ignored', { effectiveTiming: { repeat: { boundsDuration: { value: 3, code: 'd' } } } }, 'date:missing=true', true],
    // OR / AND
    ['or', dt('2020-06-15'), 'date=2019,2020', true],
    ['and = range', dt('2020-06-15'), 'date=ge2020-06-01&date=lt2020-07-01', true],
    ['and = range (outside)', dt('2020-07-15'), 'date=ge2020-06-01&date=lt2020-07-01', false],
    ['missing=false', dt('2020-06-15'), 'date:missing=false', true],
  ] as [string, Record<string, unknown>, string, boolean][])('%s: %s', ([, eff, q, expected]) => {
    expect(matches(eff, q)).toBe(expected);
  });

  test('_lastUpdated is a date on meta.lastUpdated', () => {
    const k = kit();
    k.add({ resourceType: 'Patient', id: 'a', meta: { lastUpdated: '2023-05-01T10:00:00.000Z' } } as Resource);
    k.add({ resourceType: 'Patient', id: 'b', meta: { lastUpdated: '2024-05-01T10:00:00.000Z' } } as Resource);
    expect(k.ids('Patient', '_lastUpdated=gt2024-01-01')).toEqual(['b']);
    expect(k.ids('Patient', '_lastUpdated=2023-05')).toEqual(['a']);
    expect(k.ids('Patient', 'birthdate:missing=true')).toEqual(['a', 'b']);
  });
});

describe('ap (approximately)', () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  const DAY = 86_400_000;
  test('10% of the gap to now, both sides', () => {
    // search 10 years ago: gap ≈ 3650 days → ±365 days
    const tenYears = Date.now() - 3650 * DAY;
    const day = iso(tenYears).slice(0, 10);
    expect(matches(dt(iso(tenYears + 300 * DAY)), `date=ap${day}`)).toBe(true);
    expect(matches(dt(iso(tenYears - 300 * DAY)), `date=ap${day}`)).toBe(true);
    expect(matches(dt(iso(tenYears + 400 * DAY)), `date=ap${day}`)).toBe(false);
    expect(matches(dt(iso(tenYears - 400 * DAY)), `date=ap${day}`)).toBe(false);
  });
  test('at least one day', () => {
    const today = iso(Date.now()).slice(0, 10);
    const start = Date.parse(`${today}T00:00:00Z`);
    expect(matches(dt(iso(start - 12 * 3600_000)), `date=ap${today}`)).toBe(true);
    expect(matches(dt(iso(start + DAY + 12 * 3600_000)), `date=ap${today}`)).toBe(true);
    expect(matches(dt(iso(start - 3 * DAY)), `date=ap${today}`)).toBe(false);
    expect(matches(dt(iso(start + 4 * DAY)), `date=ap${today}`)).toBe(false);
  });
});

describe('bad date values → 400 (strict or not)', () => {
  test.for(['notadate', '2020-13', '2021-02-29', '2020-06-15T25:00Z', 'xx2020', '2020-6-1', '2020-06-15T10:00:00+15:00'])('date=%s', (v) => {
    const k = kit();
    for (const strict of [false, true]) {
      try {
        k.engine.search('Observation', [['date', v]], { strict });
        expect.unreachable();
      } catch (e) {
        expect((e as { status: number }).status).toBe(400);
        expect((e as { outcome: { issue: { code: string }[] } }).outcome.issue[0].code).toBe('invalid');
      }
    }
  });
});

describe('fault date-boundary', () => {
  test.for([
    ['date=gt2020-06-15', dt('2020-06-15T12:00:00Z'), false, true],
    ['date=lt2020-06-15', dt('2020-06-15T12:00:00Z'), false, true],
    ['date=gt2020-06-15', dt('2020-06-16'), true, true],
    ['date=ge2020-06-15', dt('2020-06-14'), false, false],
    ['date=eq2020-06-15', dt('2020-06-16'), false, false],
    ['date=sa2020-06-15', dt('2020-06-15T12:00:00Z'), false, false],
  ] as [string, Record<string, unknown>, boolean, boolean][])('%s', ([q, eff, normal, faulty]) => {
    expect(matches(eff, q)).toBe(normal);
    expect(matches(eff, q, [['date-boundary', '']])).toBe(faulty);
  });
});

describe('property: engine agrees with a brute-force reading of the R5 table', () => {
  // Dates are built from components so the expected range is computed here without the engine's parser.
  type P = 'y' | 'm' | 'd' | 's';
  const comp = fc.record({
    y: fc.integer({ min: 2019, max: 2021 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }), s: fc.integer({ min: 0, max: 59 }), p: fc.constantFrom<P>('y', 'm', 'd', 's'),
  });
  const pad = (n: number) => String(n).padStart(2, '0');
  function render(c: { y: number; m: number; d: number; h: number; s: number; p: P }): { text: string; lo: number; hi: number } {
    const { y, m, d, h, s, p } = c;
    if (p === 'y') return { text: `${y}`, lo: Date.UTC(y, 0, 1), hi: Date.UTC(y + 1, 0, 1) - 1 };
    if (p === 'm') return { text: `${y}-${pad(m)}`, lo: Date.UTC(y, m - 1, 1), hi: Date.UTC(y, m, 1) - 1 };
    if (p === 'd') return { text: `${y}-${pad(m)}-${pad(d)}`, lo: Date.UTC(y, m - 1, d), hi: Date.UTC(y, m - 1, d + 1) - 1 };
    const lo = Date.UTC(y, m - 1, d, h, 0, s);
    return { text: `${y}-${pad(m)}-${pad(d)}T${pad(h)}:00:${pad(s)}Z`, lo, hi: lo + 999 };
  }
  const INF = 1e16;
  type I = { lo: number; hi: number };
  const intersects = (a: I, b: I) => a.lo <= b.hi && b.lo <= a.hi;
  const contains = (a: I, b: I) => a.lo <= b.lo && b.hi <= a.hi;
  function expected(prefix: string, S: I, T: I): boolean {
    const above = { lo: S.hi + 1, hi: INF };
    const below = { lo: -INF, hi: S.lo - 1 };
    switch (prefix) {
      case 'eq': return contains(S, T);
      case 'ne': return !contains(S, T);
      case 'gt': return intersects(above, T);
      case 'lt': return intersects(below, T);
      case 'ge': return intersects(above, T) || contains(S, T);
      case 'le': return intersects(below, T) || contains(S, T);
      case 'sa': return !intersects(S, T) && contains(above, T);
      case 'eb': return !intersects(S, T) && contains(below, T);
    }
    throw new Error(prefix);
  }
  const target = fc.oneof(
    comp.map((c) => ({ kind: 'dt' as const, a: c })),
    fc.record({ a: fc.option(comp, { nil: undefined }), b: fc.option(comp, { nil: undefined }) }).map((x) => ({ kind: 'period' as const, ...x })),
  );

  test('random target × search value × prefix', () => {
    fc.assert(
      fc.property(target, comp, fc.constantFrom('eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb'), (t, sv, prefix) => {
        let T: I;
        let eff: Record<string, unknown>;
        if (t.kind === 'dt') {
          const r = render(t.a);
          T = { lo: r.lo, hi: r.hi };
          eff = dt(r.text);
        } else {
          const a = t.a && render(t.a);
          const b = t.b && render(t.b);
          if (!a && !b) return; // an empty Period carries no date
          if (a && b && b.hi < a.lo) return; // an inverted Period is invalid data
          T = { lo: a ? a.lo : -INF, hi: b ? b.hi : INF };
          eff = period(a?.text, b?.text);
        }
        const s = render(sv);
        expect(parseDateRange(s.text)).toEqual({ low: s.lo, high: s.hi });
        expect(matches(eff, `date=${prefix}${s.text}`)).toBe(expected(prefix, { lo: s.lo, hi: s.hi }, T));
      }),
      { numRuns: 300 },
    );
  });
});
