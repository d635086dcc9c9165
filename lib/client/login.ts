// The authorization-code + PKCE (S256) login, headless, for any target configured through loginFromEnv():
// a plain-HTTP driver (manual redirects, a cookie jar, the login form parsed from the page) by default, or
// Debian's chromium through playwright-core when DHP_LOGIN_DRIVER=browser. The client side of the protocol
// (challenge, state, callback validation, code exchange) is oauth4webapi's. Every code, verifier, state and
// token is registered as a secret before it can reach any evidence.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oauth from 'oauth4webapi';
import type { LoginConfig } from '../config/target.ts';
import { readEnv } from '../config/env.ts';
import { CookieJar } from './cookie-jar.ts';
import { fill, parseForms } from './html-form.ts';
import { redactText, redactUrl, registerSecret } from './redact.ts';

export interface Pkce { verifier: string; challenge: string; state: string }

export type AuthorizeOutcome =
  | { kind: 'redirected'; url: URL; trace: string[] }
  | { kind: 'stopped'; status: number; reason: string; trace: string[] };

export interface LoginDriver {
  readonly name: 'http' | 'browser';
  /** Runs the user's side from the authorization URL until a redirect to one of `stopAt` (or a dead end). */
  authorize(cfg: LoginConfig, url: URL, stopAt: readonly string[]): Promise<AuthorizeOutcome>;
  close(): Promise<void>;
}

export class LoginError extends Error {
  constructor(message: string, readonly trace: string[]) {
    super(redactText(`${message}${trace.length ? ` (steps: ${trace.join(' → ')})` : ''}`));
    this.name = 'LoginError';
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/** Plain HTTP is allowed for loopback targets only (the embedded server); everything else must be HTTPS. */
export const isLoopback = (url: string | URL) => LOOPBACK.has(new URL(url).hostname);

export async function newPkce(): Promise<Pkce> {
  const verifier = oauth.generateRandomCodeVerifier();
  const pkce = { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier), state: oauth.generateRandomState() };
  registerSecret(pkce.verifier);
  registerSecret(pkce.state);
  return pkce;
}

/** Step 1 of the page's flow: GET the SSO with client_id and redirect_uri (plus the PKCE challenge and state). */
export function authorizationUrl(cfg: LoginConfig, pkce: Pkce, redirectUri = cfg.redirectUri): URL {
  const url = new URL(cfg.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', cfg.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('code_challenge', pkce.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', pkce.state);
  return url;
}

/** True when `url` is `target` (same origin and path; the query is the server's). */
export function landsOn(url: URL, target: string): boolean {
  const t = new URL(target);
  return url.origin === t.origin && url.pathname === t.pathname;
}

const step = (method: string, url: URL | string, status: number | string) => `${method} ${redactUrl(String(url))} ${status}`;

/** The headless driver: fetch with manual redirects and a cookie jar; fills the first form with a password field. */
export function httpLoginDriver(o: { timeoutMs?: number; maxSteps?: number } = {}): LoginDriver {
  return {
    name: 'http',
    async close() {},
    async authorize(cfg, start, stopAt) {
      registerSecret(cfg.password);
      const jar = new CookieJar();
      const trace: string[] = [];
      let url = start;
      let method: 'GET' | 'POST' = 'GET';
      let body: URLSearchParams | undefined;
      let loggedIn = false, otherForms = 0;
      for (let i = 0; i < (o.maxSteps ?? 20); i++) {
        const cookie = jar.header(url);
        const res = await fetch(url, {
          method, body, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
          headers: { accept: 'text/html,application/xhtml+xml', ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        });
        jar.store(url, res.headers.getSetCookie());
        trace.push(step(method, url, res.status));
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location) {
          await res.arrayBuffer();
          const next = new URL(location, url);
          if (stopAt.some((t) => landsOn(next, t))) {
            registerSecret(next.searchParams.get('code'));
            trace.push(`→ ${redactUrl(next.href)}`);
            return { kind: 'redirected', url: next, trace };
          }
          url = next; method = 'GET'; body = undefined;
          continue;
        }
        const text = await res.text();
        if (res.status !== 200) return { kind: 'stopped', status: res.status, reason: pageText(text), trace };
        const forms = parseForms(text, url);
        const login = forms.find((f) => f.hasPassword);
        if (login) {
          if (loggedIn) return { kind: 'stopped', status: res.status, reason: `the login form came back after submitting the test user's credentials: ${pageText(text)}`, trace };
          loggedIn = true;
          body = fill(login, { [cfg.usernameField]: cfg.username, [cfg.passwordField]: cfg.password });
        } else if (forms[0] && otherForms++ < 2) {
          body = fill(forms[0], {}); // a consent or "continue" step
          if (forms[0].method === 'GET') { url = new URL(`${forms[0].action.origin}${forms[0].action.pathname}?${body}`); method = 'GET'; body = undefined; continue; }
        } else {
          return { kind: 'stopped', status: res.status, reason: `a page without a login form: ${pageText(text)}`, trace };
        }
        const form = login ?? forms[0]!;
        url = form.action; method = 'POST';
      }
      return { kind: 'stopped', status: 0, reason: `no redirect to the redirect_uri after ${o.maxSteps ?? 20} steps`, trace };
    },
  };
}

/** The visible text of an HTML page, short (for messages). */
function pageText(html: string): string {
  return redactText(html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200));
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The requested driver cannot run here (e.g. no chromium installed): the checks that need it are not run. */
export class DriverUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriverUnavailable';
  }
}

