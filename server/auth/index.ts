// The reference server's OAuth 2.0 authorization server (the "SSO" of the DHP API access page),
// built on oidc-provider 9 and mounted under the path of `issuer` (normally `/oauth`).
//
// ── README notes ────────────────────────────────────────────────────────────────────────────────
// Endpoints (with issuer http://HOST/oauth; all other /oauth/* paths are oidc-provider's own):
//   POST /oauth/token                       token endpoint (client_credentials, authorization_code)
//   GET  /oauth/auth                        authorization endpoint (response_type=code, PKCE S256 required)
//   GET  /oauth/auth/:uid                   oidc-provider's "resume" step after an interaction
//   GET  /oauth/interaction/:uid            our login page (or the auto-granted consent step)
//   POST /oauth/interaction/:uid            login form submission
//   GET  /oauth/jwks                        public signing key (RS256) of the JWT access tokens
//   GET  /oauth/.well-known/openid-configuration   discovery document; the same document is served
//        for GET /.well-known/oauth-authorization-server/oauth (RFC 8414 path insertion) and
//        /oauth/.well-known/oauth-authorization-server — the first lives outside /oauth, so the server
//        core must pass that path to handle() too if it wants RFC 8414 discovery to work.
//
// Clients (static, from AuthOptions):
//   * backend client {clientId, clientSecret}: grant_types [client_credentials]. Registered with
//     token_endpoint_auth_method client_secret_post; oidc-provider 9 accepts the client secret both in
//     the form body (client_secret_post) and as HTTP Basic (client_secret_basic) for a client registered
//     with either of the two methods (lib/shared/client_auth.js), so both work without tricks.
//     Sending both at once is a 400 invalid_request ("only one mechanism").
//   * public client {publicClient.clientId, redirectUri}: token_endpoint_auth_method none,
//     response_types [code], grant_types [authorization_code]; PKCE is required (S256 only).
//
// Access tokens: JWT (typ at+jwt, RS256, kid from /oauth/jwks), iss = issuer,
//   aud = the FHIR base (default `<issuer origin>/fhir`, resource indicator default), exp = iat + ttl
//   (accessTokenTtlSeconds, default 3600), client_id, scope (only scopes the resource server knows,
//   see RESOURCE_SCOPES; unknown requested scopes are dropped, not rejected), sub = client id for
//   client_credentials or the test user's username for authorization_code, and `gid` (grant id) for
//   user tokens. No refresh tokens. Token responses: 200 JSON {access_token, token_type "Bearer",
//   expires_in, scope?} with Cache-Control: no-store.
// verifyBearer(authorization): true only for `Bearer <jwt>` signed by this instance's key, right issuer
//   and audience, not expired; for user tokens the grant must still exist — a reused authorization
//   code revokes its grant (RFC 6749 §4.1.2), which makes the tokens issued from it invalid. There is
//   no revocation endpoint (oidc-provider cannot revoke structured/JWT tokens).
//
// Errors (RFC 6749 §5.2, JSON {error, error_description}):
//   wrong secret / unknown client → 401 invalid_client (+ WWW-Authenticate: Basic when Basic was used);
//   missing grant_type → 400 invalid_request; unknown grant_type → 400 unsupported_grant_type;
//   grant type not registered for the client → 400 unauthorized_client (remapped from oidc-provider's
//   invalid_request by a small middleware);
//   wrong code_verifier / reused code / wrong redirect_uri at /token → 400 invalid_grant;
//   unregistered redirect_uri at /auth → 400 HTML error page (no redirect to that URI);
//   missing code_challenge at /auth → redirect to the (registered) redirect_uri with error=invalid_request.
//
// Login flow (authorization code + PKCE), what a plain HTTP client or a browser sees:
//   1. GET /oauth/auth?response_type=code&client_id=…&redirect_uri=…&code_challenge=…
//        &code_challenge_method=S256&state=…[&scope=…]   → 303 Location /oauth/interaction/<uid1>
//        (no scope → DEFAULT_USER_SCOPE `user/*.*` is assumed; oidc-provider cannot grant "nothing")
//        (sets cookies `_interaction` [path /oauth/interaction/<uid1>] and `_interaction_resume`
//        [path /oauth/auth/<uid1>]; a client must send them back)
//   2. GET /oauth/interaction/<uid1>  → 200 HTML login form:
//        <form id="login-form" method="post" action="/oauth/interaction/<uid1>">
//          <input id="username" name="username">  <input id="password" name="password" type="password">
//          <button id="login" type="submit">   (+ hidden input name="prompt" value="login")
//   3. POST /oauth/interaction/<uid1> (application/x-www-form-urlencoded username=…&password=…)
//        wrong credentials → 200 the form again with <p id="login-error" class="error">;
//        right ones → 303 Location /oauth/auth/<uid1>
//   4. GET /oauth/auth/<uid1>  → 303 Location /oauth/interaction/<uid2> (consent prompt; sets the
//        `_session` cookie and new interaction cookies)
//   5. GET /oauth/interaction/<uid2>  → consent is auto-granted (no page) → 303 Location /oauth/auth/<uid2>
//        (a POST to the same URL also grants, for drivers that expect a consent button)
//   6. GET /oauth/auth/<uid2>  → 303 Location <redirect_uri>?code=<code>&state=<state>&iss=<issuer>
//   7. POST /oauth/token grant_type=authorization_code&code=…&redirect_uri=…&code_verifier=…&client_id=…
//        → 200 token response.
//   Each cookie comes with a `<name>.sig` companion (signed cookies); send both back.
//   With an existing `_session` cookie, the login form is skipped (and the consent step too when an
//   earlier grant already covers the request).
//
// Faults (server/faults.ts): `token-wrong-secret` makes the client-secret comparison always succeed
//   for a known client (an unknown client_id is still 401); `api-no-auth` makes verifyBearer return true
//   for anything. Both are read at call time.
// Nothing here logs secrets, tokens, codes or verifiers; oidc-provider's development notices are
//   avoided by configuring keys, adapter, TTLs, CORS, findAccount, renderError and interactions, and
//   the one printed at import time on Node 20 ("Unsupported runtime") is filtered during the import.
// ──────────────────────────────────────────────────────────────────────────────────────────────

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { FaultSet } from '../faults.ts';
import { MemoryStore } from './memory-adapter.ts';
import { verifyAccessTokenJwt } from './jwt.ts';
import { errorPage, loginPage } from './pages.ts';

