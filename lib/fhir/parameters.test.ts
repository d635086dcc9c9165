import { describe, expect, test } from 'vitest';
import { all, parametersBody, queryOf, value } from './parameters.ts';

describe('Parameters', () => {
  const body = { resourceType: 'Parameters' as const, parameter: [
    { name: 'result', valueBoolean: true }, { name: 'display', valueString: 'Male' },
    { name: 'match', part: [{ name: 'concept', valueCoding: { system: 's', code: 'c' } }] }, { name: 'match', part: [] },
  ] };

  test('reads a value whatever its value[x], and parts by name', () => {
    expect(value(body, 'result')).toBe(true);
    expect(value(body, 'display')).toBe('Male');
    expect(value(body, 'absent')).toBeUndefined();
    expect(all(body, 'match')).toHaveLength(2);
    expect(value(all(body, 'match')[0], 'concept')).toEqual({ system: 's', code: 'c' });
  });

  test('builds a body with the value[x] of each type, and the GET form of primitive inputs', () => {
    expect(parametersBody([['url', 'u', 'uri'], ['count', 2, 'integer'], ['coding', { system: 's', code: 'c' }, 'Coding']]).parameter).toEqual([
      { name: 'url', valueUri: 'u' }, { name: 'count', valueInteger: 2 }, { name: 'coding', valueCoding: { system: 's', code: 'c' } },
    ]);
    expect(queryOf([['url', 'http://x/a b', 'uri'], ['count', 2, 'integer']]).toString()).toBe('url=http%3A%2F%2Fx%2Fa+b&count=2');
    expect(() => queryOf([['coding', { code: 'c' }, 'Coding']])).toThrow(/Coding/);
  });
});
