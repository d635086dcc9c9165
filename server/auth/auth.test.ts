import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FaultName } from '../faults.ts';
import { createAuth, type Auth } from './index.ts';

const CLIENT_ID = 'backend-client';
const CLIENT_SECRET = 'backend-secret-123';
const PUBLIC_ID = 'spa-client';
const USER = { username: 'doctor', password: 'correct horse battery staple' };

interface Harness {
  origin: string;
  auth: Auth;
  faults: Map<FaultName, string>;
  redirectUri: string;
  close(): Promise<void>;
}

async function startHarness(opts: { ttl?: number } = {}): Promise<Harness> {
  const faults = new Map<FaultName, string>();
  let auth: Auth | undefined;
  const server: Server = createServer((req, res) => {
    if (auth && (req.url?.startsWith('/oauth') || req.url?.startsWith('/.well-known/oauth-authorization-server/oauth'))) {
      auth.handle(req, res);
    }
    else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const redirectUri = `${origin}/app/callback`;
  auth = await createAuth({
    issuer: `${origin}/oauth`,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    publicClient: { clientId: PUBLIC_ID, redirectUri },
    testUser: USER,
    faults,
    accessTokenTtlSeconds: opts.ttl,
  });
  const a = auth;
  return {
    origin,
    auth: a,
    faults,
    redirectUri,
    async close() {
      await a.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function form(data: Record<string, string>): URLSearchParams {
  return new URLSearchParams(data);
}

async function token(origin: string, body: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return { res, json };
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

function jwtPayload(t: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A tiny cookie jar + manual-redirect browser, enough for the authorization-code flow. */
class Browser {
  private readonly cookies = new Map<string, { value: string; path: string }>();
  readonly visited: string[] = [];

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const cookie = [...this.cookies.entries()]
      .filter(([, c]) => u.pathname === c.path || u.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/')
      .map(([k, c]) => `${k}=${c.value}`)
      .join('; ');
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.visited.push(`${init.method ?? 'GET'} ${u.pathname} → ${res.status}`);
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
    return res;
  }

  /** Follows redirects (GET) until a non-redirect or a Location outside `stopPrefix`'s origin path. */
  async follow(url: string, stopAt: (loc: string) => boolean, init?: RequestInit): Promise<{ res: Response; url: string }> {
    let res = await this.request(url, init);
    let current = url;
    for (let i = 0; i < 10 && res.status >= 300 && res.status < 400; i++) {
      const loc = new URL(res.headers.get('location')!, current).href;
      if (stopAt(loc)) return { res, url: loc };
      await res.arrayBuffer();
      current = loc;
      res = await this.request(loc);
    }
    return { res, url: current };
  }
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

function authorizeUrl(h: Harness, p: Record<string, string>): string {
  const q = new URLSearchParams({ response_type: 'code', client_id: PUBLIC_ID, redirect_uri: h.redirectUri, ...p });
  return `${h.origin}/oauth/auth?${q}`;
}

/** Runs the whole authorization-code flow by plain HTTP; returns the code and the state it came back with. */
async function loginAndGetCode(h: Harness, challenge: string, browser = new Browser()) {
  const state = randomBytes(8).toString('hex');
  const isCallback = (loc: string) => loc.startsWith(h.redirectUri);
  const first = await browser.follow(
    authorizeUrl(h, { code_challenge: challenge, code_challenge_method: 'S256', state }),
    isCallback,
  );
  expect(first.res.status).toBe(200);
  expect(first.url).toMatch(new RegExp(`^${h.origin}/oauth/interaction/[A-Za-z0-9_-]+$`));
  const html = await first.res.text();
  expect(html).toContain('name="username"');
  expect(html).toContain('name="password"');
  expect(html).toContain('id="login"');
  const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
  expect(action).toBe(new URL(first.url).pathname);
  const after = await browser.follow(new URL(action, h.origin).href, isCallback, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ username: USER.username, password: USER.password }),
  });
  expect(after.url.startsWith(h.redirectUri)).toBe(true);
  const cb = new URL(after.url);
  expect(cb.searchParams.get('state')).toBe(state);
  expect(cb.searchParams.get('iss')).toBe(`${h.origin}/oauth`);
  const code = cb.searchParams.get('code');
  expect(code).toBeTruthy();
  return { code: code!, browser };
}

function exchange(h: Harness, code: string, verifier: string, extra: Record<string, string> = {}) {
  return token(h.origin, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: h.redirectUri,
    code_verifier: verifier,
    client_id: PUBLIC_ID,
    ...extra,
  });
}

let h: Harness;
const consoleCalls: unknown[][] = [];

beforeAll(async () => {
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      consoleCalls.push(args);
    });
  }
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
  vi.restoreAllMocks();
});

describe('client_credentials', () => {
  it('issues a JWT access token with client_secret_post', async () => {
    const { res, json } = await token(h.origin, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.token_type).toBe('Bearer');
    expect(json.expires_in).toBe(3600);
    expect(typeof json.access_token).toBe('string');
    expect(json.refresh_token).toBeUndefined();
    const at = json.access_token as string;
    const claims = jwtPayload(at);
    expect(claims.iss).toBe(`${h.origin}/oauth`);
    expect(claims.aud).toBe(`${h.origin}/fhir`);
    expect(claims.client_id).toBe(CLIENT_ID);
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    expect(JSON.parse(Buffer.from(at.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(await h.auth.verifyBearer(`Bearer ${at}`)).toBe(true);
  });

  it('issues a token with HTTP Basic client authentication', async () => {
    const { res, json } = await token(h.origin, { grant_type: 'client_credentials' }, { authorization: basic(CLIENT_ID, CLIENT_SECRET) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(json.token_type).toBe('Bearer');
    expect(json.expires_in).toBe(3600);
    expect(await h.auth.verifyBearer(`Bearer ${json.access_token as string}`)).toBe(true);
  });

  it('keeps known requested scopes and drops unknown ones', async () => {
    const { res, json } = await token(h.origin, {
      grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'system/*.read bogus',
    });
    expect(res.status).toBe(200);
    expect(json.scope).toBe('system/*.read');
  });

  it('wrong secret (form) → 401 invalid_client', async () => {
    const { res, json } = await token(h.origin, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'nope' });
    expect(res.status).toBe(401);
    expect(json.error).toBe('invalid_client');
    expect(json.access_token).toBeUndefined();
  });

  it('wrong secret (Basic) → 401 invalid_client with WWW-Authenticate', async () => {
    const { res, json } = await token(h.origin, { grant_type: 'client_credentials' }, { authorization: basic(CLIENT_ID, 'nope') });
    expect(res.status).toBe(401);
    expect(json.error).toBe('invalid_client');
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('unknown client → 401 invalid_client', async () => {
    const { res, json } = await token(h.origin, { grant_type: 'client_credentials', client_id: 'who', client_secret: 'x' });
    expect(res.status).toBe(401);
    expect(json.error).toBe('invalid_client');
  });

  it('missing grant_type → 400 invalid_request', async () => {
    const { res, json } = await token(h.origin, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(res.status).toBe(400);
    expect(json.error).toBe('invalid_request');
    expect(res.headers.get('cache-control')).toContain('no-store');
  });

  it('unsupported grant_type → 400 unsupported_grant_type', async () => {
    const { res, json } = await token(h.origin, { grant_type: 'password', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, username: 'a', password: 'b' });
    expect(res.status).toBe(400);
    expect(json.error).toBe('unsupported_grant_type');
  });

  it('grant type not allowed for the client → 400 unauthorized_client', async () => {
    const { res, json } = await token(h.origin, { grant_type: 'authorization_code', code: 'x', redirect_uri: h.redirectUri, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(res.status).toBe(400);
    expect(json.error).toBe('unauthorized_client');
  });

  it('the public client cannot use client_credentials', async () => {
    const { res, json } = await token(h.origin, { grant_type: 'client_credentials', client_id: PUBLIC_ID });
    expect(res.status).toBe(400);
    expect(json.error).toBe('unauthorized_client');
  });

  it('GET /oauth/token is not the token endpoint', async () => {
    const res = await fetch(`${h.origin}/oauth/token`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    await res.arrayBuffer();
  });
});

describe('discovery', () => {
  it('advertises the endpoints under /oauth', async () => {
    const res = await fetch(`${h.origin}/oauth/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const d = (await res.json()) as Record<string, unknown>;
    expect(d.issuer).toBe(`${h.origin}/oauth`);
    expect(d.token_endpoint).toBe(`${h.origin}/oauth/token`);
    expect(d.authorization_endpoint).toBe(`${h.origin}/oauth/auth`);
    expect(d.code_challenge_methods_supported).toEqual(['S256']);
    expect(d.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials', 'authorization_code']));
    const jwks = (await (await fetch(d.jwks_uri as string)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]!.d).toBeUndefined();
  });
});

describe('interop with oauth4webapi', () => {
  it('discovers (oauth2 + oidc), gets a client_credentials token and completes an authorization-code flow', async () => {
    const issuer = new URL(`${h.origin}/oauth`);
    const insecure = { [oauth.allowInsecureRequests]: true };
    // RFC 8414 discovery (path inserted: /.well-known/oauth-authorization-server/oauth, which the
    // server core must pass to handle()) and OpenID discovery (/oauth/.well-known/openid-configuration)
    const as2 = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oauth2' }));
    expect(as2.token_endpoint).toBe(`${h.origin}/oauth/token`);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oidc' }));
    expect(as.token_endpoint).toBe(`${h.origin}/oauth/token`);

    const backend: oauth.Client = { client_id: CLIENT_ID };
    for (const clientAuth of [oauth.ClientSecretBasic(CLIENT_SECRET), oauth.ClientSecretPost(CLIENT_SECRET)]) {
      const r = await oauth.clientCredentialsGrantRequest(as, backend, clientAuth, {}, insecure);
      const tr = await oauth.processClientCredentialsResponse(as, backend, r);
      expect(tr.token_type).toBe('bearer'); // oauth4webapi lower-cases it
      expect(await h.auth.verifyBearer(`Bearer ${tr.access_token}`)).toBe(true);
    }
    await expect(
      oauth.processClientCredentialsResponse(as, backend, await oauth.clientCredentialsGrantRequest(as, backend, oauth.ClientSecretPost('bad'), {}, insecure)),
    ).rejects.toMatchObject({ error: 'invalid_client', status: 401 });

    const spa: oauth.Client = { client_id: PUBLIC_ID };
    const verifier = oauth.generateRandomCodeVerifier();
    const { code, browser: _b } = await loginAndGetCode(h, await oauth.calculatePKCECodeChallenge(verifier));
    const params = oauth.validateAuthResponse(as, spa, new URL(`${h.redirectUri}?code=${code}&iss=${encodeURIComponent(issuer.href)}`), oauth.skipStateCheck);
    const r = await oauth.authorizationCodeGrantRequest(as, spa, oauth.None(), params, h.redirectUri, verifier, insecure);
    const tr = await oauth.processAuthorizationCodeResponse(as, spa, r);
    expect(tr.expires_in).toBe(3600);
    expect(await h.auth.verifyBearer(`Bearer ${tr.access_token}`)).toBe(true);
  });
});

describe('authorization code + PKCE S256', () => {
  it('completes login by plain HTTP and exchanges the code for a token', async () => {
    const { verifier, challenge } = pkce();
    const { code, browser } = await loginAndGetCode(h, challenge);
    // auth → interaction(login) → POST → resume → interaction(consent, auto) → resume → callback
    expect(browser.visited.map((v) => v.replace(/\/(auth|interaction)\/[A-Za-z0-9_-]{10,}/g, '/$1/:uid'))).toEqual([
      'GET /oauth/auth → 303',
      'GET /oauth/interaction/:uid → 200',
      'POST /oauth/interaction/:uid → 303',
      'GET /oauth/auth/:uid → 303',
      'GET /oauth/interaction/:uid → 303',
      'GET /oauth/auth/:uid → 303',
    ]);
    const { res, json } = await exchange(h, code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(json.token_type).toBe('Bearer');
    expect(json.expires_in).toBe(3600);
    const claims = jwtPayload(json.access_token as string);
    expect(claims.sub).toBe(USER.username);
    expect(claims.client_id).toBe(PUBLIC_ID);
    expect(claims.aud).toBe(`${h.origin}/fhir`);
    expect(await h.auth.verifyBearer(`Bearer ${json.access_token as string}`)).toBe(true);
  });

  it('a second authorization with the session cookie skips the login form', async () => {
    const { challenge } = pkce();
    const { browser } = await loginAndGetCode(h, challenge);
    const again = await browser.follow(
      authorizeUrl(h, { code_challenge: challenge, code_challenge_method: 'S256', state: 's2' }),
      (loc) => loc.startsWith(h.redirectUri),
    );
    expect(new URL(again.url).searchParams.get('code')).toBeTruthy();
  });

  it('the consent step also accepts a POST (a driver that clicks a consent button)', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const first = await browser.follow(authorizeUrl(h, { code_challenge: challenge, code_challenge_method: 'S256' }), () => false);
    await first.res.text();
    const isConsent = (loc: string) => /\/oauth\/interaction\//.test(loc);
    const toConsent = await browser.follow(first.url, isConsent, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form(USER),
    });
    expect(isConsent(toConsent.url)).toBe(true);
    const done = await browser.follow(toConsent.url, (loc) => loc.startsWith(h.redirectUri), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    const code = new URL(done.url).searchParams.get('code');
    expect(code).toBeTruthy();
    expect((await exchange(h, code!, verifier)).res.status).toBe(200);
  });

  it('wrong password → the form again with an error, no redirect', async () => {
    const browser = new Browser();
    const { challenge } = pkce();
    const first = await browser.follow(authorizeUrl(h, { code_challenge: challenge, code_challenge_method: 'S256' }), () => false);
    expect(first.res.status).toBe(200);
    await first.res.text();
    const res = await browser.request(first.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ username: USER.username, password: 'wrong' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('id="login-error"');
    expect(html).toContain('name="password"');
    expect(html).not.toContain('wrong');
    // and the right password still works on the same interaction
    const ok = await browser.request(first.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form(USER),
    });
    expect(ok.status).toBe(303);
  });

  it('wrong code_verifier → 400 invalid_grant', async () => {
    const { challenge } = pkce();
    const { code } = await loginAndGetCode(h, challenge);
    const { res, json } = await exchange(h, code, pkce().verifier);
    expect(res.status).toBe(400);
    expect(json.error).toBe('invalid_grant');
  });

  it('missing code_verifier → 400 invalid_grant', async () => {
    const { challenge } = pkce();
    const { code } = await loginAndGetCode(h, challenge);
    const { res, json } = await token(h.origin, { grant_type: 'authorization_code', code, redirect_uri: h.redirectUri, client_id: PUBLIC_ID });
    expect(res.status).toBe(400);
    expect(json.error).toBe('invalid_grant');
  });

  it('code reuse → 400 invalid_grant and the first token is revoked', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await loginAndGetCode(h, challenge);
    const first = await exchange(h, code, verifier);
    expect(first.res.status).toBe(200);
    const at = first.json.access_token as string;
    expect(await h.auth.verifyBearer(`Bearer ${at}`)).toBe(true);
    const second = await exchange(h, code, verifier);
    expect(second.res.status).toBe(400);
    expect(second.json.error).toBe('invalid_grant');
    expect(await h.auth.verifyBearer(`Bearer ${at}`)).toBe(false);
  });

  it('redirect_uri differing at the token endpoint → 400 invalid_grant', async () => {
    const { verifier, challenge } = pkce();
    const { code } = await loginAndGetCode(h, challenge);
    const { res, json } = await exchange(h, code, verifier, { redirect_uri: `${h.origin}/elsewhere` });
    expect(res.status).toBe(400);
    expect(json.error).toBe('invalid_grant');
  });

  it('unregistered redirect_uri at /auth → 400 error page, no redirect', async () => {
    const { challenge } = pkce();
    const evil = 'https://evil.example/cb';
    const res = await fetch(authorizeUrl(h, { redirect_uri: evil, code_challenge: challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('redirect_uri');
    expect(html).not.toContain('evil.example');
  });

  it('unknown client at /auth → 400 error page, no redirect', async () => {
    const { challenge } = pkce();
    const res = await fetch(authorizeUrl(h, { client_id: 'nobody', code_challenge: challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    await res.text();
  });

  it('missing code_challenge → redirect to the registered redirect_uri with invalid_request', async () => {
    const res = await fetch(authorizeUrl(h, { state: 'xyz' }), { redirect: 'manual' });
    expect(res.status).toBe(303);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.href.startsWith(h.redirectUri)).toBe(true);
    expect(loc.searchParams.get('error')).toBe('invalid_request');
    expect(loc.searchParams.get('state')).toBe('xyz');
  });

  it('code_challenge_method=plain is rejected', async () => {
    const res = await fetch(authorizeUrl(h, { code_challenge: pkce().verifier, code_challenge_method: 'plain' }), { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('an interaction URL without its cookie → 400 page', async () => {
    const res = await fetch(`${h.origin}/oauth/interaction/abcdefghijklmnop`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('interaction');
  });
});

describe('verifyBearer', () => {
  it('rejects missing, malformed, garbage and forged tokens', async () => {
    const { json } = await token(h.origin, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const at = json.access_token as string;
    const [hd, pl, sig] = at.split('.') as [string, string, string];
    expect(await h.auth.verifyBearer(undefined)).toBe(false);
    expect(await h.auth.verifyBearer('')).toBe(false);
    expect(await h.auth.verifyBearer('Bearer')).toBe(false);
    expect(await h.auth.verifyBearer('Bearer garbage')).toBe(false);
    expect(await h.auth.verifyBearer('Bearer a.b.c')).toBe(false);
    expect(await h.auth.verifyBearer(at)).toBe(false); // no scheme
    expect(await h.auth.verifyBearer(basic(CLIENT_ID, CLIENT_SECRET))).toBe(false);
    const forgedPayload = Buffer.from(JSON.stringify({ ...jwtPayload(at), exp: 9999999999 })).toString('base64url');
    expect(await h.auth.verifyBearer(`Bearer ${hd}.${forgedPayload}.${sig}`)).toBe(false);
    expect(await h.auth.verifyBearer(`Bearer ${hd}.${pl}.${sig.slice(0, -4)}AAAA`)).toBe(false);
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    expect(await h.auth.verifyBearer(`Bearer ${none}.${pl}.`)).toBe(false);
    expect(await h.auth.verifyBearer(`bearer ${at}`)).toBe(true); // scheme is case-insensitive
  });

  it('rejects a token signed by another instance (other key)', async () => {
    const other = await startHarness();
    try {
      const { json } = await token(other.origin, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
      expect(await other.auth.verifyBearer(`Bearer ${json.access_token as string}`)).toBe(true);
      expect(await h.auth.verifyBearer(`Bearer ${json.access_token as string}`)).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('rejects an expired token (accessTokenTtlSeconds: 1)', async () => {
    const short = await startHarness({ ttl: 1 });
    try {
      const { res, json } = await token(short.origin, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
      expect(res.status).toBe(200);
      expect(json.expires_in).toBe(1);
      const at = `Bearer ${json.access_token as string}`;
      expect(await short.auth.verifyBearer(at)).toBe(true);
      await new Promise((r) => setTimeout(r, 2100));
      expect(await short.auth.verifyBearer(at)).toBe(false);
      // the api-no-auth fault lets even the expired token through
      short.faults.set('api-no-auth', '');
      expect(await short.auth.verifyBearer(at)).toBe(true);
    } finally {
      await short.close();
    }
  });
});

describe('faults', () => {
  it('token-wrong-secret: a wrong client_secret gets a token; nothing else changes', async () => {
    const wrongPost = { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'wrong' };
    expect((await token(h.origin, wrongPost)).res.status).toBe(401);
    h.faults.set('token-wrong-secret', '');
    try {
      const post = await token(h.origin, wrongPost);
      expect(post.res.status).toBe(200);
      expect(post.json.token_type).toBe('Bearer');
      const viaBasic = await token(h.origin, { grant_type: 'client_credentials' }, { authorization: basic(CLIENT_ID, 'wrong') });
      expect(viaBasic.res.status).toBe(200);
      // the token it issues is a real one
      expect(await h.auth.verifyBearer(`Bearer ${post.json.access_token as string}`)).toBe(true);
      // unchanged: unknown clients, bad grant types, garbage bearer tokens
      const unknown = await token(h.origin, { grant_type: 'client_credentials', client_id: 'who', client_secret: 'x' });
      expect(unknown.res.status).toBe(401);
      expect(unknown.json.error).toBe('invalid_client');
      const noGrant = await token(h.origin, { client_id: CLIENT_ID, client_secret: 'wrong' });
      expect(noGrant.json.error).toBe('invalid_request');
      expect(await h.auth.verifyBearer('Bearer garbage')).toBe(false);
      expect(await h.auth.verifyBearer(undefined)).toBe(false);
    } finally {
      h.faults.delete('token-wrong-secret');
    }
    expect((await token(h.origin, wrongPost)).res.status).toBe(401);
  });

  it('api-no-auth: verifyBearer accepts anything; the token endpoint is unchanged', async () => {
    expect(await h.auth.verifyBearer(undefined)).toBe(false);
    h.faults.set('api-no-auth', '');
    try {
      expect(await h.auth.verifyBearer(undefined)).toBe(true);
      expect(await h.auth.verifyBearer('')).toBe(true);
      expect(await h.auth.verifyBearer('Bearer garbage')).toBe(true);
      const wrong = await token(h.origin, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'wrong' });
      expect(wrong.res.status).toBe(401);
      expect(wrong.json.error).toBe('invalid_client');
    } finally {
      h.faults.delete('api-no-auth');
    }
    expect(await h.auth.verifyBearer('Bearer garbage')).toBe(false);
  });
});

describe('hygiene', () => {
  it('prints nothing (no oidc-provider notices, no secrets, tokens or codes)', () => {
    expect(consoleCalls).toEqual([]);
  });
});

// Runs only where a Chromium binary exists (CHROMIUM_PATH or /usr/bin/chromium); skipped otherwise.
const chromiumPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => !!p && existsSync(p),
);

describe.skipIf(!chromiumPath)('headless browser login', () => {
  it('fills #username/#password, clicks #login and lands on the redirect_uri with a code', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
    try {
      const page = await browser.newPage();
      const { verifier, challenge } = pkce();
      await page.goto(authorizeUrl(h, { code_challenge: challenge, code_challenge_method: 'S256', state: 'b1' }));
      await page.fill('#username', USER.username);
      await page.fill('#password', USER.password);
      await Promise.all([page.waitForURL(`${h.redirectUri}**`), page.click('#login')]);
      const code = new URL(page.url()).searchParams.get('code');
      expect(code).toBeTruthy();
      const { res } = await exchange(h, code!, verifier);
      expect(res.status).toBe(200);
    } finally {
      await browser.close();
    }
  });
});