export interface AuthOptions {
  /** e.g. http://127.0.0.1:<port>/oauth */
  issuer: string;
  clientId: string;
  clientSecret: string;
  publicClient: { clientId: string; redirectUri: string };
  testUser: { username: string; password: string };
  faults: FaultSet;
  /** default 3600 */
  accessTokenTtlSeconds?: number;
  /** Audience / resource indicator of the access tokens; default `<issuer origin>/fhir`. */
  resource?: string;
}

export interface Auth {
  /** Handles requests whose path starts with the issuer's path (/oauth). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  verifyBearer(authorization: string | undefined): Promise<boolean>;
  close(): Promise<void>;
}

/** Scopes the FHIR resource server knows (SMART-style); requested scopes outside this list are dropped. */
export const RESOURCE_SCOPES = [
  'system/*.*', 'system/*.read', 'system/*.write', 'system/*.cruds', 'system/*.rs',
  'user/*.*', 'user/*.read', 'user/*.write', 'user/*.cruds', 'user/*.rs',
  'patient/*.*', 'patient/*.read', 'patient/*.write', 'patient/*.cruds', 'patient/*.rs',
].join(' ');

/** Scope given to an authorization request that asks for none (the platform's requests carry none). */
export const DEFAULT_USER_SCOPE = 'user/*.*';

type ProviderModule = typeof import('oidc-provider');

let providerModule: Promise<ProviderModule> | undefined;

/** Imports oidc-provider once, dropping its import-time "Unsupported runtime" notice (Node 20). */
function loadProvider(): Promise<ProviderModule> {
  providerModule ??= (async () => {
    const orig = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
      orig.apply(console, args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = orig;
    }
  })();
  return providerModule;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

const FORM_LIMIT = 16 * 1024;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > FORM_LIMIT) throw new Error('form too large');
    chunks.push(buf);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(html);
}

