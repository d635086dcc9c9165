import { expect, test } from 'vitest';
import { basicCredentials, isNoStore } from './token-endpoint.ts';

test.for([
  ['client', 'secret', 'Basic Y2xpZW50OnNlY3JldA=='],
  // RFC 6749 §2.3.1: ':' and '%' in a secret are form-encoded before base64.
  ['c:1', 's%2', `Basic ${Buffer.from('c%3A1:s%252').toString('base64')}`],
  ['a b', 'x+y', `Basic ${Buffer.from('a+b:x%2By').toString('base64')}`],
] as const)('basicCredentials(%s, %s)', ([id, secret, expected]) => {
  expect(basicCredentials(id, secret)).toBe(expected);
});

test.for([
  ['no-store', true], ['private, no-store', true], ['No-Store', true], ['no-cache', false], [undefined, false],
] as const)('isNoStore(%s) = %s', ([v, expected]) => {
  expect(isNoStore(v)).toBe(expected);
});