/** The browser driver: Debian's chromium through playwright-core, a fresh profile per login. */
export async function browserLoginDriver(o: { executablePath?: string; timeoutMs?: number } = {}): Promise<LoginDriver> {
  const executablePath = o.executablePath ?? readEnv().login.chromium;
  if (!existsSync(executablePath)) throw new DriverUnavailable(`DHP_LOGIN_DRIVER=browser but there is no chromium at ${executablePath} (apt-get install chromium, or set DHP_CHROMIUM)`);
  const { chromium } = await import('playwright-core');
  const timeout = o.timeoutMs ?? 30_000;
  const dirs: string[] = [];
  return {
    name: 'browser',
    async close() { for (const d of dirs) rmSync(d, { recursive: true, force: true }); },
    async authorize(cfg, start, stopAt) {
      registerSecret(cfg.password);
      const userDataDir = mkdtempSync(join(tmpdir(), 'dhp-chromium-'));
      dirs.push(userDataDir);
      const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath, headless: true, args: CHROMIUM_ARGS, timeout,
      });
      const trace: string[] = [];
      try {
        let landed: URL | undefined;
        let arrived!: () => void;
        const done = new Promise<void>((r) => { arrived = r; });
        // Route handlers do not see redirect hops, request events do: the redirect back to the redirect_uri is
        // a hop of the SSO's redirect chain, so it is caught here (the browser still requests it).
        context.on('request', (req) => {
          const u = new URL(req.url());
          if (!landed && req.isNavigationRequest() && stopAt.some((t) => landsOn(u, t))) {
            landed = u;
            registerSecret(u.searchParams.get('code'));
            trace.push(`→ ${redactUrl(u.href)}`);
            arrived();
          }
        });
        const page = await context.newPage();
        let lastStatus = 0;
        page.on('response', (r) => { if (r.request().isNavigationRequest()) { lastStatus = r.status(); trace.push(step(r.request().method(), r.url(), r.status())); } });
        const deadline = Date.now() + timeout;
        const until = (p: Promise<unknown>) => Promise.race([done, p.catch(() => undefined), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
        await until(page.goto(start.href, { timeout }));
        const user = page.locator(`[name="${cfg.usernameField}"]`);
        await until(user.waitFor({ timeout }));
        if (!landed && (await user.count())) {
          await user.fill(cfg.username);
          await page.locator(`[name="${cfg.passwordField}"]`).fill(cfg.password);
          const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout });
          await page.locator(cfg.submitSelector).click();
          await until(navigated);
          await until(page.waitForLoadState('domcontentloaded', { timeout }));
          if (!landed && (await user.isVisible().catch(() => false))) {
            return { kind: 'stopped', status: lastStatus, reason: `the login form came back after submitting the test user's credentials: ${pageText(await page.content().catch(() => ''))}`, trace };
          }
        }
        await until(new Promise(() => {}));
        if (landed) return { kind: 'redirected', url: landed, trace };
        return { kind: 'stopped', status: lastStatus, reason: pageText(await page.content().catch(() => '')), trace };
      } finally {
        await context.close();
      }
    },
  };
}

