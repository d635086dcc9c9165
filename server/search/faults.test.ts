// The search faults of the reference server change exactly the behaviour they name, and nothing next to it.
import type { Resource } from 'fhir/r5.js';
import { describe, expect, test } from 'vitest';
import type { FaultName } from '../faults.ts';
import { kit } from './testkit.ts';

const pat = (id: string, family: string) => ({ resourceType: 'Patient', id, name: [{ family }] }) as unknown as Resource;
const obs = (id: string, effectivePeriod: { start: string; end: string }) => ({ resourceType: 'Observation', id, effectivePeriod }) as unknown as Resource;

function withFault(fault: FaultName | undefined) {
  const k = kit({ faults: fault ? [[fault, '']] : [] });
  k.add(pat('exact', 'ZmAbcAlpha'), pat('case', 'zMaBCaLPHA'), pat('mid', 'KzmAbcAlpha'));
  k.add(
    obs('inside', { start: '2011-12-31T14:00:00+05:00', end: '2011-12-31T14:00:00+05:00' }),
    obs('across', { start: '2011-12-31T14:30:00+05:00', end: '2012-01-01T18:00:00+05:00' }),
  );
  return (type: string, q: string) => k.ids(type, q).sort();
}

describe('search fault switches', () => {
  test('exact-case-insensitive: :exact also returns the case-only variant; the default search is unchanged', () => {
    expect(withFault(undefined)('Patient', 'family:exact=ZmAbcAlpha')).toEqual(['exact']);
    const faulty = withFault('exact-case-insensitive');
    expect(faulty('Patient', 'family:exact=ZmAbcAlpha')).toEqual(['case', 'exact']);
    expect(faulty('Patient', 'family=zmabc')).toEqual(['case', 'exact']);
  });

  test('string-mid-word: the default search matches inside a word; :exact is unchanged', () => {
    expect(withFault(undefined)('Patient', 'family=zmabc')).toEqual(['case', 'exact']);
    const faulty = withFault('string-mid-word');
    expect(faulty('Patient', 'family=zmabc')).toEqual(['case', 'exact', 'mid']);
    expect(faulty('Patient', 'family:exact=ZmAbcAlpha')).toEqual(['exact']);
  });

  test('period-eq-overlap: eq returns a Period that crosses midnight; ne, sa and eb are unchanged', () => {
    const right = withFault(undefined);
    expect(right('Observation', 'date=2011-12-31')).toEqual(['inside']);
    const faulty = withFault('period-eq-overlap');
    expect(faulty('Observation', 'date=2011-12-31')).toEqual(['across', 'inside']);
    expect(faulty('Observation', 'date=eq2011-12')).toEqual(['across', 'inside']);
    for (const q of ['date=ne2011-12-31', 'date=sa2011-12-31', 'date=eb2012-01-01']) expect(faulty('Observation', q), q).toEqual(right('Observation', q));
  });
});
