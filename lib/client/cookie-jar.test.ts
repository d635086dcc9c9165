import { describe, expect, test } from 'vitest';
import { CookieJar } from './cookie-jar.ts';

const u = (s: string) => new URL(s);

describe('CookieJar', () => {
  test('path-scoped cookies go only where their path applies, longest path first', () => {
    const jar = new CookieJar();
    jar.store(u('http://h/oauth/auth?x=1'), ['_interaction=a; path=/oauth/interaction/U1; httponly', '_interaction_resume=b; path=/oauth/auth/U1', 'root=r; path=/']);
    expect(jar.header(u('http://h/oauth/interaction/U1'))).toBe('_interaction=a; root=r');
    expect(jar.header(u('http://h/oauth/auth/U1'))).toBe('_interaction_resume=b; root=r');
    expect(jar.header(u('http://h/oauth/auth/U10'))).toBe('root=r');
    expect(jar.header(u('http://other/oauth/auth/U1'))).toBeUndefined();
  });

  test.for([
    ['max-age=0', undefined],
    ['expires=Thu, 01 Jan 1970 00:00:00 GMT', undefined],
    ['max-age=60', 'a=2'],
  ] as const)('a cookie set again with %s → %s', ([attr, expected]) => {
    const jar = new CookieJar();
    jar.store(u('http://h/x'), ['a=1; path=/']);
    jar.store(u('http://h/x'), [`a=2; path=/; ${attr}`]);
    expect(jar.header(u('http://h/y'))).toBe(expected);
  });

  test('default path is the request directory; secure cookies only over https; foreign domains ignored', () => {
    const jar = new CookieJar();
    jar.store(u('http://h/a/b/c'), ['p=1', 's=2; secure; path=/', 'f=3; domain=evil.example; path=/']);
    expect(jar.header(u('http://h/a/b/d'))).toBe('p=1');
    expect(jar.header(u('http://h/a/x'))).toBeUndefined();
    expect(jar.header(u('https://h/a/b/d'))).toBe('p=1; s=2');
  });

  test('Domain cookies reach subdomains', () => {
    const jar = new CookieJar();
    jar.store(u('https://sso.dhp.uz/login'), ['d=1; domain=dhp.uz; path=/']);
    expect(jar.header(u('https://fhir.dhp.uz/'))).toBe('d=1');
  });
});
