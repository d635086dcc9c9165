import { expect, test } from 'vitest';
import { draw } from '../run/seed.ts';
import { expiredLookalike, jwtClaims } from './expired-jwt.ts';

const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const real = `${enc({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' })}.${enc({ iss: 'http://h/oauth', aud: 'http://h/fhir', client_id: 'c', exp: 9_999_999_999 })}.${Buffer.alloc(256, 1).toString('base64url')}`;

test.for([
  ['a real JWT', real],
  ['an opaque token', 'opaque-token-value'],
  ['no token', undefined],
] as const)('from %s: a three-part JWT, exp in the past, a fresh signature', ([, token]) => {
  const now = Date.UTC(2026, 0, 1);
  const fake = expiredLookalike(token, draw(1, 'jwt'), now);
  const [h, , sig] = fake.split('.');
  expect(fake.split('.')).toHaveLength(3);
  const claims = jwtClaims(fake)!;
  expect(claims.exp).toBe(now / 1000 - 3600);
  expect((claims.exp as number) < now / 1000).toBe(true);
  expect(sig).not.toBe(token?.split('.')[2]);
  expect(JSON.parse(Buffer.from(h!, 'base64url').toString()).alg).toBe('RS256');
});

test('keeps the real token\'s issuer, audience and client', () => {
  expect(jwtClaims(expiredLookalike(real, draw(1, 'jwt')))).toMatchObject({ iss: 'http://h/oauth', aud: 'http://h/fhir', client_id: 'c' });
});

test('the same seed and clock make the same look-alike', () => {
  expect(expiredLookalike(real, draw(5, 'jwt'), 1e12)).toBe(expiredLookalike(real, draw(5, 'jwt'), 1e12));
  expect(expiredLookalike(real, draw(5, 'jwt'), 1e12)).not.toBe(expiredLookalike(real, draw(6, 'jwt'), 1e12));
});