export async function createAuth(opts: AuthOptions): Promise<Auth> {
  const { default: Provider, errors } = await loadProvider();

  const issuerUrl = new URL(opts.issuer);
  const issuer = opts.issuer.replace(/\/+$/, '');
  const mount = issuerUrl.pathname.replace(/\/+$/, ''); // '/oauth'
  const resource = opts.resource ?? `${issuerUrl.origin}/fhir`;
  const ttl = opts.accessTokenTtlSeconds ?? 3600;
  if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new TypeError('accessTokenTtlSeconds must be a positive integer');
  const faults = opts.faults;

  // Signing key, generated per instance: nothing on disk, nothing fetched.
  const kid = randomBytes(8).toString('hex');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };

  const store = new MemoryStore();
  const account = opts.testUser.username;

  const configuration: Configuration = {
    adapter: store.factory(),
    jwks: { keys: [privateJwk] as NonNullable<Configuration['jwks']>['keys'] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: opts.publicClient.clientId,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [opts.publicClient.redirectUri],
      },
    ],
    clientAuthMethods: ['client_secret_post', 'client_secret_basic', 'none'],
    responseTypes: ['code'],
    scopes: ['openid'],
    pkce: { required: () => true },
    routes: { authorization: '/auth', token: '/token', jwks: '/jwks' },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: false },
      revocation: { enabled: false },
      introspection: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? resource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return {
            scope: RESOURCE_SCOPES,
            audience: resource,
            accessTokenTTL: ttl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    formats: {
      customizers: {
        jwt: (_ctx, token, parts) => {
          const grantId = (token as { grantId?: string }).grantId;
          if (grantId) parts.payload.gid = grantId;
        },
      },
    },
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ttl,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ttl,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
      RefreshToken: 24 * 3600,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
      PreAuthorizedCode: 600,
    },
    interactions: {
      url: (_ctx, interaction) => `${mount}/interaction/${interaction.uid}`,
    },
    findAccount: (_ctx, sub) =>
      sub === account ? { accountId: sub, claims: () => ({ sub }) } : undefined,
    clientBasedCORS: (_ctx, origin, client) =>
      client.clientAuthMethod === 'none' &&
      (client.redirectUris ?? []).some((u) => URL.parse(u)?.origin === origin),
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage('Sign-in error', String(out.error), out.error_description ? String(out.error_description) : undefined);
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = false;

  // Fault token-wrong-secret: any client_secret authenticates a known confidential client.
  const clientProto = provider.Client.prototype as unknown as {
    compareClientSecret(this: unknown, actual: string): Promise<boolean> | boolean;
  };
  const compareClientSecret = clientProto.compareClientSecret;
  clientProto.compareClientSecret = function (this: unknown, actual: string) {
    if (faults.has('token-wrong-secret')) return Promise.resolve(true);
    return compareClientSecret.call(this, actual);
  };

  // Runs before oidc-provider's own middleware (ctx.path is relative to the mount path here).
  provider.use(async (ctx, next) => {
    await next();
    // RFC 6749 §5.2: a grant type the client may not use is unauthorized_client (oidc-provider says
    // invalid_request).
    if (ctx.path === '/token' && ctx.status === 400) {
      const body = ctx.body as { error?: string; error_description?: string } | undefined;
      if (body?.error === 'invalid_request' && body.error_description === 'requested grant type is not allowed for this client') {
        body.error = 'unauthorized_client';
      }
    }
  });

  provider.on('server_error', (_ctx: KoaContextWithOIDC, err: Error) => {
    console.error(`[auth] oidc-provider server_error: ${err.name}: ${err.message}`);
  });

  const callback = provider.callback();

  async function autoConsent(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session } = details;
    const accountId = session?.accountId;
    if (!accountId) throw new errors.SessionNotFound('no signed-in account for consent');
    const clientId = String(params.client_id);
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId });
    if (!grant) throw new errors.SessionNotFound('grant not found');
    const d = prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    if (d.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(d.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      sendHtml(res, 400, errorPage('Sign-in error', 'invalid_request', 'interaction session not found or expired; start again from the application'));
      return;
    }
    if (details.uid !== uid) {
      sendHtml(res, 400, errorPage('Sign-in error', 'invalid_request', 'interaction session mismatch; start again from the application'));
      return;
    }
    const action = `${mount}/interaction/${encodeURIComponent(uid)}`;
    const clientId = String(details.params.client_id ?? '');
    const promptName = details.prompt.name;

    if (req.method === 'GET' || req.method === 'HEAD') {
      if (promptName === 'login') return sendHtml(res, 200, loginPage({ action, clientId }));
      if (promptName === 'consent') return autoConsent(req, res);
      return sendHtml(res, 400, errorPage('Sign-in error', 'invalid_request', `unsupported prompt ${promptName}`));
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'GET, HEAD, POST');
      return sendHtml(res, 405, errorPage('Method not allowed', 'invalid_request'));
    }
    let form: URLSearchParams;
    try {
      form = await readForm(req);
    } catch {
      return sendHtml(res, 400, errorPage('Sign-in error', 'invalid_request', 'unreadable form'));
    }
    if (promptName === 'consent') return autoConsent(req, res);
    if (promptName !== 'login') {
      return sendHtml(res, 400, errorPage('Sign-in error', 'invalid_request', `unsupported prompt ${promptName}`));
    }
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    const ok = safeEqual(username, opts.testUser.username) && safeEqual(password, opts.testUser.password);
    if (!ok) {
      return sendHtml(res, 200, loginPage({ action, clientId, username, error: 'Invalid username or password.' }));
    }
    await provider.interactionFinished(req, res, { login: { accountId: account } }, { mergeWithLastSubmission: false });
  }

  const interactionPrefix = `${mount}/interaction/`;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0] ?? '/';
    if (path.startsWith(interactionPrefix)) {
      const uid = decodeURIComponent(path.slice(interactionPrefix.length));
      if (!/^[A-Za-z0-9_-]+$/.test(uid)) {
        sendHtml(res, 404, errorPage('Not found', 'not_found'));
        return;
      }
      interaction(req, res, uid).catch((err: unknown) => {
        const e = err as { name?: string; message?: string };
        if (e?.name !== 'SessionNotFound') console.error(`[auth] interaction failed: ${e?.name}: ${e?.message}`);
        if (!res.headersSent) sendHtml(res, 400, errorPage('Sign-in error', 'invalid_request', 'interaction failed; start again from the application'));
        else res.end();
      });
      return;
    }
    if (req.method === 'GET' && (path === `/.well-known/oauth-authorization-server${mount}` || path === `${mount}/.well-known/oauth-authorization-server`)) {
      // RFC 8414 metadata (path-inserted form, as oauth4webapi's `oauth2` discovery asks for it): the
      // same document as the OpenID discovery one.
      req.url = `${mount}/.well-known/openid-configuration`;
      handle(req, res);
      return;
    }
    if (mount && path !== mount && !path.startsWith(`${mount}/`)) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ error: 'not_found' }));
      return;
    }
    // Mount oidc-provider (a Koa app) under `mount`, the way Express would: strip the prefix from
    // req.url and keep the full URL in req.originalUrl (oidc-provider derives its URLs from both).
    let full = url;
    // The platform's authorization request carries no scope; oidc-provider refuses to issue a grant
    // without any scope (access_denied), so a scope-less GET /auth gets DEFAULT_USER_SCOPE. (Done on
    // the raw URL: rewriting ctx.query later would break oidc-provider's mount-path detection.)
    if (req.method === 'GET' && path === `${mount}/auth`) {
      const q = new URLSearchParams(url.slice(path.length + 1));
      if (!q.get('scope')) {
        q.set('scope', DEFAULT_USER_SCOPE);
        full = `${path}?${q}`;
      }
    }
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = full;
    req.url = full.slice(mount.length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    void callback(req, res);
  }

  return {
    handle,

    async verifyBearer(authorization) {
      if (faults.has('api-no-auth')) return true;
      if (!authorization) return false;
      const m = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)[ ]*$/i.exec(authorization);
      if (!m) return false;
      const claims = verifyAccessTokenJwt(m[1]!, { publicKey, kid, issuer, audience: resource });
      if (!claims) return false;
      if (claims.gid !== undefined) {
        if (typeof claims.gid !== 'string') return false;
        const grant = await provider.Grant.find(claims.gid);
        if (!grant) return false;
      }
      return true;
    },

    async close() {
      provider.removeAllListeners();
      store.clear();
    },
  };
}
