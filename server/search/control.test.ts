import { describe, expect, test } from 'vitest';
import type { Resource } from 'fhir/r5.js';
import { kit, pairs } from './testkit.ts';

const pat = (id: string, lastUpdated: string, extra: Record<string, unknown> = {}) =>
  ({ resourceType: 'Patient', id, meta: { lastUpdated }, ...extra }) as unknown as Resource;

function world(opts: Parameters<typeof kit>[0] = {}) {
  const k = kit(opts);
  k.add(
    pat('c', '2024-01-03T00:00:00Z', { name: [{ family: 'Bobur' }], birthDate: '1990-05-01', gender: 'male' }),
    pat('a', '2024-01-01T00:00:00Z', { name: [{ family: 'Zafar' }], birthDate: '1985', gender: 'female' }),
    pat('b', '2024-01-02T00:00:00Z', { name: [{ family: 'Aziz' }], gender: 'male' }),
    pat('d', '2024-01-02T00:00:00Z', { name: [{ family: 'Ёқуб' }], birthDate: '2001-12-31', gender: 'other' }),
  );
  return k;
}
const w = world();
const search = (query: string, strict = false, k = w) => k.engine.search('Patient', pairs(query), { strict });

describe('ordering and _sort', () => {
  test.for([
    ['', ['a', 'b', 'd', 'c']], // default: lastUpdated then id
    ['_sort=_lastUpdated', ['a', 'b', 'd', 'c']],
    ['_sort=-_lastUpdated', ['c', 'b', 'd', 'a']], // ties keep lastUpdated-then-id order
    ['_sort=_id', ['a', 'b', 'c', 'd']],
    ['_sort=-_id', ['d', 'c', 'b', 'a']],
    ['_sort=birthdate', ['a', 'c', 'd', 'b']], // missing last
    ['_sort=-birthdate', ['d', 'c', 'a', 'b']], // missing last too
    ['_sort=family', ['b', 'c', 'a', 'd']],
    ['_sort=gender,-_id', ['a', 'c', 'b', 'd']],
    ['gender=male&_sort=-family', ['c', 'b']],
  ] as [string, string[]][])('Patient?%s', ([q, expected]) => {
    expect(search(q).ids).toEqual(expected);
  });

  test('unknown _sort key: ignored when lenient, 400 when strict', () => {
    expect(search('_sort=nope,-_id')).toEqual({ ids: ['d', 'c', 'b', 'a'], applied: [['_sort', '-_id']] });
    expect(search('_sort=nope').applied).toEqual([]);
    expect(() => search('_sort=nope', true)).toThrowError(/nope/);
  });
});

describe('unknown params, strict vs lenient', () => {
  test.for([
    ['nope=1'],
    ['name:sounds-like=x'],
    ['birthdate:exact=2020'],
    ['general-practitioner.name=x'],
    ['_has:Observation:nope:code=1234'],
    ['_text=abc'],
  ])('%s', ([q]) => {
    const lenient = search(`${q}&gender=male`);
    expect(lenient.ids).toEqual(['b', 'c']);
    expect(lenient.applied).toEqual([['gender', 'male']]);
    try {
      search(q, true);
      expect.unreachable();
    } catch (e) {
      const err = e as { status: number; outcome: { resourceType: string; issue: { code: string; diagnostics: string }[] } };
      expect(err.status).toBe(400);
      expect(err.outcome.resourceType).toBe('OperationOutcome');
      expect(err.outcome.issue[0].code).toBe('not-supported');
      expect(err.outcome.issue[0].diagnostics).toContain(q.split('=')[0]);
    }
  });

  test('applied lists known params with their values as sent; _include is not a filter', () => {
    const r = search('name=zaf&_include=Patient:organization&nope=1&birthdate=ge1980&name:exact=Zafar');
    expect(r.ids).toEqual(['a']);
    expect(r.applied).toEqual([['name', 'zaf'], ['birthdate', 'ge1980'], ['name:exact', 'Zafar']]);
    expect(() => search('_include=Patient:organization&_revinclude=Observation:subject', true)).not.toThrow();
  });

  test('a bad value is 400 even when lenient', () => {
    expect(() => search('birthdate=yesterday')).toThrowError(/Invalid value/);
    expect(() => search('gender:missing=maybe')).toThrowError(/Invalid value/);
  });

  test('unknown resource type: every param unknown', () => {
    expect(w.engine.search('Nope', [], { strict: false })).toEqual({ ids: [], applied: [] });
    expect(() => w.engine.search('Nope', [['x', '1']], { strict: true })).toThrowError(/not-supported|Unknown/);
  });
});

