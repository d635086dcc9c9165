import { describe, expect, test } from 'vitest';
import { decodeEntities, fill, parseForms } from './html-form.ts';

const page = `<!doctype html><html><body>
<form id="login-form" method="post" action="/oauth/interaction/abc?x=1&amp;y=2">
  <input type="hidden" name="prompt" value="login">
  <input type="hidden" name='csrf' value='t&quot;k'>
  <label>User <input id="username" name="username" autocomplete=username></label>
  <input id="password" name="password" type="password">
  <input type="checkbox" name="remember">
  <button id="login" type="submit" name="go">Sign in</button>
</form>
<form action="search"><input name="q" value="x"></form>
</body></html>`;

describe('parseForms', () => {
  const [login, search] = parseForms(page, new URL('http://h:1/oauth/interaction/abc'));

  test('the login form: action resolved and decoded, POST, named fields, password detected', () => {
    expect(login!.action.href).toBe('http://h:1/oauth/interaction/abc?x=1&y=2');
    expect(login!.method).toBe('POST');
    expect(login!.hasPassword).toBe(true);
    expect(login!.fields).toEqual([['prompt', 'login'], ['csrf', 't"k'], ['username', ''], ['password', '']]);
  });

  test('a form without method is GET; a relative action resolves against the page', () => {
    expect(search!.method).toBe('GET');
    expect(search!.action.href).toBe('http://h:1/oauth/interaction/search');
    expect(search!.hasPassword).toBe(false);
  });

  test('fill keeps hidden fields and sets the credentials', () => {
    expect(fill(login!, { username: 'u', password: 'p' }).toString()).toBe('prompt=login&csrf=t%22k&username=u&password=p');
    expect(fill(search!, { extra: '1' }).toString()).toBe('q=x&extra=1');
  });

  test.for([
    ['a&amp;b', 'a&b'], ['&#47;x', '/x'], ['&#x2F;y', '/y'], ['&unknown;', '&unknown;'],
  ] as const)('decodeEntities(%s) = %s', ([s, expected]) => {
    expect(decodeEntities(s)).toBe(expected);
  });
});