/** The driver a run uses: DHP_LOGIN_DRIVER=browser for chromium, the HTTP driver otherwise. */
export async function loginDriverFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<LoginDriver> {
  return readEnv(env).login.driver === 'browser' ? browserLoginDriver() : httpLoginDriver();
}

export interface CodeGrant { params: URLSearchParams; pkce: Pkce; redirectUri: string; issuer: string; trace: string[] }

function serverFor(cfg: LoginConfig, tokenUrl: string, issuer: string): oauth.AuthorizationServer {
  return { issuer, authorization_endpoint: cfg.authorizeUrl, token_endpoint: tokenUrl };
}

/** Steps 1–2: log the test user in and come back with an authorization code (validated by oauth4webapi). */
export async function obtainCode(cfg: LoginConfig, tokenUrl: string, driver: LoginDriver, redirectUri = cfg.redirectUri): Promise<CodeGrant> {
  const pkce = await newPkce();
  const outcome = await driver.authorize(cfg, authorizationUrl(cfg, pkce, redirectUri), [redirectUri]);
  if (outcome.kind !== 'redirected') throw new LoginError(`the login did not come back to the redirect_uri (${outcome.status}: ${outcome.reason})`, outcome.trace);
  // The issuer the callback names (RFC 9207) when it names one; else the SSO's origin.
  const issuer = outcome.url.searchParams.get('iss') ?? readEnv().login.issuer ?? new URL(cfg.authorizeUrl).origin;
  try {
    const params = oauth.validateAuthResponse(serverFor(cfg, tokenUrl, issuer), { client_id: cfg.clientId }, outcome.url, pkce.state);
    registerSecret(params.get('code'));
    return { params, pkce, redirectUri, issuer, trace: outcome.trace };
  } catch (e) {
    const detail = e instanceof oauth.AuthorizationResponseError ? `${e.error}${e.error_description ? ` (${e.error_description})` : ''}` : (e as Error).message;
    throw new LoginError(`the redirect back carries no usable code: ${detail}`, outcome.trace);
  }
}

export type Exchange =
  | { ok: true; tokens: oauth.TokenEndpointResponse; trace: string[] }
  | { ok: false; status: number; error: string; description?: string; trace: string[] };

/** Step 3: exchange the code at the token endpoint (public client + PKCE); `verifier`/`redirectUri` may be tampered with. */
export async function exchangeCode(cfg: LoginConfig, tokenUrl: string, grant: CodeGrant, o: { verifier?: string; redirectUri?: string } = {}): Promise<Exchange> {
  const as = serverFor(cfg, tokenUrl, grant.issuer);
  const client: oauth.Client = { client_id: cfg.clientId };
  const trace = [...grant.trace];
  const verifier = o.verifier ?? grant.pkce.verifier;
  registerSecret(verifier);
  const options = {
    [oauth.allowInsecureRequests]: isLoopback(tokenUrl),
    [oauth.customFetch]: async (url: string, init: RequestInit) => {
      const res = await fetch(url, init);
      trace.push(step('POST', url, res.status));
      return res;
    },
    signal: AbortSignal.timeout(30_000),
  };
  try {
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), grant.params, o.redirectUri ?? grant.redirectUri, verifier, options);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    registerSecret(tokens.access_token);
    registerSecret(tokens.refresh_token);
    registerSecret(tokens.id_token);
    return { ok: true, tokens, trace };
  } catch (e) {
    if (e instanceof oauth.ResponseBodyError) return { ok: false, status: e.status, error: e.error, description: e.error_description, trace };
    throw new LoginError(`the code exchange failed: ${(e as Error).message}`, trace);
  }
}