describe('unfiltered set (playground gaps)', () => {
  const k = world({ unfiltered: ['Patient:gender', 'Patient:date-of-birth'] });
  test('the param is silently ignored and not applied, strict or not', () => {
    for (const strict of [false, true]) {
      const r = search('gender=male&name=a', strict, k);
      expect(r.ids).toEqual(['b']);
      expect(r.applied).toEqual([['name', 'a']]);
      // modifiers of that param are ignored as well
      expect(search('gender:not=male', strict, k).ids).toHaveLength(4);
      // a gap may name a param the matrix does not know: still silent
      expect(search('date-of-birth=2001', strict, k).ids).toHaveLength(4);
    }
  });
  test('other types keep the param', () => {
    expect(search('gender=male').ids).toEqual(['b', 'c']);
  });
});

describe('faults change exactly their behaviour', () => {
  test('ignore-param=Patient:gender', () => {
    const k = world({ faults: [['ignore-param', 'Patient:gender']] });
    expect(search('gender=male', true, k)).toEqual({ ids: ['a', 'b', 'd', 'c'], applied: [] });
    expect(search('name=aziz', true, k).ids).toEqual(['b']);
    expect(search('gender=male').ids).toEqual(['b', 'c']);
  });

  test('token-system-ignored', () => {
    const make = (faulty: boolean) => {
      const k = kit({ faults: faulty ? [['token-system-ignored', '']] : [] });
      k.add(
        { resourceType: 'Patient', id: 'x', identifier: [{ system: 'urn:pinfl', value: '1' }] } as Resource,
        { resourceType: 'Patient', id: 'y', identifier: [{ system: 'urn:passport', value: '1' }] } as Resource,
        { resourceType: 'Patient', id: 'z', identifier: [{ value: '1' }] } as Resource,
      );
      return (q: string) => k.ids('Patient', q).sort();
    };
    const ok = make(false);
    const bad = make(true);
    expect(ok('identifier=urn:pinfl|1')).toEqual(['x']);
    expect(bad('identifier=urn:pinfl|1')).toEqual(['x', 'y', 'z']);
    // the other token forms are untouched
    for (const q of ['identifier=1', 'identifier=|1', 'identifier=urn:pinfl|', 'identifier:not=1', 'identifier:text=x']) {
      expect(bad(q)).toEqual(ok(q));
    }
  });

  test('no fault: behaviour unchanged by an unrelated fault', () => {
    const k = world({ faults: [['strong-etag', '']] });
    expect(search('gender=male&birthdate=gt1989', false, k).ids).toEqual(['c']);
  });
});

describe('index maintenance', () => {
  test('re-index replaces, null deletes', () => {
    const k = kit();
    k.add(pat('x', '2024-01-01T00:00:00Z', { gender: 'male' }));
    expect(k.ids('Patient', 'gender=male')).toEqual(['x']);
    k.engine.index('Patient', 'x', pat('x', '2024-01-02T00:00:00Z', { gender: 'female' }));
    expect(k.ids('Patient', 'gender=male')).toEqual([]);
    expect(k.ids('Patient', 'gender=female')).toEqual(['x']);
    k.engine.index('Patient', 'x', null);
    expect(k.ids('Patient', '')).toEqual([]);
    expect(k.ids('Patient', 'gender:missing=true')).toEqual([]);
  });

  test('a rolled-back write transaction leaves no index rows', () => {
    const k = kit();
    const tx = k.db.transaction(() => {
      k.engine.index('Patient', 'x', pat('x', '2024-01-01T00:00:00Z', { gender: 'male' }));
      throw new Error('rollback');
    });
    expect(() => tx()).toThrow('rollback');
    expect(k.ids('Patient', '')).toEqual([]);
  });

  test('params are ANDed across names, ORed within a value', () => {
    expect(w.ids('Patient', 'gender=male,other&birthdate=ge2000')).toEqual(['d']);
  });
});
