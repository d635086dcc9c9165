import { expect, test } from 'vitest';
import { entryStatus, parseLocation } from './location.ts';

test.for([
  ['Observation/blood-pressure-example/_history/1', { type: 'Observation', id: 'blood-pressure-example', version: '1' }],
  ['Observation/abc', { type: 'Observation', id: 'abc' }],
  ['http://127.0.0.1:1/fhir/Encounter/e1/_history/3', { type: 'Encounter', id: 'e1', version: '3' }],
  ['urn:uuid:1234', undefined],
  [undefined, undefined],
] as const)('parseLocation(%s)', ([loc, expected]) => {
  expect(parseLocation(loc)).toEqual(expected);
});

test.for([
  ['201 Created', 201],
  ['200', 200],
  ['Created', undefined],
  [undefined, undefined],
] as const)('entryStatus(%s) = %s', ([s, expected]) => {
  expect(entryStatus(s)).toBe(expected);
});
