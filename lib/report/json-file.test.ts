import { describe, expect, test } from 'vitest';
import { jsonRecords } from './json-file.ts';

describe('the run files\' JSON layout', () => {
  test('one line per top-level key and per element of a top-level array; parses back to the same value', () => {
    const value = { runId: 'r', capabilities: [{ id: 'a', checks: [{ v: 1 }] }, { id: 'b' }], empty: [], nested: { x: [1, 2] }, gone: undefined };
    const text = jsonRecords(value);
    expect(JSON.parse(text)).toEqual({ runId: 'r', capabilities: value.capabilities, empty: [], nested: { x: [1, 2] } });
    expect(text.split('\n')).toEqual(['{', '"runId": "r",', '"capabilities": [', '{"id":"a","checks":[{"v":1}]},', '{"id":"b"}', '],', '"empty": [],', '"nested": {"x":[1,2]}', '}', '']);
    expect(JSON.parse(jsonRecords([{ a: 1 }, { a: 2 }]))).toEqual([{ a: 1 }, { a: 2 }]);
  });
});
