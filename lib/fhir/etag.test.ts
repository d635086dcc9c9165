import { describe, expect, test } from 'vitest';
import { etagVersion, integerVersion, parseETag, weakETag } from './etag.ts';

describe('parseETag', () => {
  test.for([
    ['W/"3"', { weak: true, value: '3' }],
    ['"3"', { weak: false, value: '3' }],
    [' W/"12" ', { weak: true, value: '12' }],
    ['W/3', undefined],
    ['3', undefined],
    ['', undefined],
    [undefined, undefined],
  ] as const)('%s → %o', ([header, expected]) => {
    expect(parseETag(header)).toEqual(expected);
  });
});

describe('etagVersion: the opaque version an ETag names', () => {
  test.for([
    ['W/"3"', '3'],
    ['"4"', '4'],
    ['W/"a1b2"', 'a1b2'],
    ['W/3', undefined],
    [undefined, undefined],
  ] as const)('%s → %s', ([header, expected]) => {
    expect(etagVersion(header)).toBe(expected);
  });
});

describe('integerVersion: DHP\'s integer form, read by one capability only', () => {
  test.for([
    ['3', 3], ['12', 12], ['0', undefined], ['03', undefined], ['a1b2', undefined], ['1.5', undefined], ['-1', undefined], [undefined, undefined],
  ] as const)('%s → %s', ([v, expected]) => {
    expect(integerVersion(v)).toBe(expected);
  });
});

test('weakETag formats the platform form', () => {
  expect(weakETag(3)).toBe('W/"3"');
  expect(parseETag(weakETag('7'))).toEqual({ weak: true, value: '7' });
});
